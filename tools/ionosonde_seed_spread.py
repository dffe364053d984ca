#!/usr/bin/env python3
"""Seed-to-seed spread of the ionosonde analysis on the planted truth (not a test).

The tolerances of the ionosonde tests come from here: for a configuration
(the default ``config/config.yaml``, or it with a test overlay from
``config/test/``), each seed's synthetic soundings go through the confidence
filter, the hourly reduction and the whole analysis without files in between
(:func:`estransport.synthetic.ionosonde.soundings_table`: the parsers read the
files back value for value, which tests/test_ionosonde_science.py checks), and
the script prints, over the seeds,

* per fit: the mean and standard deviation of the slope (deg/day) and its
  largest relative error from the planted slope;
* per station: the mean, standard deviation and largest absolute error of the
  station-mean summer-peak DOY about the planted one
  (:meth:`~estransport.synthetic.ionosonde.PlantedTruth.peak_doy`: the local DOY,
  comparable between hemispheres).

Run with ``.venv/bin/python tools/ionosonde_seed_spread.py [config/test/ionosonde.yaml]
[--seeds 50]`` (a few seconds per seed and station-year set; the bootstrap is
switched off, it does not change the fitted slope).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]


def _merge(base: dict, over: dict) -> dict:
    """Recursive update, as Snakemake merges ``--configfile`` overlays."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load(overlay: str | None) -> dict:
    """The validated configuration: config/config.yaml plus an optional overlay file."""
    from estransport.config import validate_config

    cfg = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    if overlay:
        cfg = _merge(cfg, yaml.safe_load(Path(overlay).read_text()) or {})
    return dict(validate_config(cfg))


def run_seed(cfg: dict, seed: int) -> dict[str, pd.DataFrame]:
    """The analysis of one seed's synthetic soundings (no bootstrap)."""
    from estransport.ionosonde.analysis import analyse
    from estransport.ionosonde.hourly import hourly_from_table
    from estransport.steps.ionosonde import ionosonde_plan, planted_truth
    from estransport.synthetic.ionosonde import simulate_station_year, soundings_table

    iono = cfg["ionosonde"]
    plan = ionosonde_plan(iono, REPO)
    truth = planted_truth(iono["synthetic"])
    hourly = {}
    for code, st in plan.stations.items():
        tables = [
            soundings_table(simulate_station_year(st, y, seed=seed, truth=truth), st)
            for y in plan.station_years[code]
        ]
        hourly[code] = hourly_from_table(
            pd.concat(tables, ignore_index=True),
            confidence_filter=iono["confidence_filter"],
            min_confidence=iono["min_confidence"],
            keep_unknown_confidence=iono["keep_unknown_confidence"],
            **iono["hourly"],
        )
    a = {**iono["analysis"], "bootstrap_samples": 0}
    return analyse(hourly, list(plan.stations.values()), plan.station_years, **a, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overlay", nargs="?", help="a config/test/*.yaml overlay")
    parser.add_argument("--seeds", type=int, default=50, help="number of seeds (1..N)")
    args = parser.parse_args(argv)
    from estransport.steps.ionosonde import planted_truth

    cfg = load(args.overlay)
    truth = planted_truth(cfg["ionosonde"]["synthetic"])
    slopes, peaks = [], []
    for seed in range(1, args.seeds + 1):
        res = run_seed(cfg, seed)
        reg = res["regression"]
        reg = reg.loc[reg["default"]]  # the configured estimator (the paper's rows follow)
        slopes.append(reg.set_index("fit")["slope_deg_per_day"].rename(seed))
        m = res["means"].set_index("station")
        err = m["mean_peak_doy"] - np.array([truth.peak_doy(lat) for lat in m["lat_deg"]])
        peaks.append(err.rename(seed))
        print(
            f"seed {seed}: " + ", ".join(f"{k} {v:.4f}" for k, v in slopes[-1].items()),
            file=sys.stderr,
        )
    s = pd.concat(slopes, axis=1)
    planted = truth.slope_deg_per_day
    print(f"slope (deg/day) over {args.seeds} seeds, planted {planted}:")
    for fit, row in s.iterrows():
        print(
            f"  {fit:>10}: mean {row.mean():.4f}  SD {row.std(ddof=1):.4f}  "
            f"max |rel. error| {np.nanmax(np.abs(row / planted - 1)):.4f}"
        )
    e = pd.concat(peaks, axis=1)
    print("station-mean peak DOY minus planted (days):")
    for code, row in e.iterrows():
        print(
            f"  {code:>12}: mean {row.mean():+.3f}  SD {row.std(ddof=1):.3f}  "
            f"max |error| {np.nanmax(np.abs(row)):.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
