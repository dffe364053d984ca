"""Rules ingest_{mission}_batch_*: a batch of a mission's day tarballs -> one event and one QC table a day."""

from estransport.steps import run
from estransport.steps.missions import ingest_mission_batch

run(ingest_mission_batch, snakemake)  # noqa: F821
