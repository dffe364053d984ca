"""Benchmark reading many SAO files: a table per file against one table per file set.

Issue 12, item 6. Reading one SAO file into the ionosonde table used to spend about
95 % of its time building the table (an ``astype`` per column, a sort), a cost that
does not depend on the number of rows; the records themselves parse in a fraction of
it. :func:`estransport.ionosonde.sao.read_sao_files` parses every file and builds the
table once for the whole set. Measured side by side in one run, on

* the real SAO samples of ``tests/data/realdata.tsv`` (five files, found as the tests
  find them: ``$ESTRANSPORT_REALDATA``, ``../shared/realdata`` or the cache of
  ``make realdata``), copied round-robin to ``--real-files`` files (default 96);
* a year of synthetic single-record SAO files, one every 15 minutes (35,040 files;
  ``--files N`` takes the first N), written by
  :func:`estransport.synthetic.ionosonde.write_sao_files` for the Beijing station;

each set read five ways:

``records only``
    :func:`~estransport.ionosonde.sao.iter_sao_records` on every file, no table: the floor.
``per file, before``
    A table per file built as ``schema.make_table`` built it before this change (a
    frame of row dictionaries, ``astype`` to the schema's dtypes, a stable sort;
    reproduced here on the parsed records), then ``pandas.concat``.
``per file``
    ``pandas.concat`` of :func:`~estransport.ionosonde.sao.read_sao` of every file (its
    table now built column by column in the final dtypes).
``once per set``
    :func:`~estransport.ionosonde.sao.read_sao_files` (its table is checked to equal
    the per-file one, values and dtypes).
``pynasonde``
    ``pandas.concat`` of ``SaoExtractor.extract_SAO(path, func_name="scaled")`` of every
    file, in this interpreter if pynasonde imports, else in the interpreter given by
    ``--pynasonde-python`` (a separate environment: pynasonde 1.3.0 declares no
    dependencies but imports matplotlib, loguru, pytz, opencv and a dozen more, so it is
    not a dependency of this project). The timing is taken inside that interpreter.

Usage::

    python tools/benchmark_sao.py [--files N] [--real-files 96] [--repeats 3]
                                  [--pynasonde-python PATH] [--json FILE]

``--json FILE`` also writes the figures (seconds, one object per set) for a caller
such as ``tools/benchmark_throughput.py``.

Times are wall-clock seconds, the minimum over ``--repeats`` runs (the synthetic set
is read once per way when it has more than 2,000 files), all in one process.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
try:
    import estransport  # noqa: F401
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(REPO / "src"))

from estransport.config import validate_config  # noqa: E402
from estransport.ionosonde.sao import (  # noqa: E402
    iter_sao_records,
    read_sao,
    read_sao_files,
    sao_part,
)
from estransport.ionosonde.schema import COLUMNS, DTYPES  # noqa: E402
from estransport.ionosonde.stations import load_stations  # noqa: E402
from estransport.steps.ionosonde import planted_truth  # noqa: E402
from estransport.synthetic.ionosonde import simulate, station_rng, write_sao_files  # noqa: E402

#: Files in a year of 15-minute soundings (365 days x 96).
YEAR_FILES = 365 * 96
#: Synthetic year and seed (any; fixed so that runs compare).
YEAR, SEED = 2010, 1
#: Above this many files a way is timed once (a year per file takes minutes).
ONCE_ABOVE = 2000

#: Run inside the pynasonde interpreter: reads the file list on stdin, prints seconds.
PYNASONDE_SNIPPET = """
import sys, time
import pandas as pd
from pynasonde.digisonde.parsers.sao import SaoExtractor
paths = sys.stdin.read().split()
repeats = int(sys.argv[1])
best, n = float("inf"), 0
for _ in range(repeats):
    t0 = time.perf_counter()
    df = pd.concat([SaoExtractor.extract_SAO(p, False, False, func_name="scaled")
                    for p in paths], ignore_index=True)
    best = min(best, time.perf_counter() - t0)
    n = len(df)
