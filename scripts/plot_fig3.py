"""Snakemake script of rule fig3_es_drift: monthly S4max climatology + residual drift -> paper Fig. 3."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.plotting.fig3 import plot_fig3_from_config  # noqa: E402

plot_fig3_from_config(
    snakemake.input.monthly,  # noqa: F821
    snakemake.input.residual,  # noqa: F821
    snakemake.output.png,  # noqa: F821
    snakemake.output.extra,  # noqa: F821
    snakemake.params.fig,  # noqa: F821
    dpi=snakemake.params.dpi,  # noqa: F821
)
