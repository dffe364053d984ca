"""Rule fig2ab_s4max: paper Fig. 2a,b, the seasonal mean S4max map of one panel."""

from estransport.steps import run
from estransport.steps.figures import fig2ab_s4max

run(fig2ab_s4max, snakemake)  # noqa: F821
