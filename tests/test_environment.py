"""The conda environment file stays in step with pyproject's dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from .workflow_helpers import REPO


def _name(spec: str) -> str:
    return re.split(r"[<>=!\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_conda_env_lists_every_pip_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(d) for d in project["dependencies"]}
    env = yaml.safe_load((REPO / "envs" / "estransport.yaml").read_text())
    have = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            have |= {_name(d) for d in dep.get("pip", [])}
        else:
            have.add(_name(dep))
    missing = wanted - have
    assert not missing, f"envs/estransport.yaml lacks {sorted(missing)}"


def test_lock_file_matches_pyproject():
    lock = (REPO / "uv.lock").read_text()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"]:
        assert f'name = "{_name(dep)}"' in lock.lower(), f"{dep} not in uv.lock: run `uv lock`"
