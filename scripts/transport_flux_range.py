"""Rule flux_range: fe_flux.nc -> range of the meridional flux at the map level (CSV)."""

from estransport.steps import run
from estransport.steps.transport import flux_range

run(flux_range, snakemake)  # noqa: F821
