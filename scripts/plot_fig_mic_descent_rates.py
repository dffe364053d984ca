"""Rule fig_mic_descent_rates: observed against predicted descent rate with the 1:1 line."""

from estransport.steps import run
from estransport.steps.lidar import fig_mic_descent_rates

run(fig_mic_descent_rates, snakemake)  # noqa: F821
