"""Rule download_scnlv1_day: download one CDAAC scnLv1 day tarball (repro2013, then postProc)."""

from estransport.steps import run
from estransport.steps.cosmic import download_scnlv1_day

run(download_scnlv1_day, snakemake)  # noqa: F821
