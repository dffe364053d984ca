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


#: Test configurations: overlays on config/config.yaml, also usable by hand as
#: ``snakemake --configfile config/test/<name>.yaml``.
TEST_CONFIG_DIR = REPO / "config" / "test"


def test_config(name: str) -> dict:
    """The overlay ``config/test/<name>.yaml``."""
    with open(TEST_CONFIG_DIR / f"{name}.yaml") as fh:
        return yaml.safe_load(fh) or {}


def make_workdir(path: Path, test: str | dict | None = None, overrides: dict | None = None) -> Path:
    """A working directory whose config/config.yaml is the default config + a test overlay.

    Parameters
    ----------
    path : Path
        Directory to make.
    test : str or dict, optional
        Name of a test configuration in ``config/test/`` (merged as Snakemake merges
        ``--configfile``), or a dict overlay (kept for one-off variants).
    overrides : dict, optional
        Values only known at run time (a local server's URL, a tmp path), merged last.
    """
    (path / "config").mkdir(parents=True, exist_ok=True)
    overlay = test_config(test) if isinstance(test, str) else (test or {})
    cfg = deep_update(deep_update(default_config(), overlay), overrides or {})
    (path / "config" / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    for extra in ("stations.tsv",):
        src = REPO / "config" / extra
        if src.exists():
            (path / "config" / extra).write_text(src.read_text())
    return path


def snakemake(
    workdir: Path, *args: str, check: bool = True, timeout: float = 900
) -> subprocess.CompletedProcess:
    """Run ``python -m snakemake`` on the repository Snakefile in ``workdir``."""
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake failed ({proc.returncode}): {' '.join(cmd)}\nSTDOUT:\n{proc.stdout[-4000:]}\n"
            f"STDERR:\n{proc.stderr[-8000:]}"
        )
    return proc
