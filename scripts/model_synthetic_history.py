"""Rule model_synthetic_history: write the synthetic WACCM history files and their planted truth."""

from estransport.steps import run
from estransport.steps.model import model_synthetic_history

run(model_synthetic_history, snakemake)  # noqa: F821
