"""Snakemake script of rule ingest_scnlv1_day: one scnLv1 day tarball -> events + QC table."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.io.scnlv1 import ingest_day  # noqa: E402

ingest_day(
    snakemake.input.tarball,  # noqa: F821
    snakemake.output.events,  # noqa: F821
    snakemake.output.qc,  # noqa: F821
    qc=snakemake.params.qc,  # noqa: F821
    strict=snakemake.params.strict,  # noqa: F821
)
