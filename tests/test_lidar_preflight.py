"""The lidar slice's placed files are looked for with every other real source, before any job.

``lidar.source: files`` and ``lidar.model.source: files`` are real sources
(``estransport.steps.preflight``): their missing files join the one list of every
missing input (issue 10's rule, applied to the second study, issue 13).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from estransport.config import validate_config
from estransport.errors import MissingInputsError
from estransport.steps.preflight import check_real_inputs

from .workflow_helpers import REPO, deep_update, default_config, make_workdir, snakemake
from .workflow_helpers import test_config as overlay

LIDAR_PATTERN = "resources/lidar/files/*.hdf5"
MODEL_PATTERN = "resources/lidar/model/*.cam.h1.*.nc"


def config_for(name: str, **overrides) -> dict:
    return validate_config(deep_update(deep_update(default_config(), overlay(name)), overrides))


def test_missing_lidar_and_model_files_are_one_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MissingInputsError) as info:
        check_real_inputs(config_for("lidar_files_missing"), basedir=REPO)
    err = info.value
    assert [p.source for p in err.parts] == [
        "lidar files, lidar.files.paths",
        "WACCM-X history files over the lidar, lidar.model.files.paths",
    ]
    assert err.parts[0].missing == [f"{LIDAR_PATTERN} (pattern matched no file)"]
    assert err.parts[1].missing == [f"{MODEL_PATTERN} (pattern matched no file)"]
    assert "madrigal" in err.parts[0].instructions.lower()
    assert "WACCM-X" in err.parts[1].instructions


def test_they_join_the_other_real_sources(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MissingInputsError) as info:
        check_real_inputs(
            config_for("lidar_files_missing", model={"source": "files"}), basedir=REPO
        )
    assert [p.source.split(",")[0] for p in info.value.parts] == [
        "model history files",
        "lidar files",
        "WACCM-X history files over the lidar",
    ]


def test_placed_files_are_found_and_a_disabled_slice_is_not_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in (
        "resources/lidar/files/b_20091113.hdf5",
        "resources/lidar/files/a_20091112.hdf5",
        "resources/lidar/model/x.cam.h1.2009-11-12-00000.nc",
    ):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_bytes(b"")
    found = check_real_inputs(config_for("lidar_files_missing"), basedir=REPO)
    assert found.lidar_raw == [
        "resources/lidar/files/a_20091112.hdf5",
        "resources/lidar/files/b_20091113.hdf5",
    ]
    assert found.lidar_history == ["resources/lidar/model/x.cam.h1.2009-11-12-00000.nc"]
    for path in Path("resources").rglob("*.*"):
        path.unlink()
    off = check_real_inputs(
        config_for("lidar_files_missing", lidar={"enabled": False}), basedir=REPO
    )
    assert off.lidar_raw is None and off.lidar_history is None
    syn = check_real_inputs(validate_config(default_config()), basedir=REPO)
    assert syn.lidar_raw is None and syn.lidar_history is None


@pytest.mark.workflow
def test_dry_run_lists_the_missing_lidar_files_before_any_job(tmp_path):
    wd = make_workdir(tmp_path, "lidar_files_missing")
    proc = snakemake(wd, "--cores", "1", "--dry-run", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "from 2 sources" in out
    assert f"{LIDAR_PATTERN} (pattern matched no file)" in out
    assert f"{MODEL_PATTERN} (pattern matched no file)" in out
    assert out.count("required input file(s) are missing, from 2 sources") == 1
    assert "Job stats" not in out
    assert not (wd / "resources").exists() and not (wd / "results").exists()
