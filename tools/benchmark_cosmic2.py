"""Benchmark of the COSMIC-2/Spire ingest; prints its figures (it is not a timed test).

Run with ``.venv/bin/python tools/benchmark_cosmic2.py`` (several minutes). It
prints, measured side by side in one run on this machine (issue 11):

1. ingest of one synthetic 9,000-arc COSMIC-2 ``scnLv2`` day
   (:func:`estransport.io.scnlv2.read_scint_day`) against
   ``gzip -dc DAY | tar -xO > /dev/null`` on the same tarball (target: ours
   <= 1.5x) and against extracting the members and opening each with
   ``xarray.open_dataset`` to take the same Es-height S4max (target: xarray
   >= 15x ours, per member; xarray is timed on ``--xarray-members`` members
   and scaled);
2. the ingest time against the member count, 1,500 / 4,500 / 9,000 arcs
   (target: linear, i.e. the same time per member);
3. optionally (``--dry-run``), a dry run of COSMIC-2 2019-2025 at
   ``day_step: 1`` from CDAAC (target < 20 s) and the number of cluster
   submissions the SLURM profile's grouping makes of it (target: a few hundred).

Timings are wall-clock minima over ``--repeats`` runs, interleaved so that the
two sides of a ratio see the same machine load.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from estransport.io.scnlv2 import read_scint_day  # noqa: E402
from estransport.synthetic.cosmic2 import SyntheticStream, write_day_tarball  # noqa: E402

ES = (90.0, 130.0)


def _ours(path: Path) -> int:
    events, _ = read_scint_day(
        path,
        product="scnLv2",
        mission="cosmic2",
        altitude_km=ES,
        tangent_point="auto",
        strict=False,
    )
    return len(events)


def _cli(path: Path) -> None:
    subprocess.run(f"gzip -dc '{path}' | tar -xO > /dev/null", shell=True, check=True)


def _xarray(directory: Path, limit: int) -> tuple[float, int]:
    """Open ``limit`` extracted members with xarray and take each one's Es-height S4max."""
    import xarray as xr

    members = sorted(p for p in directory.rglob("scnLv2_*_nc") if p.stat().st_size)[:limit]
    t0 = time.perf_counter()
    for member in members:
        with xr.open_dataset(member, engine="netcdf4", decode_times=False) as ds:
            s4 = ds["s4_L1"].values
            h = ds["occheight"].values
            win = (h >= ES[0]) & (h <= ES[1]) & np.isfinite(s4)
            _ = np.nanmax(np.where(win, s4, -np.inf)) if win.any() else np.nan
    return time.perf_counter() - t0, len(members)


def _best(funcs: dict, repeats: int) -> dict[str, float]:
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeats):
        for name, func in funcs.items():
            t0 = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def bench_ingest(tmp: Path, repeats: int, xarray_members: int) -> None:
    day = tmp / "scnLv2_rapid_2022_172.tar.gz"
    arcs = write_day_tarball(day, 2022, 172, SyntheticStream(members_per_day=9000), seed=20210407)
    size = day.stat().st_size / 1e6
    print(f"\n[1] ingest of one 9,000-arc COSMIC-2 scnLv2 day ({size:.1f} MB, {len(arcs)} members)")
    t = _best({"untar": lambda: _cli(day), "ours": lambda: _ours(day)}, repeats)
    out = tmp / "extracted"
    out.mkdir()
    t0 = time.perf_counter()
    with tarfile.open(day, "r:gz") as tar:
        tar.extractall(out, filter="data")
    extract_s = time.perf_counter() - t0
    xr_s, n_xr = _xarray(out, xarray_members)
    per_member_xr = (extract_s / len(arcs)) + xr_s / n_xr
    per_member_ours = t["ours"] / len(arcs)
    print(f"  gzip -dc | tar -xO        {t['untar']:7.3f} s")
    print(
        f"  ours (read_scint_day)     {t['ours']:7.3f} s   ({per_member_ours * 1e6:.0f} us/member)"
    )
    print(f"  extract (tarfile)         {extract_s:7.3f} s   (all {len(arcs)} members)")
    print(f"  xarray, {n_xr} members     {xr_s:7.3f} s   ({xr_s / n_xr * 1e3:.2f} ms/member)")
    print(f"  ours / untar              = {t['ours'] / t['untar']:.2f}  (target <= 1.5)")
    print(f"  xarray / ours, per member = {per_member_xr / per_member_ours:.1f}  (target >= 15)")


