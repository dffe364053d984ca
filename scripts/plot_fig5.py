"""Rule fig5_ionosondes: paper Fig. 5 (station map and smoothed foEs per chain)."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.plotting.fig5 import plot_fig5  # noqa: E402

plot_fig5(
    snakemake.input.daily,  # noqa: F821
    snakemake.input.stations,  # noqa: F821
    snakemake.output.png,  # noqa: F821
    snakemake.output.extra,  # noqa: F821
    figures=snakemake.params.figures,  # noqa: F821
    codes=snakemake.params.codes,  # noqa: F821
)
