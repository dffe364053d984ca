"""Rule lidar_synthetic_column: hourly WACCM-X column files over the lidar with the planted tides."""

from estransport.steps import run
from estransport.steps.lidar import lidar_synthetic_column

run(lidar_synthetic_column, snakemake)  # noqa: F821