def bench_linear(tmp: Path, repeats: int) -> None:
    print("\n[2] ingest time against member count")
    rows = []
    for n in (1500, 4500, 9000):
        day = tmp / f"scnLv2_rapid_2022_{n}.tar.gz"
        write_day_tarball(day, 2022, 100, SyntheticStream(members_per_day=n), seed=1)
        t = _best({"ours": lambda d=day: _ours(d), "untar": lambda d=day: _cli(d)}, repeats)
        rows.append((n, t["ours"], t["untar"]))
    base = rows[0][1] / rows[0][0]
    for n, ours, untar in rows:
        print(
            f"  {n:5d} members: ours {ours:6.3f} s, {ours / n * 1e6:6.1f} us/member "
            f"(x{ours / n / base:.2f} of the 1,500 rate); untar {untar:6.3f} s"
        )
    slope, intercept = np.polyfit([r[0] for r in rows], [r[1] for r in rows], 1)
    print(f"  least squares: {slope * 1e6:.1f} us/member + {intercept:.3f} s")


def bench_dry_run(tmp: Path) -> None:
    wd = tmp / "dry"
    wd.mkdir()
    for name in ("Snakefile", "workflow", "scripts", "config", "profiles"):
        os.symlink(REPO / name, wd / name)
    overlay = wd / "cosmic2_full.yaml"
    overlay.write_text(
        textwrap.dedent("""\
        cosmic:
          missions:
            cosmic2:
              enabled: true
              source: cdaac
              years: [2019, 2020, 2021, 2022, 2023, 2024, 2025]
              day_step: 1
    """)
    )
    snakemake = REPO / ".venv" / "bin" / "snakemake"
    cmd = [
        str(snakemake),
        "--dry-run",
        "--quiet",
        "rules",
        "--configfile",
        str(overlay),
        "--cores",
        "1",
    ]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=wd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    print("\n[3] dry run of COSMIC-2 2019-2025, day_step 1, source cdaac")
    if res.returncode:
        print(textwrap.indent(res.stderr[-3000:], "    "))
        return
    counts = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", res.stdout, re.M)
    }
    print(f"  {dt:.1f} s (target < 20 s); jobs per rule:")
    for rule, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"    {rule:32s} {n}")
    # Submissions: a second dry run through the SLURM profile, whose output shows the
    # group jobs (tests/test_slurm_profile.py reads it the same way).
    prof = subprocess.run(
        [
            str(snakemake),
            "--dry-run",
            "--profile",
            str(REPO / "profiles" / "slurm"),
            "--configfile",
            str(overlay),
        ],
        cwd=wd,
        capture_output=True,
        text=True,
    )
    blocks = re.split(
        r"\n(?=\[[^\]]+\] Group job )|\n(?=\[[^\]]+\]\n(?:rule|localrule) )", prof.stdout
    )
    groups = sum(1 for blk in blocks if " Group job " in blk.split("\n", 1)[0])
    names = [
        name
        for blk in blocks
        if " Group job " not in blk.split("\n", 1)[0]
        for name in re.findall(r"^(?:local)?rule (\w+):", blk, re.M)
    ]
    local = [n for n in names if n in _local_rules()]
    singles = len(names) - len(local)
    print(
        f"  cluster submissions: {groups + singles} ({groups} group jobs, {singles} single "
        f"jobs; {len(local)} local jobs, the downloads and targets, run on the login node)"
    )


def _local_rules() -> set[str]:
    """Rules run on the login node: ``localrule: True``, and the target rules ``all`` and ``paper``."""
    local = {"all", "paper"}
    for path in [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]:
        text = path.read_text()
        for m in re.finditer(r"^(\s*)rule (\w+):\n((?:\1\s+.*\n|\s*\n)+)", text, re.M):
            if re.search(r"^\s*localrule:\s*True", m.group(3), re.M):
                local.add(m.group(2))
        for m in re.finditer(r"^localrules:\s*(.+)$", text, re.M):
            local.update(x.strip() for x in m.group(1).split(","))
    return local


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--xarray-members", type=int, default=1500)
    parser.add_argument("--dry-run", action="store_true", help="also time the 2019-2025 dry run")
    args = parser.parse_args(argv)
    logging.getLogger("estransport").setLevel(logging.ERROR)  # member warnings are not figures
    with tempfile.TemporaryDirectory(prefix="bench-cosmic2-") as tmp:
        tmp = Path(tmp)
        bench_ingest(tmp, args.repeats, args.xarray_members)
        bench_linear(tmp, args.repeats)
        if args.dry_run:
            bench_dry_run(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
