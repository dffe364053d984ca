"""Rule ionosonde_download_ukssdc: one station-year from UKSSDC with the configured URL template."""

from estransport.steps import run
from estransport.steps.ionosonde import ionosonde_download_ukssdc

run(ionosonde_download_ukssdc, snakemake)  # noqa: F821
