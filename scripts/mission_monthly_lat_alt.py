"""Rule mission_monthly_lat_alt: one mission's monthly latitude-altitude climatology."""

from estransport.steps import run
from estransport.steps.missions import mission_monthly_lat_alt

run(mission_monthly_lat_alt, snakemake)  # noqa: F821
