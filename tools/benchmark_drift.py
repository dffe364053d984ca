"""Benchmark of the Fe+ drift on a WACCM-sized grid (issue 4; prints figures, not a test).

Two variants, each run in its own subprocess so that its peak memory is its own:

* ``monthly``: 12 months x 71 altitudes x 96 latitudes x 144 longitudes (WACCM
  1.9 x 2.5 degrees), in memory: IGRF-14 on the grid, collision frequency,
  r_i and every drift part (U, V, W, E x B, Pedersen) plus totals, through
  :func:`estransport.model.drift.compute_drift`. Target: under 30 s.
* ``sixhourly``: the same grid every 6 hours for ``--days`` days (default 31:
  124 steps), through dask. The nine 4-D float32 input fields (U, V, W,
  n_N2, n_O2, n_O, E_east, E_north, E_up) are generated lazily, chunk by
  chunk, and total more than 4 GB (4.4 GB for 31 days); every drift part is
  reduced to zonal means per day (what the figures use), so nothing of full
  size is ever held. Target: peak resident memory under 4 GB.

Usage::

    python tools/benchmark_drift.py                 # both variants
    python tools/benchmark_drift.py --variant monthly
    python tools/benchmark_drift.py --variant sixhourly --days 31 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

NLAT, NLON, NALT = 96, 144, 71


def _grid():
    lat = np.linspace(-90, 90, NLAT)
    lon = np.arange(NLON) * 2.5
    alt = np.linspace(80.0, 150.0, NALT)
    return lat, lon, alt


def _profile(alt, scale_km, n100):
    return n100 * np.exp(-(alt - 100.0) / scale_km)


def _drift_options() -> dict:
    """compute_drift's keyword arguments: the schema defaults of ``model.drift``, IGRF in July 2008."""
    import datetime as dt

    from estransport.config import validate_config

    drift = validate_config({})["model"]["drift"]
    return {
        "igrf_date": dt.date(2008, 7, 1),
        "momentum_transfer": drift["momentum_transfer"],
        "project_E": drift["project_E"],
        "use_E": drift["electric_field"],
    }


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # kB on Linux


def run_monthly(workers: int) -> dict:
    import dask
    import xarray as xr

    from estransport.model.drift import compute_drift

    dask.config.set(scheduler="threads", num_workers=workers)
    lat, lon, alt = _grid()
    rng = np.random.default_rng(1)
    shape = (12, NALT, NLAT, NLON)
    dims = ("time", "altitude", "lat", "lon")
    t0 = time.perf_counter()
    data = {
        k: (dims, rng.normal(0, s, shape).astype("float32"))
        for k, s in (("U", 30), ("V", 10), ("W", 0.05))
    }
    for k, h, n in (("n_N2", 6.5, 5e18), ("n_O2", 6.0, 1.2e18), ("n_O", 9.0, 4e17)):
        prof = _profile(alt, h, n)[None, :, None, None]
        data[k] = (dims, (prof * (1 + 0.05 * rng.standard_normal(shape))).astype("float32"))
    for k in ("E_east", "E_north", "E_up"):
        data[k] = (dims, rng.normal(0, 1e-3, shape).astype("float32"))
    import cftime

    times = [cftime.DatetimeNoLeap(2008, m, 16) for m in range(1, 13)]
    state = xr.Dataset(data, coords={"time": times, "altitude": alt, "lat": lat, "lon": lon})
    t_inputs = time.perf_counter() - t0

    t0 = time.perf_counter()
    drift = compute_drift(state, **_drift_options())  # numpy-backed: computed here
    t_drift = time.perf_counter() - t0
    t0 = time.perf_counter()
    drift = drift.compute()
    t_compute = time.perf_counter() - t0
    n_out = sum(v.size for v in drift.data_vars.values())
    return {
        "variant": "monthly",
        "grid": f"12 x {NALT} x {NLAT} x {NLON} = {12 * NALT * NLAT * NLON:,} points",
        "input_GB": sum(v[1].nbytes for v in data.values()) / 1e9,
        "make_inputs_s": t_inputs,
        "drift_s": t_drift + t_compute,
        "output_values": n_out,
        "peak_rss_GB": _peak_rss_gb(),
    }


