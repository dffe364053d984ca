"""Rule model_state: history files -> CF model state on fixed geometric altitudes."""

from estransport.steps import run
from estransport.steps.model import model_state

run(model_state, snakemake)  # noqa: F821
