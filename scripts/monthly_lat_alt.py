"""Rule monthly_lat_alt: monthly zonal-mean S4max on latitude x altitude (Fig. 3 climatology)."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.climatology.monthly import write_monthly_lat_alt  # noqa: E402

write_monthly_lat_alt(
    snakemake.input.events,  # noqa: F821
    snakemake.output.monthly,  # noqa: F821
    monthly=snakemake.params.monthly,  # noqa: F821
    altitude_km=snakemake.params.altitude_km,  # noqa: F821
    years=snakemake.params.years,  # noqa: F821
    config=snakemake.params.config,  # noqa: F821
)
