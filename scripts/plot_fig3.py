"""Rule fig3_es_monthly: monthly S4max climatology + residual drift -> paper Fig. 3."""

from estransport.steps import run
from estransport.steps.figures import fig3_es_monthly

run(fig3_es_monthly, snakemake)  # noqa: F821
