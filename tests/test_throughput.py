"""Batched COSMIC ingest (issue 12): same outputs as the per-day design, resumable, robust.

For COSMIC-1 (``config/test/throughput.yaml``) and COSMIC-2
(``config/test/throughput_cosmic2.yaml``), each nine small days at most 4 a job (batches
of 3), the slice is run as is and with ``cosmic.ingest.days_per_job: 1`` (one job a
day, the per-day design); the batched outputs must be byte-identical. A run killed
while a batch is half done must complete on rerun with the same bytes, and a day whose
tarball is corrupt or missing must not stop the other days of its batch and must show
in the QC summary.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from estransport.config import validate_config
from estransport.io.scnlv1 import ingest_days
from estransport.io.scnlv1_qc import summarise_qc
from estransport.io.scnlv2 import ingest_scint_days
from estransport.steps.cosmic import batches, days, resources
from estransport.steps.missions import mission_batches, mission_days

from . import workflow_helpers
from .workflow_helpers import REPO, deep_update, default_config, make_workdir, snakemake

sys.path.insert(0, str(REPO / "tools"))
from compare_results import compare_bytes  # noqa: E402


class Slice:
    """Where one mission's batched slice puts things (COSMIC-1 keeps its own paths)."""

    def __init__(self, name, config, results, raw, batch_rule, year):
        self.name, self.config = name, config
        self.results = results  # results/occultation[/{mission}]
        self.raw = raw  # the day tarballs' directory
        self.batch_rule = batch_rule  # rule name of a batch, without its first day
        self.year = year  # the nine days are every 41st of it

    @property
    def targets(self):
        return (
            f"{self.results}/qc_summary.csv",
            f"{self.results}/maps_DJF.nc",
            f"{self.results}/monthly_lat_alt.nc",
        )


SLICES = {
    "cosmic1": Slice(
        "cosmic1",
        "throughput",
        "results/occultation",
        "resources/cosmic/scnLv1",
        "ingest_scnlv1_batch",
        "2008",
    ),
    "cosmic2": Slice(
        "cosmic2",
        "throughput_cosmic2",
        "results/occultation/cosmic2",
        "resources/cosmic/cosmic2",
        "ingest_cosmic2_batch",
        "2022",
    ),
}
TARGETS = SLICES["cosmic1"].targets


def _config(name: str = "throughput", **ingest) -> dict:
    cfg = deep_update(default_config(), workflow_helpers.test_config(name))
    cfg = deep_update(cfg, {"cosmic": {"ingest": ingest}}) if ingest else cfg
    validate_config(cfg)
    return cfg


# --- batches and resources (no workflow run) ---


def test_batches_cover_every_day_once_in_order_within_years():
    cfg = deep_update(_config(days_per_job=30), {"cosmic": {"years": [2008, 2009], "day_step": 1}})
    validate_config(cfg)
    got = batches(cfg["cosmic"])
    flat = [d for _, ds in got for d in ds]
    assert flat == days(cfg["cosmic"])  # every day once, in order
    assert all(len({y for y, _ in ds}) == 1 for _, ds in got)  # no batch spans two years
    sizes = [len(ds) for _, ds in got]
    # 366 days of 2008 in 13 jobs (28 or 29), 365 of 2009 in 13 (28 or 29): none of 30 + 6
    assert max(sizes) <= 30 and max(sizes) - min(sizes) <= 1 and len(got) == 26
    assert got[0][0] == "2008_001" and got[13][0] == "2009_001"


def test_days_per_job_one_is_the_per_day_design():
    cfg = _config(days_per_job=1)
    assert [ds for _, ds in batches(cfg["cosmic"])] == [[d] for d in days(cfg["cosmic"])]


def test_missions_are_batched_as_cosmic1():
    cfg = deep_update(
        _config("throughput_cosmic2", days_per_job=30),
        {"cosmic": {"missions": {"cosmic2": {"years": [2019, 2020], "day_step": 1}}}},
    )
    validate_config(cfg)
    got = mission_batches(cfg["cosmic"], "cosmic2")
    assert [d for _, ds in got for d in ds] == mission_days(cfg["cosmic"], "cosmic2")
    # the COSMIC-1 rule: 365 days of 2019 and 366 of 2020, 13 jobs each, none over 30
    same = deep_update(cfg, {"cosmic": {"years": [2019, 2020], "day_step": 1}})
    assert got == batches(same["cosmic"])
    assert len(got) == 26 and max(len(ds) for _, ds in got) <= 30


