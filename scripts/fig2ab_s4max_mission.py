"""Rule fig2ab_s4max_mission: Fig. 2a,b-style map of one mission or of the combined set."""

from estransport.steps import run
from estransport.steps.missions import fig2ab_s4max_mission

run(fig2ab_s4max_mission, snakemake)  # noqa: F821
