#!/usr/bin/env python3
"""Whole-workflow throughput of the COSMIC slice (issue 12); prints its figures, asserts nothing.

    nice -n 10 .venv/bin/python tools/benchmark_throughput.py                 # N = 30 and 365
    .venv/bin/python tools/benchmark_throughput.py --days 30 --c2-days 0      # smaller
    .venv/bin/python tools/benchmark_throughput.py --root /tmp/tp             # keep/reuse tarballs

For each N (``--days``) of synthetic COSMIC-1 days of ``--members`` arcs, in a work
directory under ``--root`` (the day tarballs are made once, untimed, and reused), it
measures side by side in one run:

* the slice through Snakemake (batched ingest, QC summary, seasonal maps, monthly
  climatology; ``--cores``) against ``gzip -dc | tar -xO > /dev/null`` of the same
  tarballs one after another (target: within 2x at N = 365 on 2 cores);
* the same work in one Python process without Snakemake;
* at the smallest N (up to ``--per-day-max``), the per-day design (``cosmic.ingest.days_per_job: 1``);
* the dry-run time per job of that directory;

and once: gridding the largest N's events at 0.25 against 1 degree (target 2x); the
seasonal maps and monthly climatology of those events four ways (issue 12, item 2):
per-day files read file by file (as before), per-day files read by one pyarrow
dataset call per 256 files (now), one job gridding both in one pass, and a per-year
consolidated file read by both;
the dry run of 15 years of COSMIC-1 from CDAAC (2006-2020, target < 15 s); one day's
ingest (read, QC, write, as a batch job does it) against ``gzip -dc | tar -xO``
and against inflating its gzip stream with zlib, zlib-ng and isal (the physical
floor; target <= 1.0x gzip|tar), and an ingest job's imports without and with
pandas; ``--c2-days`` days of the COSMIC-2 generator at ``--c2-members`` arcs
through Snakemake (batched, and the per-day design) against gzip|tar; and, with ``--sao-files N`` where
``tools/benchmark_sao.py`` exists, its table. Times are wall-clock seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
SLICE = [
    "results/occultation/qc_summary.csv",
    "results/occultation/maps_DJF.nc",
    "results/occultation/monthly_lat_alt.nc",
]
ROWS: list[tuple[str, str, str, str]] = []  # (what, figure, ratio, target)


def row(what: str, figure: str, ratio: str = "", target: str = "") -> None:
    ROWS.append((what, figure, ratio, target))
    print(f"  {what}: {figure} {ratio} {target}".rstrip(), flush=True)


def _config(over: dict) -> dict:
    from estransport.config import load_config

    cfg = load_config(REPO / "config" / "config.yaml")

    def merge(a, b):
        for k, v in b.items():
            a[k] = (
                merge(a.get(k, {}), v) if isinstance(v, dict) and isinstance(a.get(k), dict) else v
            )
        return a

    return merge(cfg, over)


def workdir(path: Path, over: dict) -> Path:
    (path / "config").mkdir(parents=True, exist_ok=True)
    (path / "config" / "config.yaml").write_text(yaml.safe_dump(_config(over), sort_keys=False))
    for extra in ("stations.tsv",):
        (path / "config" / extra).write_text((REPO / "config" / extra).read_text())
    return path


def _cmd(wd: Path, *args: str) -> list[str]:
    return [
        PY,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(wd),
        *args,
    ]


def snakemake(wd: Path, *args: str) -> float:
    cmd = _cmd(wd, *args)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"snakemake failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return dt


def dry_run(wd: Path, *targets: str) -> tuple[float, int]:
    cmd = _cmd(wd, "-n", "--cores", "2", "--scheduler", "greedy", *targets, "--quiet", "rules")
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    dt = time.perf_counter() - t0
    total = next((int(ln.split()[1]) for ln in out.splitlines() if ln.split()[:1] == ["total"]), 0)
    return dt, total


def untar(tarballs: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in tarballs:
        subprocess.run(f"gzip -dc '{f}' | tar -xO > /dev/null", shell=True, check=True)
    return time.perf_counter() - t0


_SINGLE = r"""
import sys, json, logging
from pathlib import Path
logging.disable(logging.WARNING)
from estransport.config import load_config
from estransport.io.scnlv1 import ingest_days
from estransport.io.atomic import write_csv
from estransport.io.scnlv1_qc import summarise_qc
from estransport.climatology.gridding import write_seasonal_maps
from estransport.climatology.monthly import write_monthly_lat_alt
wd, out = Path(sys.argv[1]), Path(sys.argv[2])
c = load_config(wd / "config" / "config.yaml")["cosmic"]
tars = sorted((wd / "resources/cosmic/scnLv1").rglob("*.tar.gz"))
ev = [out / "events" / f"{t.parent.name}_{t.name[:3]}.parquet" for t in tars]
qc = [out / "qc" / f"{t.parent.name}_{t.name[:3]}.csv" for t in tars]
q = c["qc"]; alt = (q["altitude_km"]["min"], q["altitude_km"]["max"])
ingest_days(tars, ev, qc, altitude_km=alt, s4max_range=(q["s4max"]["min"], q["s4max"]["max"]),
            strict=False, config=q)
