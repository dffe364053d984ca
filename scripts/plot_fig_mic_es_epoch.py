"""Rule fig_mic_es_epoch: superposed-epoch foEs and h'Es with the random-epoch band."""

from estransport.steps import run
from estransport.steps.lidar import fig_mic_es_epoch

run(fig_mic_es_epoch, snakemake)  # noqa: F821
