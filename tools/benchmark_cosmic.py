"""Benchmark of the COSMIC slice; prints its figures (it is not a timed test).

Run with ``.venv/bin/python tools/benchmark_cosmic.py`` (a few minutes). It prints,
measured side by side in one run on this machine:

1. ingest of one synthetic 1,500-arc day tarball against gunzip+untar of the
   same tarball to /dev/null and against ``xarray.open_dataset`` per extracted
   member (targets: ours <= 1.5x untar; xarray >= 15x ours);
2. gridding of 4 million events streamed from ~2,100 daily Parquet tables
   into every seasonal climatology (targets: < 10 s, peak memory < 2 GB);
3. a dry run of the full 2006-2011 ``cdaac`` configuration (~2,190 days;
   target < 15 s), with the job count per rule.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))


def bench_ingest(tmp: Path) -> None:
    import logging

    from benchmark_ingest import benchmark_ingest, print_report

    from estransport.config import load_config
    from estransport.synthetic.cosmic import write_day_tarball

    cfg = load_config(REPO / "config" / "config.yaml")  # the embedded default's size and defects
    syn = cfg["cosmic"]["synthetic"]
    tarball = tmp / "scnLv1_repro2013_2008_182.tar.gz"
    write_day_tarball(
        tarball,
        2008,
        182,
        arcs_per_day=1500,
        es_fraction=syn["es_fraction"],
        fill_fraction=syn["fill_fraction"],
        empty_member_fraction=syn["empty_member_fraction"],
        seed=cfg["seed"],
    )
    print(f"\n[1] ingest of one 1,500-arc day ({tarball.stat().st_size / 1e6:.1f} MB)")
    logging.getLogger("estransport").setLevel(logging.ERROR)  # per-member warnings are not figures
    print_report(tarball, benchmark_ingest(tarball))


def _grid_child(table_dir: str) -> None:
    """Run in a child process so that its peak RSS is the gridding's alone."""
    import resource

    from estransport.climatology.gridding import grid_event_tables

    paths = sorted(Path(table_dir).glob("*.parquet"))
    t0 = time.perf_counter()
    # The paper's 1-degree cells and period (the default run uses 5-degree cells).
    grid = grid_event_tables(
        paths,
        resolution_deg=1.0,
        years=list(range(2006, 2012)),
        complete_winters_only=False,
        progress_every=10**9,
    )
    ds = grid.to_dataset(min_count=1, smoothing_cells=0)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"GRID {grid.n_events} {elapsed:.3f} {peak_mb:.1f} {int(ds['count'].sum())}")


def bench_gridding(tmp: Path, n_events: int = 4_000_000, n_days: int = 2100) -> None:
    import pandas as pd

    table_dir = tmp / "tables"
    table_dir.mkdir()
    rng = np.random.default_rng(0)
    per_day = n_events // n_days
    start = np.datetime64("2006-01-01T00:00:00", "ns")
    for d in range(n_days):
        n = per_day + (1 if d < n_events - per_day * n_days else 0)
        t = start + np.timedelta64(d, "D") + (rng.uniform(0, 86400e9, n)).astype("timedelta64[ns]")
        pd.DataFrame(
            {
                "time": t,
                "lattp_s4max": np.degrees(np.arcsin(rng.uniform(-1, 1, n))),
                "lontp_s4max": rng.uniform(-180, 180, n),
                "alttp_s4max": rng.uniform(90, 130, n),
                "s4max": rng.gamma(2, 0.15, n),
            }
        ).to_parquet(table_dir / f"{d:04d}.parquet", index=False)
    out = subprocess.run(
        [sys.executable, __file__, "--grid-child", str(table_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("GRID "))
    _, n, elapsed, peak, counted = line.split()
    print(
        f"\n[2] gridding {int(n):,} events from {n_days:,} day tables into 4 seasonal 1x1 degree grids"
    )
    print(
        f"    time {float(elapsed):.2f} s (target < 10 s); peak RSS {float(peak):.0f} MB (target < 2048 MB); "
        f"events in grids {int(counted):,}"
    )


def bench_dry_run(tmp: Path) -> None:
    wd = tmp / "dryrun"
    (wd / "config").mkdir(parents=True)
    (wd / "config" / "config.yaml").write_text((REPO / "config" / "config.yaml").read_text())
    (wd / "config" / "stations.tsv").write_text((REPO / "config" / "stations.tsv").read_text())
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(wd),
        "--configfile",
        str(REPO / "config" / "test" / "cdaac_paper_period.yaml"),
        "--dry-run",
        "--cores",
        "2",
        "--scheduler",
        "greedy",
        "paper",
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        raise SystemExit("dry run failed")
    print(f"\n[3] dry run of the 2006-2011 cdaac configuration: {elapsed:.2f} s (target < 15 s)")
    table = re.search(r"Job stats:\n(.*?)\n\n", proc.stdout + "\n\n", re.S)
    if table:
        print(textwrap.indent(table.group(1), "    "))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid-child", help=argparse.SUPPRESS)
    parser.add_argument("--skip", nargs="*", default=[], choices=["ingest", "gridding", "dryrun"])
    args = parser.parse_args()
    if args.grid_child:
        _grid_child(args.grid_child)
        return
    print(
        f"estransport COSMIC benchmark on {os.cpu_count()} CPU(s); times are wall-clock, side by side in one run"
    )
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "ingest" not in args.skip:
            bench_ingest(tmp)
        if "gridding" not in args.skip:
            bench_gridding(tmp)
        if "dryrun" not in args.skip:
            bench_dry_run(tmp)


if __name__ == "__main__":
    main()
