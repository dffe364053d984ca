"""Rule fig2ab_s4max_map: paper Fig. 2a,b (seasonal S4max map)."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.plotting.fig2ab import plot_fig2ab  # noqa: E402

plot_fig2ab(
    snakemake.input.maps,  # noqa: F821
    snakemake.output.png,  # noqa: F821
    snakemake.output.extra,  # noqa: F821
    panel=snakemake.wildcards.panel,  # noqa: F821
    figures=snakemake.params.figures,  # noqa: F821
    years=snakemake.params.years,  # noqa: F821
)
