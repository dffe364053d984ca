"""Rule fig6_peak_doy_latitude: paper Fig. 6 (latitude against summer-peak DOY, with the fits)."""

from estransport.steps import run
from estransport.steps.figures import fig6_peak_doy_latitude

run(fig6_peak_doy_latitude, snakemake)  # noqa: F821
