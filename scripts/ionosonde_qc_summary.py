"""Rule ionosonde_qc_summary: foEs values dropped by each rule, per station and year."""

from estransport.steps import run
from estransport.steps.ionosonde import ionosonde_qc_summary

run(ionosonde_qc_summary, snakemake)  # noqa: F821
