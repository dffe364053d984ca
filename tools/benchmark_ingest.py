"""Benchmark the scnLv1 day ingest against untarring and against xarray.

docs/architecture.md §7 ("Performance targets"): reading one scnLv1 day tarball should take
no more than 1.5x the time to gunzip and untar it to /dev/null, and be at least
15x faster than opening each extracted file with ``xarray.open_dataset``.

Usage::

    python tools/benchmark_ingest.py DAY.tar.gz [--repeats 3]
    python tools/benchmark_ingest.py --build /tmp/bench.tar.gz [--members 1500]

The second form first writes a realistic 1,500-member day tarball (netCDF-3
classic members with 141 samples of S4, elevation, sqrt_I, caL1_SNR and the LEO
and GPS positions, and 42 global attributes, like the real file described by
the evidence files ``cdaac_scnlv1_evidence/*`` of tests/data/realdata.tsv), then benchmarks it.

The timings are wall-clock minima over ``repeats`` runs, in seconds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

try:
    from estransport.io.scnlv1 import read_day_tarball
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from estransport.io.scnlv1 import read_day_tarball


def _best_of(func: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def _untar_cli(tarball: Path) -> None:
    with open("/dev/null", "wb") as devnull:
        subprocess.run(["tar", "-xzOf", str(tarball)], stdout=devnull, check=True)


def _untar_python(tarball: Path) -> int:
    nbytes = 0
    with tarfile.open(tarball, "r|gz") as tf:
        for ti in tf:
            if ti.isreg():
                nbytes += len(tf.extractfile(ti).read())
    return nbytes


def _xarray_attrs(directory: Path) -> int:
    import xarray as xr

    n = 0
    for member in sorted(directory.rglob("scnLv1_*_nc")):
        if member.stat().st_size == 0:
            continue
        with xr.open_dataset(member, engine="netcdf4") as ds:
            n += len(ds.attrs)
    return n


def benchmark_ingest(tarball: Path, repeats: int = 3) -> dict[str, float]:
    """Time untar, our ingest and xarray on the same day tarball, side by side.

    Parameters
    ----------
    tarball : pathlib.Path
        A scnLv1 day tarball (``.tar.gz``).
    repeats : int
        Runs per method; the minimum is reported.

    Returns
    -------
    dict of str to float
        ``untar_cli_s`` (``tar -xzOf`` to /dev/null), ``untar_python_s``
        (``tarfile`` stream mode reading every member), ``ours_s``
        (:func:`read_day_tarball`), ``extract_s`` (extracting to a temporary
        directory, once), ``xarray_s`` (``xarray.open_dataset`` with engine
        netcdf4 on every extracted member, reading its attributes), seconds;
        ``n_events``; and the ratios ``ours_over_untar`` (against the CLI,
        target <= 1.5), ``ours_over_untar_python`` and ``xarray_over_ours``
        (target >= 15).
    """
    tarball = Path(tarball)
    events, problems = read_day_tarball(tarball)  # warm the page cache and imports
    result: dict[str, float] = {"n_events": float(len(events)), "n_problems": float(len(problems))}
    result["untar_cli_s"] = _best_of(lambda: _untar_cli(tarball), repeats)
    result["untar_python_s"] = _best_of(lambda: _untar_python(tarball), repeats)
    result["ours_s"] = _best_of(lambda: read_day_tarball(tarball), repeats)
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        t0 = time.perf_counter()
        with tarfile.open(tarball, "r:gz") as tf:
            tf.extractall(tmp, filter="data")
        result["extract_s"] = time.perf_counter() - t0
        _xarray_attrs(tmp)  # import xarray/netCDF4 outside the timing
        result["xarray_s"] = _best_of(lambda: _xarray_attrs(tmp), repeats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["ours_over_untar"] = result["ours_s"] / result["untar_cli_s"]
    result["ours_over_untar_python"] = result["ours_s"] / result["untar_python_s"]
    result["xarray_over_ours"] = result["xarray_s"] / result["ours_s"]
    return result


# --- a realistic day tarball ------------------------------------------------------------

_LONG_NAMES = {
    "S4": ("float32", "1", "S4 index, L1 C/A"),
    "elevation": ("float64", "deg", "elevation angle of the LEO-GPS link"),
    "sqrt_I": ("float32", "1", "square root of the normalised L1 intensity"),
    "caL1_SNR": ("float32", "V/V", "L1 C/A signal-to-noise ratio"),
    "x_LEO": ("float64", "km", "LEO position x (ECF)"),
    "y_LEO": ("float64", "km", "LEO position y (ECF)"),
    "z_LEO": ("float64", "km", "LEO position z (ECF)"),
    "x_GPS": ("float64", "km", "GPS position x (ECF)"),
    "y_GPS": ("float64", "km", "GPS position y (ECF)"),
    "z_GPS": ("float64", "km", "GPS position z (ECF)"),
}


def _write_member(path: Path, rng: np.random.Generator, i: int, n_samples: int) -> None:
    import netCDF4

    minute_of_day = (i * 1440) // 1500
    hour, minute = divmod(minute_of_day, 60)
    start = 851_731_200.0 + 60.0 * minute_of_day  # GPS seconds, 2007-01-02
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("time", n_samples)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = "GPS seconds"
        t[:] = start + np.arange(n_samples)
        phase = rng.uniform(0, 2 * np.pi)
        s = np.linspace(0, 1, n_samples)
        series = {
            "S4": np.abs(rng.normal(0.1, 0.05, n_samples)),
            "elevation": -5.0 + 25.0 * s + rng.normal(0, 1e-3, n_samples),
            "sqrt_I": 1.0 + rng.normal(0, 0.05, n_samples),
            "caL1_SNR": 300.0 + rng.normal(0, 20, n_samples),
            "x_LEO": 7000.0 * np.cos(phase + 0.06 * s),
            "y_LEO": 7000.0 * np.sin(phase + 0.06 * s),
            "z_LEO": 500.0 * s + rng.normal(0, 1e-3, n_samples),
            "x_GPS": 26000.0 * np.cos(-phase + 0.01 * s),
            "y_GPS": 26000.0 * np.sin(-phase + 0.01 * s),
            "z_GPS": 1000.0 * s,
        }
        for name, (dtype, units, long_name) in _LONG_NAMES.items():
            v = ds.createVariable(name, dtype, ("time",), fill_value=-999.0)
            v.units = units
            v.long_name = long_name
            v[:] = series[name]
        attrs = {
            "processing_center": "UCAR/CDAAC",
            "creation_time": "25-JUN-14 18:46",
            "mission": "COSMIC",
            "dump_id": "2007.002.002.01",
            "leo_id": np.int32(1 + i % 6),
            "antenna_id": np.int32(i % 4),
            "prn_id": np.int32(1 + i % 32),
            "start_time": start,
            "stop_time": start + n_samples - 1.0,
            "year": np.int32(2007),
            "month": np.int32(1),
            "day": np.int32(2),
            "hour": np.int32(hour),
            "minute": np.int32(minute),
            "second": np.float32(rng.integers(0, 60)),
            "duration": float(n_samples),
        }
        for stem in ("s4max", "s4max9sec"):
            attrs[stem] = float(rng.gamma(2.0, 0.2))
        # Filler attributes so the count matches the real file (42 global attributes).
        for where in ("_s4max", "tp_s4max", "_start", "_stop"):
            attrs[f"alt{where}"] = float(rng.uniform(80, 850))
            attrs[f"lat{where}"] = float(rng.uniform(-90, 90))
            attrs[f"lon{where}"] = float(rng.uniform(-180, 180))
            attrs[f"lct{where}"] = float(rng.uniform(0, 24))
        attrs["elev_s4max"] = float(rng.uniform(-10, 0))
        attrs["s4min"] = float(rng.uniform(0, 0.1))
        attrs["s4mean"] = float(rng.uniform(0, 0.3))
        attrs["s4std"] = float(rng.uniform(0, 0.1))
        attrs["npts"] = np.int32(n_samples)
        attrs["gps_week"] = np.int32(1408)
        attrs["fiducial_id"] = "    "
        attrs["version"] = "2013.3520"
        ds.setncatts(attrs)


def build_benchmark_tarball(
    path: Path, n_members: int = 1500, n_samples: int = 141, seed: int = 0
) -> Path:
    """Write a realistic scnLv1 day tarball for benchmarking (not for science).

    Parameters
    ----------
    path : pathlib.Path
        Output ``.tar.gz``.
    n_members : int
        Number of arcs (a real day has about 1,300-1,500).
    n_samples : int
        1 Hz samples per arc (141 in the real file we have the description of).
    seed : int
        Random seed.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    rng = np.random.default_rng(seed)
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        names = []
        for i in range(n_members):
            minute_of_day = (i * 1440) // 1500
            name = (
                f"scnLv1_C00{1 + i % 6}.2007.002.{minute_of_day // 60:02d}."
                f"{minute_of_day % 60:02d}.{1 + i % 30:04d}.G{1 + i % 32:02d}."
                f"{i % 4:02d}_2013.3520_nc"
            )
            _write_member(Path(tmp) / name, rng, i, n_samples)
            names.append(name)
        # Real day tarballs are made with GNU tar and gzip -6; use them when present.
        if shutil.which("tar") and shutil.which("gzip"):
            list_file = Path(tmp) / "members.txt"
            list_file.write_text("\n".join(names) + "\n")
            subprocess.run(
                ["tar", "--format=gnu", "-czf", str(path.resolve()), "-T", str(list_file)],
                cwd=tmp,
                check=True,
            )
        else:
            with tarfile.open(path, "w:gz", compresslevel=6, format=tarfile.GNU_FORMAT) as tf:
                for name in names:
                    tf.add(Path(tmp) / name, arcname=name)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, nargs="?", help="scnLv1 day tarball")
    parser.add_argument("--build", type=Path, help="write a realistic tarball here first")
    parser.add_argument("--members", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    tarball = args.tarball
    if args.build is not None:
        tarball = build_benchmark_tarball(args.build, n_members=args.members)
    if tarball is None:
        parser.error("give a tarball or --build PATH")
    print_report(tarball, benchmark_ingest(tarball, repeats=args.repeats))
    return 0


def print_report(tarball: Path, r: dict) -> None:
    """Print the timings and ratios returned by :func:`benchmark_ingest`."""
    size = Path(tarball).stat().st_size / 1e6
    print(f"{tarball} ({size:.1f} MB, {r['n_events']:.0f} events)")
    for key in ("untar_cli_s", "untar_python_s", "ours_s", "extract_s", "xarray_s"):
        print(f"  {key:16s} {r[key]:8.3f} s")
    print(f"  ours / untar (tar -xzOf)   = {r['ours_over_untar']:.2f}  (target <= 1.5)")
    print(f"  ours / untar (tarfile)     = {r['ours_over_untar_python']:.2f}")
    print(f"  xarray / ours              = {r['xarray_over_ours']:.1f}  (target >= 15)")


if __name__ == "__main__":
    sys.exit(main())
