"""Snakemake script of rule model_tem: history files -> TEM residual circulation."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.model.steps import make_tem  # noqa: E402

make_tem(
    snakemake.input.history,  # noqa: F821
    snakemake.output.tem,  # noqa: F821
    snakemake.params.model,  # noqa: F821
    threads=snakemake.threads,  # noqa: F821
)
