"""The environments stay in step: pyproject, uv.lock and the conda environment of the rules."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from .workflow_helpers import REPO


def _name(spec: str) -> str:
    return re.split(r"[<>=!\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _conda_pip_pins() -> dict[str, list[str]]:
    env = yaml.safe_load((REPO / "envs" / "estransport.yaml").read_text())
    pins: dict[str, list[str]] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for req in dep.get("pip", []):
                pins.setdefault(_name(req), []).append(req)
    return pins


def test_conda_env_is_generated_from_the_lock_file():
    # the generator compares the file with `uv export` of uv.lock, byte for byte
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "sync_conda_env.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_conda_env_pins_every_runtime_dependency_exactly_but_not_snakemake():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = _conda_pip_pins()
    for dep in project["dependencies"]:
        name = _name(dep)
        if name.startswith("snakemake"):
            assert name not in pins, f"jobs do not need {name}; envs/estransport.yaml pins it"
            continue
        assert name in pins, f"envs/estransport.yaml lacks {name}"
        assert all("==" in req for req in pins[name]), pins[name]


def test_lock_file_matches_pyproject():
    lock = (REPO / "uv.lock").read_text()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"]:
        assert f'name = "{_name(dep)}"' in lock.lower(), f"{dep} not in uv.lock: run `uv lock`"
