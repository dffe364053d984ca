#!/usr/bin/env python3
"""Write envs/estransport.yaml from uv.lock, so the conda environment pins what the lock pins.

The conda environment of the rules (``snakemake --sdm conda``) takes Python and pip
from conda-forge and every Python package from PyPI at exactly the versions of
``uv.lock`` (the same wheels ``make env`` installs), less Snakemake and the SLURM
executor plugin, which run on the submitting side and are not needed by jobs.
``envs/estransport.post-deploy.sh`` then installs the estransport package itself.

    python tools/sync_conda_env.py          # rewrite envs/estransport.yaml
    python tools/sync_conda_env.py --check  # exit 1 if it is out of date (tests run this)

Needs ``uv`` (``.tools/bin/uv`` after ``make env``, or the ``UV`` environment variable).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENV_FILE = REPO / "envs" / "estransport.yaml"
#: Packages that run Snakemake rather than its jobs: left out with what only they need.
NOT_FOR_JOBS = ("snakemake", "snakemake-executor-plugin-slurm")

HEADER = """\
# Conda environment of the rules, for `snakemake --sdm conda`.
# GENERATED from uv.lock by tools/sync_conda_env.py: do not edit by hand; after
# `uv lock` run `python tools/sync_conda_env.py` (tests/test_environment.py checks it).
# Python and pip come from conda-forge; every package from PyPI at the exact
# versions of uv.lock (the wheels `make env` installs and the tests run on), less
# Snakemake and its SLURM plugin, which jobs do not need. The estransport package
# itself is installed by envs/estransport.post-deploy.sh.
name: estransport
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python>=3.11
  - pip
  - pip:
"""


def uv_binary() -> str:
    """Path of the uv executable: $UV, then .tools/bin/uv, then uv on PATH."""
    for candidate in (
        os.environ.get("UV"),
        str(REPO / ".tools" / "bin" / "uv"),
        shutil.which("uv"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("uv not found: run `make env` first, or set UV=/path/to/uv")


def locked_requirements() -> list[str]:
    """The runtime requirements of uv.lock (with their markers), as pip lines."""
    cmd = [
        uv_binary(),
        "export",
        "--frozen",
        "--no-dev",
        "--no-hashes",
        "--no-emit-project",
        "--no-annotate",
        "--no-header",
        "--format",
        "requirements-txt",
    ]
    for name in NOT_FOR_JOBS:
        cmd += ["--prune", name]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [ln.strip() for ln in out.splitlines() if ln.strip() and not ln.startswith("#")]


def render() -> str:
    """The text of envs/estransport.yaml for the current uv.lock."""
    return HEADER + "".join(f'      - "{req}"\n' for req in locked_requirements())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, exit 1 if out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not ENV_FILE.exists() or ENV_FILE.read_text() != text:
            print(
                f"{ENV_FILE.relative_to(REPO)} is out of date with uv.lock: "
                "run `python tools/sync_conda_env.py`",
                file=sys.stderr,
            )
            return 1
        print(f"{ENV_FILE.relative_to(REPO)} pins what uv.lock pins")
        return 0
    ENV_FILE.write_text(text)
    print(f"wrote {ENV_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
