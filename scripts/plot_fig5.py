"""Rule fig5_ionosondes: paper Fig. 5 (station map and smoothed foEs per chain)."""

from estransport.steps import run
from estransport.steps.figures import fig5_ionosondes

run(fig5_ionosondes, snakemake)  # noqa: F821
