"""Rule lidar_es_epoch: superposed-epoch foEs and h'Es at the nearest ionosonde, random-epoch test."""

from estransport.steps import run
from estransport.steps.lidar import lidar_es_epoch

run(lidar_es_epoch, snakemake)  # noqa: F821
