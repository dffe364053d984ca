"""Rule empty_scnlv1_day: an empty day tarball for a day the local COSMIC archive lacks."""

from estransport.steps import run
from estransport.steps.cosmic import empty_scnlv1_day

run(empty_scnlv1_day, snakemake)  # noqa: F821
