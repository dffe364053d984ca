#!/usr/bin/env python3
"""Peak memory and wall time of the model rules against what they request (issue 12).

    nice -n 10 .venv/bin/python tools/benchmark_model_resources.py                # 5 grids, ~15 min
    .venv/bin/python tools/benchmark_model_resources.py --grids 5x10 2.5x5        # smaller
    .venv/bin/python tools/benchmark_model_resources.py --grids 2x2.5:4 --root /tmp/mr
    .venv/bin/python tools/benchmark_model_resources.py --root /tmp/mr   # reprint, no rerun

For each grid ``LATxLON[:MONTHS][/DLNP]`` (degrees; the synthetic WACCM generator's
``model.synthetic.lat_step_deg`` / ``lon_step_deg``; MONTHS monthly means, 12 if not
given; DLNP its ``dlnp_upper``, which sets the levels: 87 by default, 70 with 0.26,
so ``1.875x2.5/0.26`` is WACCM's f19 grid, 96 x 144 x 70) it writes the synthetic history files once, then runs every model
step as its own process, the way its rule does (``model_synthetic_history``,
``model_state``, ``model_drift``, ``model_tem``, ``fe_flux``, ``residual_drift``,
``--threads`` dask threads). Each process's peak resident memory is the kernel's
high-water mark (``os.wait4`` -> ``ru_maxrss``), its time the wall clock around it.
It prints, per step and grid:

* the grid points the request follows (:func:`estransport.steps.resources.model_grid`);
* the measured peak and the rule's request (:func:`estransport.steps.resources.model_resources`,
  with ``--safety-factor``, the schema default if not given) and their ratio;
* the wall time and the requested runtime;

and, per step, the covering lines ``peak <= a + b x Mpoints`` and
``wall <= c + d x Mpoints`` over the grids (least-squares slope, raised until no
measured point lies above): the figures behind ``MODEL_COSTS`` in
``estransport/steps/resources.py``. A site whose nodes differ reruns it and sets
``model.resources.safety_factor`` (config/README.md). Keep the largest grid below
the node's memory: at 2x2.5 degrees (90 x 144, f19-like, 597 MB of history)
``model_state`` peaked at 4.2 GB here.
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

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

# One step in a fresh interpreter, as a rule script runs it (imports included).
_STEP = r"""
import json, sys, logging
logging.disable(logging.WARNING)
from estransport.steps import RuleJob
from estransport.steps import model, transport
spec = json.loads(sys.argv[1])
getattr(model if spec["module"] == "model" else transport, spec["step"])(RuleJob(
    input=spec["input"], output=spec["output"], params=spec["params"], threads=spec["threads"]))
