"""Rule download_mission_day: download one CDAAC day tarball of a current mission."""

from estransport.steps import run
from estransport.steps.missions import download_mission_day

run(download_mission_day, snakemake)  # noqa: F821
