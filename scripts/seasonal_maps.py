"""Rule seasonal_maps: stream the event tables into the four seasonal mean S4max maps."""

from estransport.steps import run
from estransport.steps.cosmic import seasonal_maps

run(seasonal_maps, snakemake)  # noqa: F821
