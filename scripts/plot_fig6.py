"""Rule fig6_peak_doy_latitude: paper Fig. 6 (latitude against summer-peak DOY, three fits)."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.plotting.fig6 import plot_fig6  # noqa: E402

plot_fig6(
    snakemake.input.peaks,  # noqa: F821
    snakemake.input.means,  # noqa: F821
    snakemake.input.regression,  # noqa: F821
    snakemake.output.png,  # noqa: F821
    snakemake.output.extra,  # noqa: F821
    figures=snakemake.params.figures,  # noqa: F821
)