write_csv(summarise_qc(qc), out / "qc_summary.csv")
m = c["maps"]
write_seasonal_maps(ev, [out / f"maps_{s}.nc" for s in ("DJF", "MAM", "JJA", "SON")],
                    resolution_deg=m["resolution_deg"], min_count=m["min_count"],
                    complete_winters_only=m["complete_winters_only"],
                    smoothing_cells=m["smoothing_cells"], years=c["years"], es_altitude_km=alt)
mo = c["monthly"]
write_monthly_lat_alt(ev, out / "monthly.nc", lat_resolution_deg=mo["lat_resolution_deg"],
                      alt_resolution_km=mo["alt_resolution_km"], min_count=mo["min_count"],
                      min_valid_fraction=mo["min_valid_fraction"], altitude_km=alt, years=c["years"])
"""


def single_process(wd: Path) -> float:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([PY, "-c", _SINGLE, str(wd), out], check=True)
        return time.perf_counter() - t0


def per_day_design(
    wd1: Path,
    over: dict,
    tarballs: Path,
    link: str,
    targets,
    cores: int,
    label: str,
    t_untar: float,
    t_batched: float,
) -> Path:
    """The slice with ``days_per_job: 1`` in ``wd1``, on the batched run's tarballs (linked)."""
    wd1 = workdir(wd1, {**over, "cosmic": {**over["cosmic"], "ingest": {"days_per_job": 1}}})
    subprocess.run(
        ["rm", "-rf", str(wd1 / "results"), str(wd1 / ".snakemake"), str(wd1 / "resources")],
        check=True,
    )
    (wd1 / link).parent.mkdir(parents=True)
    os.symlink(tarballs, wd1 / link)
    t_pd = snakemake(wd1, "--cores", str(cores), *targets)
    row(
        f"{label}: slice, per-day design (days_per_job 1)",
        f"{t_pd:.1f} s",
        f"{t_pd / t_untar:.2f}x untar, {t_pd / t_batched:.2f}x batched",
    )
    return wd1


