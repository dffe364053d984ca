"""Rule ionosonde_synthetic: write one synthetic station-year in the station's real format."""

from estransport.steps import run
from estransport.steps.ionosonde import ionosonde_synthetic

run(ionosonde_synthetic, snakemake)  # noqa: F821
