"""Rule ingest_scnlv1_day: one scnLv1 day tarball -> event table (Parquet) and QC table (CSV)."""

from estransport.steps import run
from estransport.steps.cosmic import ingest_scnlv1_day

run(ingest_scnlv1_day, snakemake)  # noqa: F821
