"""Outputs others can trust: CF-1.8 netCDF, byte-identical reruns, and kills that converge.

One session run of ``tools/fault_injection.py`` on ``config/test/smoke.yaml`` (every
slice at its smallest) gives an uninterrupted ``--cores 2`` reference run and a run
killed with SIGKILL at 10 random moments, rerun each time at ``--cores 1``. The
reference run's netCDF files are then checked with the IOOS compliance checker.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .workflow_helpers import REPO

pytestmark = pytest.mark.workflow

KILLS = 10


@pytest.fixture(scope="session")
def fault_injection(tmp_path_factory):
    root = tmp_path_factory.mktemp("fault_injection")
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "fault_injection.py"),
            "--kills",
            str(KILLS),
            "--keep",
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return proc, root


def test_killed_run_converges_to_byte_identical_outputs(fault_injection):
    proc, root = fault_injection
    log = (root / "snakemake.log").read_text()[-3000:] if (root / "snakemake.log").exists() else ""
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}\n{log}"
    assert proc.stdout.count("kill ") == KILLS
    # at least some kills must land while the workflow was running, or nothing was tested
    assert proc.stdout.count(": killed") >= KILLS // 2, proc.stdout
    assert "CONVERGED" in proc.stdout


def test_every_netcdf_output_is_cf_1_8_compliant(fault_injection):
    _, root = fault_injection
    files = sorted((root / "reference" / "results").rglob("*.nc"))
    assert len(files) >= 8, files  # maps x4, monthly, state, drift, tem, flux, residual drift
    failures = {}
    for path in files:
        proc = subprocess.run(
            [
                str(Path(sys.executable).with_name("compliance-checker")),
                "--test=cf:1.8",
                "--format=json",
                "-o",
                "-",
                str(path),
            ],
            capture_output=True,
            text=True,
        )
        report = json.loads(proc.stdout)["cf:1.8"]
        if report["high_count"]:
            failures[path.name] = [
                m
                for check in report["high_priorities"]
                for m in check["msgs"]
                if check["value"][0] < check["value"][1]
            ]
    assert not failures, failures
