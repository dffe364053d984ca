"""Rule fig_mic_time_altitude: lidar density with clouds, fitted tracks and predicted trajectories."""

from estransport.steps import run
from estransport.steps.lidar import fig_mic_time_altitude

run(fig_mic_time_altitude, snakemake)  # noqa: F821
