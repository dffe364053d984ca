"""Rule ingest_mission_day: one mission day tarball -> event table (Parquet) and QC table (CSV)."""

from estransport.steps import run
from estransport.steps.missions import ingest_mission_day

run(ingest_mission_day, snakemake)  # noqa: F821
