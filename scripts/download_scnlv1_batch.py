"""Rules download_scnlv1_batch_*: download a batch of CDAAC scnLv1 day tarballs."""

from estransport.steps import run
from estransport.steps.cosmic import download_scnlv1_batch

run(download_scnlv1_batch, snakemake)  # noqa: F821
