"""Rule combined_monthly_lat_alt: monthly latitude-altitude climatology pooling cosmic.combined.missions."""

from estransport.steps import run
from estransport.steps.missions import combined_monthly_lat_alt

run(combined_monthly_lat_alt, snakemake)  # noqa: F821
