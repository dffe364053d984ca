"""Rule fig2cd_residual_circulation: tem.nc -> paper Fig. 2c or 2d."""

from estransport.steps import run
from estransport.steps.figures import fig2cd_residual_circulation

run(fig2cd_residual_circulation, snakemake)  # noqa: F821
