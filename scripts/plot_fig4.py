"""Rule fig4_fe_flux: fe_flux.nc + flux range table -> paper Fig. 4."""

from estransport.steps import run
from estransport.steps.figures import fig4_fe_flux

run(fig4_fe_flux, snakemake)  # noqa: F821
