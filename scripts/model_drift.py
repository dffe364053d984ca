"""Snakemake script of rule model_drift: model state -> Fe+ drift and its U/V/W/E parts."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.model.steps import make_drift  # noqa: E402

make_drift(
    snakemake.input.state,  # noqa: F821
    snakemake.output.drift,  # noqa: F821
    snakemake.params.model,  # noqa: F821
    threads=snakemake.threads,  # noqa: F821
)
