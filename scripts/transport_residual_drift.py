"""Rule residual_drift: TEM + state + drift -> residual-circulation Fe+ drift (Fig. 3 arrows)."""

from estransport.steps import run
from estransport.steps.transport import residual_drift

run(residual_drift, snakemake)  # noqa: F821
