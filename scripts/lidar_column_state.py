"""Rule lidar_column_state: WACCM-X history files -> the model state over the lidar."""

from estransport.steps import run
from estransport.steps.lidar import lidar_column_state

run(lidar_column_state, snakemake)  # noqa: F821
