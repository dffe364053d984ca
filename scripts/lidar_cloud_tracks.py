"""Rule lidar_cloud_tracks: detected clouds, tracks with descent rates, detection summary."""

from estransport.steps import run
from estransport.steps.lidar import lidar_cloud_tracks

run(lidar_cloud_tracks, snakemake)  # noqa: F821
