"""Rule mission_qc_summary: sum one mission's per-day QC tables."""

from estransport.steps import run
from estransport.steps.missions import mission_qc_summary

run(mission_qc_summary, snakemake)  # noqa: F821
