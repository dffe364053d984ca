"""Rule lidar_synthetic: synthetic lidar nights with planted metal ion clouds, and their planted truth."""

from estransport.steps import run
from estransport.steps.lidar import lidar_synthetic

run(lidar_synthetic, snakemake)  # noqa: F821
