"""Rule monthly_lat_alt: monthly zonal-mean S4max on latitude x altitude (Fig. 3 climatology)."""

from estransport.steps import run
from estransport.steps.cosmic import monthly_lat_alt

run(monthly_lat_alt, snakemake)  # noqa: F821
