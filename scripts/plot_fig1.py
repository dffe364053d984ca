"""Rule fig1_ion_drift: drift.nc -> paper Fig. 1."""

from estransport.steps import run
from estransport.steps.figures import fig1_ion_drift

run(fig1_ion_drift, snakemake)  # noqa: F821