def test_resources_grow_with_days_members_cells_and_the_safety_factor():
    c = deep_update(_config()["cosmic"], {"synthetic": {"arcs_per_day": 1500}})
    one, many = resources(c, "ingest", n_days=1), resources(c, "ingest", n_days=3000)
    assert many["runtime"] > one["runtime"] >= 5
    more_members = deep_update(c, {"synthetic": {"arcs_per_day": 30000}})
    assert resources(more_members, "ingest", n_days=1)["mem_mb"] > one["mem_mb"]
    fine = deep_update(c, {"maps": {"resolution_deg": 0.25}})
    assert resources(fine, "grid", n_days=10)["mem_mb"] > resources(c, "grid", n_days=10)["mem_mb"]
    doubled = deep_update(c, {"resources": {"safety_factor": 4.0}})
    assert resources(doubled, "grid", n_days=10)["mem_mb"] == pytest.approx(
        2 * resources(c, "grid", n_days=10)["mem_mb"], abs=1
    )


# --- workflow runs ---


@pytest.fixture(scope="module", params=sorted(SLICES))
def per_day_run(request, tmp_path_factory):
    """The per-day design (days_per_job 1) of one slice: (slice, work directory)."""
    sl = SLICES[request.param]
    wd = make_workdir(
        tmp_path_factory.mktemp(f"per_day_{sl.name}"),
        sl.config,
        {"cosmic": {"ingest": {"days_per_job": 1}}},
    )
    snakemake(wd, "--cores", "2", *sl.targets)
    return sl, wd


def _batched_workdir(path: Path, per_day: tuple, overrides: dict | None = None) -> Path:
    """A batched work directory that reuses the per-day run's day tarballs (same seed)."""
    sl, per_day_wd = per_day
    wd = make_workdir(path, sl.config, overrides)
    shutil.copytree(per_day_wd / "resources", wd / "resources")
    return wd


@pytest.fixture(scope="module")
def batched_run(tmp_path_factory, per_day_run):
    sl, _ = per_day_run
    wd = _batched_workdir(tmp_path_factory.mktemp(f"batched_{sl.name}"), per_day_run)
    dry = snakemake(wd, *sl.targets, "-n", "--quiet", "rules").stdout
    snakemake(wd, "--cores", "2", *sl.targets)
    return wd, dry


@pytest.mark.workflow
def test_batched_outputs_are_byte_identical_to_the_per_day_design(per_day_run, batched_run):
    sl, per_day = per_day_run
    wd, dry = batched_run
    # three ingest jobs (3 + 3 + 3 days), not nine
    stats = {tuple(line.split()) for line in dry.splitlines() if line.startswith(sl.batch_rule)}
    assert stats == {(f"{sl.batch_rule}_{sl.year}_{d}", "1") for d in ("001", "124", "247")}, dry
    problems, n = compare_bytes(per_day / sl.results, wd / sl.results)
    assert n >= 9 + 9 + 6 and not problems, problems  # events, QC tables, maps, monthly, summary
    summary = pd.read_csv(wd / sl.results / "qc_summary.csv").set_index("reason")["count"]
    assert summary["days"] == 9 and "days_failed" not in summary.index


@pytest.mark.workflow
def test_a_batch_killed_midway_reruns_to_identical_outputs(tmp_path, per_day_run):
    sl, per_day = per_day_run
    # one batch of all nine days, so that a kill can land between its days
    wd = _batched_workdir(
        tmp_path / "killed", per_day_run, {"cosmic": {"ingest": {"days_per_job": 9}}}
    )
    events = wd / sl.results / "events" / sl.year
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(wd),
        "--cores",
        "1",
        *sl.targets,
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        done = list(events.glob("*.parquet")) if events.exists() else []
        if done:  # the batch has written its first day: kill Snakemake and the job
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.002)
    proc.wait()
    n_done = len(list(events.glob("*.parquet")))
    assert 1 <= n_done < 9, f"the kill did not land inside the batch ({n_done} of 9 days written)"
    assert not (wd / sl.results / "qc_summary.csv").exists()
    snakemake(wd, "--unlock", "--cores", "1")
    snakemake(wd, "--cores", "2", "--rerun-incomplete", *sl.targets)
    problems, _ = compare_bytes(per_day / sl.results, wd / sl.results)
    assert not problems, problems
    assert not [p for p in wd.rglob(".tmp-*") if ".snakemake" not in p.parts]


