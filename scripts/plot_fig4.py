"""Snakemake script of rule fig4_fe_flux: fe_flux.nc -> paper Fig. 4 (January and July)."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.plotting.fig4 import plot_fig4_from_config  # noqa: E402

plot_fig4_from_config(
    snakemake.input.flux,  # noqa: F821
    snakemake.output.png,  # noqa: F821
    snakemake.output.extra,  # noqa: F821
    snakemake.params.transport,  # noqa: F821
    coastline_shapefile=snakemake.params.coastline_shapefile,  # noqa: F821
    dpi=snakemake.params.dpi,  # noqa: F821
)
