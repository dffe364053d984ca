"""Rule seasonal_maps: stream the day tables into seasonal 1x1 degree S4max maps."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.climatology.gridding import write_seasonal_maps  # noqa: E402

write_seasonal_maps(
    snakemake.input.events,  # noqa: F821
    snakemake.output.maps,  # noqa: F821
    maps=snakemake.params.maps,  # noqa: F821
    years=snakemake.params.years,  # noqa: F821
    config=snakemake.params.config,  # noqa: F821
)
