"""Rule ionosonde_download_giro: one station-year from GIRO DIDBase (FastChar fallback)."""

from estransport.steps import run
from estransport.steps.ionosonde import ionosonde_download_giro

run(ionosonde_download_giro, snakemake)  # noqa: F821
