"""Rule lidar_descent_prediction: predicted trajectories and observed-against-predicted descent."""

from estransport.steps import run
from estransport.steps.lidar import lidar_descent_prediction

run(lidar_descent_prediction, snakemake)  # noqa: F821
