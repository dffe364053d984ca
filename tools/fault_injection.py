#!/usr/bin/env python3
"""Kill a workflow run again and again, and check that the reruns converge.

1. An uninterrupted reference run of a test configuration (``--cores 2``).
2. The same configuration in a second directory, at ``--killed-cores`` (default 1,
   so that the comparison covers a different core count too), killed with SIGKILL to the whole
   process group (Snakemake and its jobs, as a power cut or an OOM killer would) at
   ``--kills`` random moments; after each kill ``snakemake --unlock`` and then the
   same command again, which is killed in turn, until the last rerun completes.
3. Every output of the killed run must be byte-identical to the reference run's
   (``tools/compare_results.py --bytes``), and no ``.tmp-*`` file may be left
   anywhere in the working directory.

    .venv/bin/python tools/fault_injection.py                      # 10 kills, smoke config
    .venv/bin/python tools/fault_injection.py --kills 3 --seed 7 --keep /tmp/fi

Each kill comes a random time after its rerun starts: the time Snakemake takes to
build the DAG, plus a uniform draw from 10-100 % of an even share of the reference
run's remaining work (wall time / kills), so the kills spread over the whole run
instead of the first reruns finishing everything. The draws come from a seeded
generator, so a failure can be replayed. Exit status 0 when the run
converged, 1 otherwise. ``tests/test_fault_injection.py`` runs it in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
from compare_results import compare_bytes  # noqa: E402


def _workdir(path: Path) -> Path:
    (path / "config").mkdir(parents=True, exist_ok=True)
    for name in ("config.yaml", "stations.tsv"):
        shutil.copy(REPO / "config" / name, path / "config" / name)
    return path


def _command(workdir: Path, configfile: Path, cores: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        "--cores",
        str(cores),
        "--rerun-incomplete",
        "all",
    ]


def _run(cmd: list[str], log: Path) -> subprocess.CompletedProcess:
    with open(log, "ab") as fh:
        return subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT)


def _tmp_litter(workdir: Path) -> list[Path]:
    return sorted(p for p in workdir.rglob(".tmp-*") if ".snakemake" not in p.parts)


def run(
    configfile: Path, kills: int, seed: int, root: Path, cores: int = 2, killed_cores: int = 1
) -> int:
    """Run the experiment in ``root``; print what happened and return the exit status."""
    log = root / "snakemake.log"
    ref, hit = _workdir(root / "reference"), _workdir(root / "killed")

    t0 = time.perf_counter()
    if _run(_command(ref, configfile, cores), log).returncode != 0:
        print(f"the reference run failed; see {log}", file=sys.stderr)
        return 1
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    _run(_command(ref, configfile, cores) + ["--dry-run"], log)  # nothing to do: DAG build only
    startup = time.perf_counter() - t0
    print(f"reference run: {wall:.1f} s (DAG build {startup:.1f} s)")

    rng = random.Random(seed)
    share = max(wall - startup, 1.0) / kills
    for i in range(1, kills + 1):
        delay = startup + rng.uniform(0.1, 1.0) * share
        with open(log, "ab") as fh:
            proc = subprocess.Popen(
                _command(hit, configfile, killed_cores),
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                proc.wait(timeout=delay)
                state = f"finished before the kill (exit {proc.returncode})"
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # Snakemake and every job it started
                proc.wait()
                state = "killed"
        unlock = _command(hit, configfile, killed_cores)[:-2] + ["--unlock"]
        _run(unlock, log)
        print(f"kill {i}/{kills} at {delay:5.1f} s: {state}")

    if _run(_command(hit, configfile, killed_cores), log).returncode != 0:
        print(f"the final rerun failed; see {log}", file=sys.stderr)
        return 1
    problems, n = compare_bytes(ref / "results", hit / "results")
    litter = _tmp_litter(hit)
    for p in problems:
        print(f"DIFFERENT: {p}", file=sys.stderr)
    for p in litter:
        print(f"LEFT BEHIND: {p}", file=sys.stderr)
    if problems or litter or n == 0:
        return 1
    print(
        f"CONVERGED: after {kills} kills at --cores {killed_cores}, all {n} outputs are "
        f"byte-identical to the uninterrupted --cores {cores} run's, and no .tmp-* file is left"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config",
        type=Path,
        default=REPO / "config" / "test" / "smoke.yaml",
        help="test configuration (an overlay on config/config.yaml)",
    )
    parser.add_argument("--kills", type=int, default=10, help="number of SIGKILLs (default 10)")
    parser.add_argument("--seed", type=int, default=20210407, help="seed of the kill moments")
    parser.add_argument("--cores", type=int, default=2, help="cores of the reference run")
    parser.add_argument("--killed-cores", type=int, default=1, help="cores of the killed runs")
    parser.add_argument(
        "--keep", type=Path, help="work here and keep it (default: a temporary dir)"
    )
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(
            args.config.resolve(), args.kills, args.seed, args.keep, args.cores, args.killed_cores
        )
    with tempfile.TemporaryDirectory(prefix="estransport-fault-") as tmp:
        return run(
            args.config.resolve(), args.kills, args.seed, Path(tmp), args.cores, args.killed_cores
        )


if __name__ == "__main__":
    sys.exit(main())
