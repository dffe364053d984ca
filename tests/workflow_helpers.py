"""Helpers to run the real Snakefile in a scratch working directory."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def default_config() -> dict:
    with open(REPO / "config" / "config.yaml") as fh:
        return yaml.safe_load(fh)


def deep_update(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_update(out[k], v)
        else:
            out[k] = v
    return out


def make_workdir(path: Path, overrides: dict | None = None) -> Path:
    """A working directory with config/config.yaml = default config + overrides."""
    (path / "config").mkdir(parents=True, exist_ok=True)
    cfg = deep_update(default_config(), overrides or {})
    (path / "config" / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    for extra in ("stations.tsv",):
        src = REPO / "config" / extra
        if src.exists():
            (path / "config" / extra).write_text(src.read_text())
    return path


def snakemake(workdir: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``python -m snakemake`` on the repository Snakefile in ``workdir``."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
           "--directory", str(workdir), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake failed ({proc.returncode}): {' '.join(cmd)}\nSTDOUT:\n{proc.stdout[-4000:]}\n"
            f"STDERR:\n{proc.stderr[-8000:]}"
        )
    return proc
