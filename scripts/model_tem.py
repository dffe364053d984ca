"""Rule model_tem: history files -> TEM residual circulation."""

from estransport.steps import run
from estransport.steps.model import model_tem

run(model_tem, snakemake)  # noqa: F821
