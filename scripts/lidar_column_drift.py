"""Rule lidar_column_drift: ion drift over the lidar and its convergence nodes."""

from estransport.steps import run
from estransport.steps.lidar import lidar_column_drift

run(lidar_column_drift, snakemake)  # noqa: F821