print(best, n)
"""


def real_samples() -> list[Path]:
    """The registered real SAO files, as the tests resolve them (empty if none is found)."""
    sys.path.insert(0, str(REPO))
    from tests.realdata import read_registry, resolver

    registry = read_registry()
    get = resolver(registry)
    found = []
    for name in sorted(n for n in registry if n.startswith("sao/")):
        try:
            found.append(get(name))
        except BaseException as exc:  # pytest.skip: not found in any location
            print(f"  {name}: {exc}", file=sys.stderr)
    return found


def real_set(samples: list[Path], n: int, directory: Path) -> list[Path]:
    """``n`` copies of the samples, round-robin, each with its own name (own ``source_file``)."""
    directory.mkdir(parents=True)
    paths = []
    for k in range(n):
        src = samples[k % len(samples)]
        dest = directory / f"{src.stem.split('_')[0]}_{k:04d}{src.suffix}"
        shutil.copyfile(src, dest)
        paths.append(dest)
    return paths


def synthetic_year(n: int, directory: Path) -> list[Path]:
    """The first ``n`` files of a year of 15-minute single-record SAO files (Beijing)."""
    station = next(
        s
        for s in load_stations(REPO / "config" / "stations.tsv")
        if s.format == "sao" and s.ursi_code
    )
    truth = planted_truth(validate_config({})["ionosonde"]["synthetic"])
    times = pd.date_range(f"{YEAR}-01-01", periods=YEAR_FILES, freq="15min")
    df = simulate(
        times, station, truth, station_rng(SEED, station.code, YEAR), with_confidence=True
    )
    return write_sao_files(df.iloc[:n], station, directory)


def table_before(path: Path) -> pd.DataFrame:
    """One file's table as ``schema.make_table`` built it before: row dictionaries, one
    object frame, ``astype`` per column, stable sort (the range check is left out)."""
    columns = sao_part(path).columns
    rows = [
        dict(zip(COLUMNS, values, strict=True))
        for values in zip(*(columns[c] for c in COLUMNS), strict=True)
    ]
    df = pd.DataFrame(rows, columns=list(COLUMNS)).astype(DTYPES)
    return df.sort_values("time_ut", kind="stable").reset_index(drop=True)


def best_of(func: Callable[[], object], repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - t0)
    return best, out


def pynasonde_time(paths: list[Path], repeats: int, python: str | None) -> tuple[str, float | None]:
    """pynasonde's time for the set, in this interpreter or ``python``; (note, seconds)."""
    listing = "\n".join(map(str, paths))
    if importlib.util.find_spec("pynasonde") is not None:
        python, where = sys.executable, "this interpreter"
    elif python:
        where = python
    else:
        return "not installed (--pynasonde-python PATH to use another environment)", None
    proc = subprocess.run(
        [python, "-c", PYNASONDE_SNIPPET, str(repeats)],
        input=listing,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return f"failed in {where}: {last}", None
    seconds, rows = proc.stdout.split()[-2:]
    return f"{where}, {rows} rows", float(seconds)


def measure(name: str, paths: list[Path], repeats: int, pynasonde: str | None) -> dict:
    """The four ways on one set, side by side; the two tables checked equal."""
    reps = 1 if len(paths) > ONCE_ABOVE else repeats
    read_sao(paths[0])  # imports and caches warm
    records, _ = best_of(lambda: [list(iter_sao_records(p)) for p in paths], reps)
    before, c = best_of(
        lambda: pd.concat([table_before(p) for p in paths], ignore_index=True), reps
    )
    per_file, a = best_of(lambda: pd.concat([read_sao(p) for p in paths], ignore_index=True), reps)
    once, b = best_of(lambda: read_sao_files(paths), reps)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(c, b, check_exact=True)
    note, pyn = pynasonde_time(paths, reps, pynasonde)
    return {
        "set": name,
        "files": len(paths),
        "rows": len(b),
        "repeats": reps,
        "records": records,
        "before": before,
        "per_file": per_file,
        "once": once,
        "pynasonde": pyn,
        "pynasonde_note": note,
    }


def print_table(results: list[dict]) -> None:
    def sec(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    print()
    print(
        "| set | files | records only (s) | per file, before (s) | per file (s) "
        "| once per set (s) | pynasonde (s) | before / once | per file / once "
        "| once / records only | pynasonde / once |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        pyn = f"{r['pynasonde'] / r['once']:.2f}" if r["pynasonde"] else "-"
        print(
            f"| {r['set']} | {r['files']:,} | {sec(r['records'])} | {sec(r['before'])} "
            f"| {sec(r['per_file'])} | {sec(r['once'])} | {sec(r['pynasonde'])} "
            f"| {r['before'] / r['once']:.1f} | {r['per_file'] / r['once']:.1f} "
            f"| {r['once'] / r['records']:.2f} | {pyn} |"
        )
    print()
    for r in results:
        ms = {k: 1e3 * r[k] / r["files"] for k in ("records", "before", "per_file", "once")}
        print(
            f"{r['set']}: {r['rows']:,} rows; per file {ms['records']:.2f} ms records only, "
            f"{ms['before']:.2f} before, {ms['per_file']:.2f} per file, {ms['once']:.2f} once "
            f"per set (best of {r['repeats']}); the three tables equal (values, dtypes); "
            f"pynasonde: {r['pynasonde_note']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--files",
        type=int,
        default=YEAR_FILES,
        help=f"synthetic 15-minute files (default a year, {YEAR_FILES:,})",
    )
    parser.add_argument(
        "--real-files",
        type=int,
        default=96,
        help="files of the real set (the samples copied round-robin)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--pynasonde-python",
        default=None,
        help="interpreter of an environment with pynasonde, if this one lacks it",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.files < 1 or args.files > YEAR_FILES:
        parser.error(f"--files must be 1-{YEAR_FILES}")
    results = []
    with tempfile.TemporaryDirectory(prefix="benchmark_sao_") as tmp:
        tmp = Path(tmp)
        samples = real_samples()
        if samples and args.real_files > 0:
            paths = real_set(samples, args.real_files, tmp / "real")
            print(f"real: {len(samples)} samples copied to {len(paths)} files", flush=True)
            results.append(
                measure(
                    f"real SAO samples x{len(paths) / len(samples):.3g}",
                    paths,
                    args.repeats,
                    args.pynasonde_python,
                )
            )
        else:
            print("real: no SAO sample found (make realdata, or set ESTRANSPORT_REALDATA)")
        t0 = time.perf_counter()
        paths = synthetic_year(args.files, tmp / "synthetic")
        print(
            f"synthetic: {len(paths):,} files written in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        label = "synthetic year, 15 min" if args.files == YEAR_FILES else "synthetic, 15 min"
        results.append(measure(label, paths, args.repeats, args.pynasonde_python))
    print_table(results)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