@pytest.mark.workflow
def test_a_corrupt_day_does_not_stop_its_batch_and_is_reported(tmp_path, per_day_run):
    sl, per_day = per_day_run
    wd = _batched_workdir(tmp_path / "corrupt", per_day_run)
    bad = wd / sl.raw / sl.year / "042.tar.gz"  # second day of the first batch
    data = bad.read_bytes()
    bad.write_bytes(data[: len(data) // 2])  # a truncated download
    snakemake(wd, "--cores", "2", *sl.targets)
    summary = pd.read_csv(wd / sl.results / "qc_summary.csv").set_index("reason")["count"]
    assert summary["days"] == 9 and summary["days_failed"] == 1
    assert summary["days_without_data"] == 1
    ref = pd.read_csv(per_day / sl.results / "qc_summary.csv").set_index("reason")["count"]
    day_qc = pd.read_csv(per_day / sl.results / "qc" / sl.year / "042.csv").set_index("reason")[
        "count"
    ]
    assert summary["total_members"] == ref["total_members"] - day_qc["total_members"]
    # every other day is exactly as in the per-day run; the failed day has no events
    for path in sorted((per_day / sl.results / "events" / sl.year).glob("*.parquet")):
        got = wd / sl.results / "events" / sl.year / path.name
        if path.name == "042.parquet":
            assert len(pd.read_parquet(got)) == 0
        else:
            assert got.read_bytes() == path.read_bytes(), path.name
    log_dir = wd / "logs/occultation" / ("" if sl.name == "cosmic1" else sl.name) / "ingest"
    assert f"{sl.year}-042" in (log_dir / f"{sl.year}_001.log").read_text()


@pytest.mark.workflow
def test_a_missing_day_tarball_is_recorded_and_the_others_are_read(tmp_path, per_day_run):
    sl, per_day = per_day_run
    raw = per_day / sl.raw / sl.year
    tarballs = [raw / "001.tar.gz", tmp_path / sl.year / "042.tar.gz", raw / "083.tar.gz"]
    ev = [tmp_path / f"ev{k}.parquet" for k in range(3)]
    qc = [tmp_path / f"qc{k}.csv" for k in range(3)]
    cfg = _config(sl.config)["cosmic"]
    qc_cfg = cfg["qc"]
    if sl.name == "cosmic1":
        failed = ingest_days(
            tarballs,
            ev,
            qc,
            altitude_km=(90.0, 130.0),
            s4max_range=(0.0, 5.0),
            strict=False,
            config=qc_cfg,
        )
    else:
        m = cfg["missions"][sl.name]
        failed = ingest_scint_days(
            tarballs,
            ev,
            qc,
            product=m["product"],
            mission=sl.name,
            altitude_km=(90.0, 130.0),
            s4max_range=(0.0, 5.0),
            tangent_point=m["tangent_point"],
            strict=False,
            config={"qc": qc_cfg, "mission": dict(m)},
        )
    assert failed == [f"{sl.year}-042"]
    # the same events as the workflow's (whose provenance names the tarball by a relative path)
    for k, doy in ((0, "001"), (2, "083")):
        ref = pd.read_parquet(per_day / sl.results / "events" / sl.year / f"{doy}.parquet")
        pd.testing.assert_frame_equal(pd.read_parquet(ev[k]), ref)
    summary = summarise_qc(qc).set_index("reason")["count"]
    members = 300 if sl.name == "cosmic1" else 600
    assert summary["days"] == 3 and summary["days_failed"] == 1
    assert summary["total_members"] == 2 * members
    if sl.name != "cosmic2":
        return
    # a failed day's tables have the columns of a read day's (mission first in its QC table)
    assert list(pd.read_csv(qc[1]).columns) == list(pd.read_csv(qc[0]).columns)
    assert list(pd.read_parquet(ev[1]).columns) == list(pd.read_parquet(ev[0]).columns)
