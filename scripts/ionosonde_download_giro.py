"""Rule ionosonde_download_giro: one station-year from GIRO DIDBase (FastChar fallback)."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.ionosonde.sources import download_giro_year  # noqa: E402
from estransport.ionosonde.stations import Station  # noqa: E402

download_giro_year(
    Station(**snakemake.params.station),  # noqa: F821
    int(snakemake.wildcards.year),  # noqa: F821
    snakemake.output.raw,  # noqa: F821
    **snakemake.params.giro,  # noqa: F821
)
