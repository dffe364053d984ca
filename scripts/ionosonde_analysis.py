"""Rule ionosonde_analysis: summer-peak DOY per station-year and the latitude-DOY fits."""

from estransport.steps import run
from estransport.steps.ionosonde import ionosonde_analysis

run(ionosonde_analysis, snakemake)  # noqa: F821
