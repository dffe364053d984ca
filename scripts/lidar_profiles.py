"""Rule lidar_profiles: lidar files -> one canonical profile series (results/lidar/profiles.nc)."""

from estransport.steps import run
from estransport.steps.lidar import lidar_profiles

run(lidar_profiles, snakemake)  # noqa: F821
