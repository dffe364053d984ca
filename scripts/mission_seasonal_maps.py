"""Rule mission_seasonal_maps: one mission's seasonal S4max maps, blank outside its coverage."""

from estransport.steps import run
from estransport.steps.missions import mission_seasonal_maps

run(mission_seasonal_maps, snakemake)  # noqa: F821
