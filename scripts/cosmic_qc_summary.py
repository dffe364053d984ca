"""Snakemake script of rule cosmic_qc_summary: sum the per-day QC tables."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.io.atomic import write_csv  # noqa: E402
from estransport.io.scnlv1 import summarise_qc  # noqa: E402

write_csv(summarise_qc(snakemake.input.qc), snakemake.output.summary)  # noqa: F821