"""

_GENERATE = r"""
import json, sys, logging
logging.disable(logging.WARNING)
from estransport.steps.model import synthetic_waccm_parameters
from estransport.synthetic.waccm import write_synthetic_history
spec = json.loads(sys.argv[1])
p = synthetic_waccm_parameters(spec["synthetic"], spec["msis"], months=tuple(spec["months"]))
write_synthetic_history(spec["outdir"], p)
"""


def measure(code: str, spec: dict) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of ``python -c code json(spec)``; exits on failure."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-c", code, json.dumps(spec)], stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"failed: {spec}\n{err[-3000:]}")
    return usage.ru_maxrss / 1024.0, wall  # ru_maxrss is in KiB on Linux


def parse_grid(text: str) -> tuple[float, float, int, float | None]:
    """``LATxLON[:MONTHS][/DLNP_UPPER]`` -> (lat step, lon step, months, dlnp_upper or None)."""
    text, _, dlnp = text.partition("/")
    grid, _, months = text.partition(":")
    lat, lon = (float(v) for v in grid.split("x"))
    return lat, lon, int(months or 12), float(dlnp) if dlnp else None


def covering_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """a, b of the line y = a + b x with the least-squares slope (at least 0; 0 from a
    single size), raised until no point lies above it: the cost line of MODEL_COSTS."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    b = max(b, 0.0)
    return max(y - b * x for x, y in zip(xs, ys, strict=True)), b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--grids",
        nargs="+",
        default=["5x10", "2.5x5", "2x2.5", "2x2.5:4", "1.875x2.5/0.26"],
        help="LATxLON[:MONTHS][/DLNP] (default: 5x10 2.5x5 2x2.5 2x2.5:4 1.875x2.5/0.26)",
    )
    ap.add_argument("--threads", type=int, default=2, help="dask threads of each step (rules: 2)")
    ap.add_argument(
        "--safety-factor",
        type=float,
        default=None,
        help="model.resources.safety_factor (default: the schema's)",
    )
    ap.add_argument("--root", type=Path, default=None, help="work directory (default: a temp dir)")
    ap.add_argument(
        "--remeasure",
        action="store_true",
        help="measure again what <root>/measured.json already holds",
    )
    args = ap.parse_args()

    from estransport.config import load_config
    from estransport.steps import resources as res

    cfg = load_config(REPO / "config" / "config.yaml")
    model = cfg["model"]
    if args.safety_factor is not None:
        model["resources"]["safety_factor"] = args.safety_factor
    factor = model["resources"]["safety_factor"]
    root = args.root or Path(tempfile.mkdtemp(prefix="model_resources_"))
    print(f"work directory {root}; {args.threads} dask threads; safety factor {factor}", flush=True)

    # Measurements kept in the work directory: a rerun with the same --root reprints the
    # table against the current MODEL_COSTS without measuring again (--remeasure does).
    cache_file = root / "measured.json"
    cache = {} if args.remeasure or not cache_file.exists() else json.loads(cache_file.read_text())

    def measured(key: str, code: str, spec: dict) -> tuple[float, float]:
        if key not in cache:
            cache[key] = measure(code, spec)
            cache_file.write_text(json.dumps(cache, indent=1))
        return tuple(cache[key])

    rows = []  # (grid, step, grid, peak MB, wall s)
    for text in args.grids:
        lat, lon, months, dlnp = parse_grid(text)
        syn = {**model["synthetic"], "lat_step_deg": lat, "lon_step_deg": lon}
        if dlnp is not None:  # level spacing above 1 hPa: 0.26 gives WACCM's 70 levels
            syn["dlnp_upper"] = dlnp
        mcfg = {**model, "synthetic": syn}
        wd = root / text.replace(":", "_m").replace("/", "_d")
        hist = wd / "history"
        grid = res.model_grid(mcfg, [], months=months)
        peak, wall = measured(
            f"{text} model_synthetic_history",
            _GENERATE,
            {
                "synthetic": syn,
                "msis": model["msis"],
                "months": list(range(1, months + 1)),
                "outdir": str(hist),
            },
        )
        rows.append((text, "model_synthetic_history", grid, peak, wall))
        files = sorted(str(p) for p in hist.glob("*.cam.h*.nc"))
        mb = sum(os.path.getsize(f) for f in files) / 1e6
        print(
            f"\n[{text}] {grid.n_lat} x {grid.n_lon} x {grid.n_lev} levels, {grid.n_records} "
            f"records, {mb:.0f} MB of history",
            flush=True,
        )
        state, drift, tem = str(wd / "state.nc"), str(wd / "drift.nc"), str(wd / "tem.nc")
        steps = [
            ("model", "model_state", {"history": files}, {"state": state}, {"model": model}),
            ("model", "model_drift", {"state": state}, {"drift": drift}, {"model": model}),
            ("model", "model_tem", {"history": files}, {"tem": tem}, {"model": model}),
            (
                "transport",
                "fe_flux",
                {"state": state, "drift": drift},
                {"flux": str(wd / "flux.nc")},
                {"level_km": cfg["transport"]["flux"]["level_km"]},
            ),
            (
                "transport",
                "residual_drift",
                {"tem": tem, "state": state, "drift": drift},
                {"residual": str(wd / "residual.nc")},
                {"residual_drift": cfg["transport"]["residual_drift"]},
            ),
        ]
        for module, step, inp, out, params in steps:
            peak, wall = measured(
                f"{text} {step}",
                _STEP,
                {
                    "module": module,
                    "step": step,
                    "input": inp,
                    "output": out,
                    "params": params,
                    "threads": args.threads,
                },
            )
            rows.append((text, step, grid, peak, wall))
            print(f"  {step}: {peak:.0f} MB, {wall:.1f} s", flush=True)

    print(
        "\n| grid | step | Mpoints (memory) | Mpoints (time) | peak MB | request MB "
        "| request/peak | wall s | runtime min |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    by_step: dict[str, list[tuple[float, float, float, float]]] = {}
    for text, step, grid, peak, wall in rows:
        req = res.model_resources(model, step, grid=grid)
        xm = res.step_points(step, grid, memory=True) / 1e6
        xt = res.step_points(step, grid) / 1e6
        by_step.setdefault(step, []).append((xm, xt, peak, wall))
        print(
            f"| {text} | {step} | {xm:.2f} | {xt:.2f} | {peak:.0f} | {req['mem_mb']} | "
            f"{req['mem_mb'] / peak:.2f} | {wall:.1f} | {req['runtime']} |"
        )
    print(
        "\ncovering lines over the grids (least-squares slope, raised to the highest point;"
        "\nMpoints: the points each step's cost follows; compare MODEL_COSTS):"
    )
    for step, pts in by_step.items():
        a, b = covering_line([p[0] for p in pts], [p[2] for p in pts])
        c, d = covering_line([p[1] for p in pts], [p[3] for p in pts])
        cost = res.MODEL_COSTS[step]
        print(
            f"  {step}: peak <= {a:.0f} MB + {b:.0f} MB/Mpoint "
            f"(MODEL_COSTS {cost.mb:.0f} + {cost.mb_per_mpoint:.0f}); "
            f"wall <= {c:.1f} s + {d:.2f} s/Mpoint "
            f"(MODEL_COSTS {cost.s:.0f} + {cost.s_per_mpoint:.1f})"
        )


if __name__ == "__main__":
    main()
