"""Rule ionosonde_hourly: parse one station's raw files into the hourly table."""

from estransport.steps import run
from estransport.steps.ionosonde import ionosonde_hourly

run(ionosonde_hourly, snakemake)  # noqa: F821
