"""Snakemake script of rule fig3_drift: TEM + state + drift -> monthly residual-circulation Fe+ drift."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.climatology.residual_drift import make_residual_drift  # noqa: E402

make_residual_drift(
    snakemake.input.tem,  # noqa: F821
    snakemake.input.state,  # noqa: F821
    snakemake.input.drift,  # noqa: F821
    snakemake.output.residual,  # noqa: F821
    snakemake.params.transport,  # noqa: F821
)
