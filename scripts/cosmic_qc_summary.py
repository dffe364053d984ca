"""Rule cosmic_qc_summary: sum the per-day QC tables into results/occultation/qc_summary.csv."""

from estransport.steps import run
from estransport.steps.cosmic import cosmic_qc_summary

run(cosmic_qc_summary, snakemake)  # noqa: F821
