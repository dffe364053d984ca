"""Snakemake script of rule fig2cd_residual_circulation: tem.nc -> paper Fig. 2c or 2d."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.plotting.fig2cd import plot_fig2cd_from_config  # noqa: E402

plot_fig2cd_from_config(
    snakemake.input.tem,  # noqa: F821
    snakemake.output.png,  # noqa: F821
    snakemake.output.extra,  # noqa: F821
    snakemake.params.fig,  # noqa: F821
    panel=snakemake.wildcards.panel,  # noqa: F821
    season=snakemake.wildcards.season,  # noqa: F821
    dpi=snakemake.params.dpi,  # noqa: F821
)
