"""Snakemake script of rule model_synthetic_history: write the synthetic WACCM history files."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.model.steps import make_synthetic_history  # noqa: E402

make_synthetic_history(
    snakemake.output.history,  # noqa: F821
    snakemake.params.synthetic,  # noqa: F821
    msis=snakemake.params.msis,  # noqa: F821
)
