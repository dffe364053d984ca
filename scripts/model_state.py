"""Snakemake script of rule model_state: history files -> CF model state on fixed altitudes."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.model.steps import make_model_state  # noqa: E402

make_model_state(
    snakemake.input.history,  # noqa: F821
    snakemake.output.state,  # noqa: F821
    snakemake.params.model,  # noqa: F821
    threads=snakemake.threads,  # noqa: F821
)
