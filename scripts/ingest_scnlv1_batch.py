"""Rules ingest_scnlv1_batch_*: a batch of scnLv1 day tarballs -> one event table and one QC table a day."""

from estransport.steps import run
from estransport.steps.cosmic import ingest_scnlv1_batch

run(ingest_scnlv1_batch, snakemake)  # noqa: F821
