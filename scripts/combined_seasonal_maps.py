"""Rule combined_seasonal_maps: seasonal S4max maps pooling cosmic.combined.missions."""

from estransport.steps import run
from estransport.steps.missions import combined_seasonal_maps

run(combined_seasonal_maps, snakemake)  # noqa: F821
