"""Rule model_drift: model state -> Fe+ drift and its U, V, W, ExB, Pedersen parts."""

from estransport.steps import run
from estransport.steps.model import model_drift

run(model_drift, snakemake)  # noqa: F821
