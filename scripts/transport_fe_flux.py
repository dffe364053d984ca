"""Rule fe_flux: state.nc + drift.nc -> monthly Fe+ flux n(Fe+) v_i (fe_flux.nc)."""

from estransport.steps import run
from estransport.steps.transport import fe_flux

run(fe_flux, snakemake)  # noqa: F821
