"""Rule synthetic_mission_day: write one synthetic day tarball of a current mission (COSMIC-2, Spire)."""

from estransport.steps import run
from estransport.steps.missions import synthetic_mission_day

run(synthetic_mission_day, snakemake)  # noqa: F821