def cosmic1_slice(root: Path, n: int, members: int, cores: int, per_day: bool) -> Path:
    step = max(1, 366 // n)
    over = {
        "cosmic": {
            "years": [2008],
            "day_step": step,
            "synthetic": {"arcs_per_day": members},
            "maps": {"resolution_deg": 1.0},
        }
    }
    wd = workdir(root / f"cosmic1_n{n}_m{members}", over)
    tarballs_dir = wd / "resources/cosmic/scnLv1/2008"
    from estransport.steps.cosmic import days

    want = [f"resources/cosmic/scnLv1/{y}/{d}.tar.gz" for y, d in days(_config(over)["cosmic"])]
    snakemake(wd, "--cores", str(cores), *want)  # untimed: the tarballs, made once
    tarballs = sorted(tarballs_dir.glob("*.tar.gz"))
    nd = len(tarballs)
    mb = sum(t.stat().st_size for t in tarballs) / 1e6
    print(
        f"\n[COSMIC-1] {nd} days x {members} arcs ({mb:.0f} MB of tarballs), {cores} cores",
        flush=True,
    )
    # a fresh slice each time: the tarballs stay, everything after them goes
    subprocess.run(["rm", "-rf", str(wd / "results"), str(wd / ".snakemake")], check=True)
    t_untar = untar(tarballs)
    t_smk = snakemake(wd, "--cores", str(cores), *SLICE)
    t_one = single_process(wd)
    row(f"N={nd}: gzip -dc | tar -xO, sequential", f"{t_untar:.1f} s", "1.00x")
    row(
        f"N={nd}: slice through Snakemake (batched, {cores} cores)",
        f"{t_smk:.1f} s",
        f"{t_smk / t_untar:.2f}x untar",
        "target <= 2x at N=365",
    )
    row(
        f"N={nd}: same work, one process, no Snakemake",
        f"{t_one:.1f} s",
        f"{t_one / t_untar:.2f}x untar",
    )
    if per_day:
        per_day_design(
            root / f"cosmic1_n{n}_m{members}_perday",
            over,
            tarballs_dir,
            "resources/cosmic/scnLv1/2008",
            SLICE,
            cores,
            f"N={nd}",
            t_untar,
            t_smk,
        )
    fresh = workdir(root / f"dry_n{n}", over)
    t_dry, jobs = dry_run(fresh, *SLICE)
    row(
        f"N={nd}: dry run of the whole slice",
        f"{t_dry:.2f} s, {jobs} jobs",
        f"{1e3 * t_dry / max(jobs, 1):.1f} ms/job",
    )
    return wd


def gridding(wd: Path, repeats: int = 5) -> None:
    # Sub-second timings on a shared machine: the two resolutions alternate, `repeats`
    # times each, and the best and the median of each are printed (the ratio is of the
    # best times, the median shows the spread).
    code = r"""
import sys, time, logging, statistics
from pathlib import Path
logging.disable(logging.INFO)
from estransport.climatology.gridding import grid_event_tables
paths = sorted(Path(sys.argv[1]).rglob("*.parquet"))
times = {1.0: [], 0.25: []}
for _ in range(int(sys.argv[2])):
    for res in times:
        t0 = time.perf_counter(); g = grid_event_tables(paths, resolution_deg=res, complete_winters_only=False)
        times[res].append(time.perf_counter() - t0)
for res, ts in times.items():
    print(res, min(ts), statistics.median(ts), g.n_events)
"""
    out = subprocess.run(
        [PY, "-c", code, str(wd / "results/occultation/events"), str(repeats)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    (_, b1, m1, n1), (_, b2, m2, _) = (ln.split() for ln in out[:2])
    print("\n[gridding]", flush=True)
    row(
        f"gridding {n1} events at 1 deg (best, median of {repeats})",
        f"{float(b1):.2f} s, {float(m1):.2f} s",
        "1.00x",
    )
    row(
        f"gridding the same at 0.25 deg (best, median of {repeats})",
        f"{float(b2):.2f} s, {float(m2):.2f} s",
        f"{float(b2) / float(b1):.2f}x 1 deg (medians: {float(m2) / float(m1):.2f}x)",
        "target <= 2x",
    )


_STORAGE = r"""
import sys, time, logging
t_start = time.perf_counter()
from pathlib import Path
logging.disable(logging.WARNING)
import estransport.climatology.events as E
from estransport.config import load_config
mode, wd, out, what = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
c = load_config(wd / "config" / "config.yaml")["cosmic"]
ev = sorted(str(p) for p in (wd / "results/occultation/events").rglob("*.parquet"))
if mode == "per_file":  # the reader before: one pyarrow.parquet.read_table per day file
    import pyarrow as pa
    def per_file(paths, columns):
        for p in paths:
            t = E._read_one(p, columns)
            yield t, [t.num_rows]
    E._iter_day_tables = per_file
if mode == "year" and what != "consolidate":  # one consolidated Parquet file per year
    ev = sorted(str(p) for p in (out / "year").glob("*.parquet"))
if what == "consolidate":
    import pyarrow.dataset as pads, pyarrow.parquet as pq
    (out / "year").mkdir(parents=True, exist_ok=True)
    tables = [t for t, _ in E._iter_day_tables(ev, ["time", "lattp_s4max", "lontp_s4max", "alttp_s4max", "s4max"])]
    import pyarrow as pa
    pq.write_table(pa.concat_tables(tables), out / "year" / "2008.parquet")
    print(time.perf_counter() - t_start); sys.exit()
from estransport.climatology.gridding import write_seasonal_maps, SeasonalGrid, EVENT_COLUMNS
from estransport.climatology.monthly import write_monthly_lat_alt, MonthlyLatAltGrid, MONTH_COLUMNS
q, m, mo = c["qc"], c["maps"], c["monthly"]
alt = (q["altitude_km"]["min"], q["altitude_km"]["max"])
seasons = [out / f"{mode}_maps_{s}.nc" for s in ("DJF", "MAM", "JJA", "SON")]
if what in ("maps", "both"):
    write_seasonal_maps(ev, seasons, resolution_deg=m["resolution_deg"], min_count=m["min_count"],
                        complete_winters_only=m["complete_winters_only"],
                        smoothing_cells=m["smoothing_cells"], years=c["years"], es_altitude_km=alt)
if what in ("monthly", "both"):
    write_monthly_lat_alt(ev, out / f"{mode}_monthly.nc", lat_resolution_deg=mo["lat_resolution_deg"],
                          alt_resolution_km=mo["alt_resolution_km"], min_count=mo["min_count"],
                          min_valid_fraction=mo["min_valid_fraction"], altitude_km=alt, years=c["years"])
if what == "one_pass":  # both grids fed from one read (no files written: the gridding only)
    g = SeasonalGrid(m["resolution_deg"], years=c["years"], complete_winters_only=m["complete_winters_only"])
    gm = MonthlyLatAltGrid(mo["lat_resolution_deg"], altitude_km=alt,
                           alt_resolution_km=mo["alt_resolution_km"], years=c["years"])
    cols = sorted(set(EVENT_COLUMNS) | set(MONTH_COLUMNS))
    for b in E.iter_event_batches(ev, cols):
        g.add(b["lattp_s4max"], b["lontp_s4max"], b["s4max"], b["year"], b["month"])
        gm.add(b["lattp_s4max"], b["alttp_s4max"], b["s4max"], b["year"], b["month"])
    from estransport.io.atomic import write_netcdf
    ds = g.to_dataset(min_count=m["min_count"], smoothing_cells=m["smoothing_cells"])
    for s, path in zip(("DJF", "MAM", "JJA", "SON"), seasons):
        write_netcdf(ds.sel(season=[s]), path)
    write_netcdf(gm.to_dataset(min_count=mo["min_count"], min_valid_fraction=mo["min_valid_fraction"]),
                 out / f"{mode}_monthly.nc")
print(time.perf_counter() - t_start)
"""


def event_storage(wd: Path) -> None:
    """The seasonal maps and monthly climatology of ``wd``'s events, four ways (issue 12, item 2).

    Each way runs its processes as the workflow would on 2 cores (the two climatology
    jobs side by side); figures are the wall time of the pair and the summed job time.
    """
    ways = {
        "per-day files, read file by file (before)": ("per_file", [["maps"], ["monthly"]]),
        "per-day files, one dataset call per 256 files (now)": ("dataset", [["maps"], ["monthly"]]),
        "one job, one pass for maps and monthly": ("one_pass", [["one_pass"]]),
        "per-year file (consolidation job, then the two jobs)": ("year", [["maps"], ["monthly"]]),
    }
    n = len(list((wd / "results/occultation/events").rglob("*.parquet")))
    print(f"\n[event storage] {n} day tables, maps and monthly side by side", flush=True)
    with tempfile.TemporaryDirectory() as out:
        best: dict[str, tuple[float, float]] = {}
        for _ in range(2):  # best of 2, ways interleaved
            for label, (mode, jobs) in ways.items():
                t0 = time.perf_counter()
                job_s = 0.0
                if mode == "year":
                    job_s += _storage_job(mode, wd, out, "consolidate")
                procs = [_storage_popen(mode, wd, out, j[0]) for j in jobs]
                job_s += sum(float(p.communicate()[0].split()[-1]) for p in procs)
                wall = time.perf_counter() - t0
                old = best.get(label, (1e9, 1e9))
                best[label] = (min(old[0], wall), min(old[1], job_s))
        same = all(
            (Path(out) / f"dataset_{f}").read_bytes() == (Path(out) / f"per_file_{f}").read_bytes()
            for f in ("maps_DJF.nc", "monthly.nc")
        )
    ref = best["per-day files, read file by file (before)"][0]
    for label, (wall, job_s) in best.items():
        row(
            f"N={n}: maps + monthly, {label}",
            f"{wall:.2f} s wall, {job_s:.2f} s of jobs",
            f"{wall / ref:.2f}x before",
        )
    print(f"  (maps and monthly of the dataset and file-by-file reads byte-identical: {same})")


def _storage_popen(mode: str, wd: Path, out: str, what: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "-c", _STORAGE, mode, str(wd), out, what], stdout=subprocess.PIPE, text=True
    )


def _storage_job(mode: str, wd: Path, out: str, what: str) -> float:
    return float(_storage_popen(mode, wd, out, what).communicate()[0].split()[-1])


def dry_run_15_years(root: Path) -> None:
    wd = workdir(
        root / "dry15",
        {"cosmic": {"source": "cdaac", "years": list(range(2006, 2021)), "day_step": 1}},
    )
    t, jobs = dry_run(wd, *SLICE)
    print("\n[dry run]", flush=True)
    row(
        "15-year COSMIC-1 dry run (cdaac 2006-2020, slice)",
        f"{t:.1f} s, {jobs} jobs",
        f"{1e3 * t / jobs:.2f} ms/job",
        "target < 15 s",
    )


def one_day(root: Path, members: int) -> None:
    import logging

    from estransport.io.scnlv1 import ingest_day, ingest_days
    from estransport.synthetic.cosmic import write_day_tarball

    logging.getLogger("estransport").setLevel(logging.ERROR)
    cfg = _config({})
    syn, q = cfg["cosmic"]["synthetic"], cfg["cosmic"]["qc"]
    tar = root / "oneday" / "2008" / "182.tar.gz"
    if not tar.exists():
        tar.parent.mkdir(parents=True, exist_ok=True)
        write_day_tarball(
            tar,
            2008,
            182,
            arcs_per_day=members,
            es_fraction=syn["es_fraction"],
            fill_fraction=syn["fill_fraction"],
            empty_member_fraction=syn["empty_member_fraction"],
            seed=cfg["seed"],
        )
    data = tar.read_bytes()

    def inflate(mod):
        o = mod.decompressobj(16 + 15)
        for k in range(0, len(data), 1 << 20):
            o.decompress(data[k : k + (1 << 20)])

    import zlib

    cands = {"zlib": lambda: inflate(zlib)}
    for name, imp in (("zlib-ng", "zlib_ng.zlib_ng"), ("isal", "isal.isal_zlib")):
        try:
            mod = __import__(imp, fromlist=["x"])
            cands[name] = lambda mod=mod: inflate(mod)
        except ImportError:
            pass
    alt = (q["altitude_km"]["min"], q["altitude_km"]["max"])
    s4 = (q["s4max"]["min"], q["s4max"]["max"])
    ev, qc = root / "oneday" / "ev.parquet", root / "oneday" / "qc.csv"
    # What a batch job does per day (no pandas), and the public one-day call (returns a DataFrame).
    cands["ingest (read, QC, write)"] = lambda: ingest_days(
        [tar], [ev], [qc], altitude_km=alt, s4max_range=s4, strict=False
    )
    cands["ingest_day (the same, returning a DataFrame)"] = lambda: ingest_day(
        tar, ev, qc, altitude_km=alt, s4max_range=s4, strict=False
    )
    cands["gzip -dc | tar -xO"] = lambda: untar([tar])
    best = dict.fromkeys(cands, 1e9)
    for _ in range(7):  # interleaved, best of 7
        for name, fn in cands.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    untar_t = best["gzip -dc | tar -xO"]
    floor = min(best[k] for k in ("zlib", "zlib-ng", "isal") if k in best)
    print(f"\n[one day] {members} arcs, {len(data) / 1e6:.1f} MB", flush=True)
    for name, t in best.items():
        target = "target <= 1.0x gzip|tar" if name.startswith("ingest (") else ""
        row(
            f"one day: {name}",
            f"{1e3 * t:.0f} ms",
            f"{t / untar_t:.2f}x gzip|tar, {t / floor:.2f}x fastest inflate",
            target,
        )
    # The imports of an ingest job's process (interpreter included), lean against with pandas.
    lean = "import estransport.steps.cosmic, estransport.io.scnlv1, pyarrow.parquet"
    imports = {"lean (numpy, pyarrow)": lean, "with pandas (as before)": lean + ", pandas"}
    took = dict.fromkeys(imports, 1e9)
    for _ in range(7):
        for name, code in imports.items():
            t0 = time.perf_counter()
            subprocess.run([PY, "-c", code], check=True)
            took[name] = min(took[name], time.perf_counter() - t0)
    base = took["lean (numpy, pyarrow)"]
    for name, t in took.items():
        row(f"ingest job imports: {name}", f"{1e3 * t:.0f} ms", f"{t / base:.2f}x lean")


def cosmic2(root: Path, n: int, members: int, cores: int, per_day: bool) -> None:
    over = {
        "cosmic": {
            "missions": {
                "cosmic2": {
                    "enabled": True,
                    "source": "synthetic",
                    "years": [2022],
                    "day_step": max(1, 365 // n),
                    "synthetic": {"members_per_day": members},
                }
            },
            "maps": {"resolution_deg": 1.0},
        }
    }
    wd = workdir(root / f"cosmic2_n{n}_m{members}", over)
    from estransport.steps.missions import mission_days

    days = mission_days(_config(over)["cosmic"], "cosmic2")
    snakemake(
        wd, "--cores", str(cores), *[f"resources/cosmic/cosmic2/{y}/{d}.tar.gz" for y, d in days]
    )
    tarballs = sorted((wd / "resources/cosmic/cosmic2").rglob("*.tar.gz"))
    subprocess.run(["rm", "-rf", str(wd / "results"), str(wd / ".snakemake")], check=True)
    print(f"\n[COSMIC-2] {len(tarballs)} days x {members} arcs", flush=True)
    targets = (
        "results/occultation/cosmic2/qc_summary.csv",
        "results/occultation/cosmic2/maps_DJF.nc",
        "results/occultation/cosmic2/monthly_lat_alt.nc",
    )
    t_untar = untar(tarballs)
    t_smk = snakemake(wd, "--cores", str(cores), *targets)
    nd = len(tarballs)
    row(f"COSMIC-2 N={nd}: gzip -dc | tar -xO, sequential", f"{t_untar:.1f} s", "1.00x")
    row(
        f"COSMIC-2 N={nd}: slice through Snakemake (batched, {cores} cores)",
        f"{t_smk:.1f} s",
        f"{t_smk / t_untar:.2f}x untar",
    )
    if per_day:
        wd1 = per_day_design(
            root / f"cosmic2_n{n}_m{members}_perday",
            over,
            wd / "resources/cosmic/cosmic2",
            "resources/cosmic/cosmic2",
            targets,
            cores,
            f"COSMIC-2 N={nd}",
            t_untar,
            t_smk,
        )
        same = (
            subprocess.run(
                [
                    PY,
                    str(REPO / "tools" / "compare_results.py"),
                    "--bytes",
                    str(wd / "results"),
                    str(wd1 / "results"),
                ],
                capture_output=True,
                text=True,
            ).returncode
            == 0
        )
        print(f"  (batched and per-day COSMIC-2 results byte-identical: {same})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--days", type=int, nargs="+", default=[30, 365], help="N of COSMIC-1 days")
    p.add_argument("--members", type=int, default=1500, help="arcs per COSMIC-1 day")
    p.add_argument("--c2-days", type=int, default=30, help="COSMIC-2 days (0: skip)")
    p.add_argument("--c2-members", type=int, default=9000)
    p.add_argument("--cores", type=int, default=2)
    p.add_argument(
        "--per-day-max",
        type=int,
        default=100,
        help="run the per-day design (days_per_job 1) side by side only up to this N",
    )
    p.add_argument("--no-dry15", action="store_true", help="skip the 15-year dry run")
    p.add_argument(
        "--sao-files",
        type=int,
        default=None,
        help="run tools/benchmark_sao.py --files N at the end (if it exists)",
    )
    p.add_argument(
        "--root", type=Path, default=None, help="work directories (kept; tarballs reused)"
    )
    p.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    a = p.parse_args(argv)
    root = a.root or Path(tempfile.mkdtemp(prefix="estransport-throughput-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"work directories in {root}")
    largest = None
    for k, n in enumerate(sorted(a.days)):
        largest = cosmic1_slice(
            root, n, a.members, a.cores, per_day=(k == 0 and n <= a.per_day_max)
        )
    if largest is not None:
        gridding(largest)
        event_storage(largest)
    if not a.no_dry15:
        dry_run_15_years(root)
    one_day(root, a.members)
    if a.c2_days:
        cosmic2(root, a.c2_days, a.c2_members, a.cores, per_day=a.c2_days <= a.per_day_max)
    print("\n| measurement | figure | ratio | target |\n|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    if a.json:
        a.json.write_text(json.dumps(ROWS, indent=1))
    sao = REPO / "tools" / "benchmark_sao.py"
    if a.sao_files is not None:
        if sao.exists():
            print(f"\n[SAO] tools/benchmark_sao.py --files {a.sao_files}", flush=True)
            subprocess.run([PY, str(sao), "--files", str(a.sao_files)], check=False)
        else:
            print("\n[SAO] tools/benchmark_sao.py is not here (yet): skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
