"""Rule ionosonde_synthetic: write one synthetic station-year in the station's real format."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.ionosonde.stations import Station  # noqa: E402
from estransport.synthetic.ionosonde import generate_station_year  # noqa: E402

generate_station_year(
    Station(**snakemake.params.station),  # noqa: F821
    int(snakemake.wildcards.year),  # noqa: F821
    snakemake.output.raw,  # noqa: F821
    seed=snakemake.params.seed,  # noqa: F821
    truth=snakemake.params.truth,  # noqa: F821
)
