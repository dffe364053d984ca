"""Snakemake script of rule fig1_ion_drift: drift.nc -> paper Fig. 1."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.plotting.fig1 import plot_fig1_from_config  # noqa: E402

plot_fig1_from_config(
    snakemake.input.drift,  # noqa: F821
    snakemake.output.png,  # noqa: F821
    snakemake.output.extra,  # noqa: F821
    snakemake.params.fig,  # noqa: F821
    dpi=snakemake.params.dpi,  # noqa: F821
)
