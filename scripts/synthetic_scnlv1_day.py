"""Rule synthetic_scnlv1_day: write one synthetic CDAAC scnLv1 day tarball (planted Es climatology)."""

from estransport.steps import run
from estransport.steps.cosmic import synthetic_scnlv1_day

run(synthetic_scnlv1_day, snakemake)  # noqa: F821