def run_sixhourly(days: int, workers: int, steps_per_chunk: int) -> dict:
    import dask
    import dask.array as da
    import xarray as xr

    from estransport.model.drift import compute_drift

    dask.config.set(scheduler="threads", num_workers=workers)
    lat, lon, alt = _grid()
    nt = days * 4
    shape = (nt, NALT, NLAT, NLON)
    chunks = (steps_per_chunk, NALT, NLAT, NLON)
    dims = ("time", "altitude", "lat", "lon")
    rs = da.random.RandomState(2)
    data = {}
    for k, s in (("U", 30), ("V", 10), ("W", 0.05)):
        data[k] = (dims, rs.normal(0, s, size=shape, chunks=chunks).astype("float32"))
    for k, h, n in (("n_N2", 6.5, 5e18), ("n_O2", 6.0, 1.2e18), ("n_O", 9.0, 4e17)):
        prof = _profile(alt, h, n)[None, :, None, None].astype("float32")
        data[k] = (
            dims,
            (prof * (1 + 0.05 * rs.standard_normal(size=shape, chunks=chunks))).astype("float32"),
        )
    for k in ("E_east", "E_north", "E_up"):
        data[k] = (dims, rs.normal(0, 1e-3, size=shape, chunks=chunks).astype("float32"))
    import datetime as _dt

    import cftime

    base = cftime.DatetimeNoLeap(2008, 7, 1)
    times = [base + _dt.timedelta(hours=6 * i) for i in range(nt)]
    state = xr.Dataset(data, coords={"time": times, "altitude": alt, "lat": lat, "lon": lon})
    input_gb = sum(np.prod(shape) * 4 for _ in data) / 1e9

    t0 = time.perf_counter()
    drift = compute_drift(state, **_drift_options())
    # what the figures need: zonal means, here per day (4 six-hourly steps)
    reduced = drift[["u_ion", "v_ion", "w_ion", "r_i"]].mean("lon").coarsen(time=4).mean()
    t_graph = time.perf_counter() - t0
    t0 = time.perf_counter()
    reduced = reduced.compute()
    t_compute = time.perf_counter() - t0
    assert np.isfinite(reduced["v_ion"].values).all()
    return {
        "variant": "sixhourly",
        "grid": f"{nt} x {NALT} x {NLAT} x {NLON} = {nt * NALT * NLAT * NLON:,} points ({days} days, 6-hourly)",
        "input_GB": input_gb,
        "chunk_MB": np.prod(chunks) * 4 / 1e6,
        "build_graph_s": t_graph,
        "compute_s": t_compute,
        "points_per_s": nt * NALT * NLAT * NLON / t_compute,
        "peak_rss_GB": _peak_rss_gb(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--variant", choices=["monthly", "sixhourly", "both"], default="both")
    ap.add_argument(
        "--days",
        type=int,
        default=31,
        help="days of the 6-hourly variant (default 31: 4.4 GB input)",
    )
    ap.add_argument("--workers", type=int, default=2, help="dask threads (default 2)")
    ap.add_argument("--steps-per-chunk", type=int, default=1, help="time steps per dask chunk")
    ap.add_argument("--json", action="store_true", help="print one JSON line per variant")
    args = ap.parse_args(argv)

    if args.variant == "both":
        for v in ("monthly", "sixhourly"):
            cmd = [
                sys.executable,
                __file__,
                "--variant",
                v,
                "--days",
                str(args.days),
                "--workers",
                str(args.workers),
                "--steps-per-chunk",
                str(args.steps_per_chunk),
            ] + (["--json"] if args.json else [])
            rc = subprocess.call(cmd, env={**os.environ})
            if rc:
                return rc
        return 0
    if args.variant == "monthly":
        res = run_monthly(args.workers)
        target = ("drift_s", 30.0, "s")
    else:
        res = run_sixhourly(args.days, args.workers, args.steps_per_chunk)
        target = ("peak_rss_GB", 4.0, "GB")
    res["target"] = (
        f"{target[0]} < {target[1]} {target[2]}: {'met' if res[target[0]] < target[1] else 'NOT met'}"
    )
    if args.json:
        print(json.dumps(res))
    else:
        print(f"== {res.pop('variant')} ==")
        for k, v in res.items():
            print(f"  {k:15s} {v:.3g}" if isinstance(v, float) else f"  {k:15s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
