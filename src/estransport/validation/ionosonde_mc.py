"""Monte Carlo of the ionosonde drift estimate: bias, RMSE and coverage of every estimator.

One *configuration* is a station set, a number of years per station, a planted truth
(:class:`~estransport.synthetic.ionosonde.PlantedTruth`: slope, noise, gaps) and the
analysis choices. For each seed the synthetic soundings are drawn exactly as the
workflow's generator draws them and reduced to station-year summer peaks in memory
(:mod:`.ionosonde_shortcut`; no file round trip), then every estimator of
:mod:`estransport.ionosonde.estimators` is fitted to the same peaks, with its analytic
and its hierarchical-bootstrap interval. Seeds run in a process pool; every number of a
seed depends only on the seed (its generator streams and its bootstrap stream), never
on the order or the number of workers.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..ionosonde import estimators as est
from ..ionosonde.stations import Station
from ..synthetic.ionosonde import PlantedTruth
from . import ionosonde_shortcut as shortcut
from .metrics import summary_table

logger = logging.getLogger(__name__)

#: Columns of the per-seed table.
PER_SEED_COLUMNS = [
    "configuration",
    "variant",
    "planted_deg_per_day",
    "seed",
    "estimator",
    "drift_deg_per_day",
    "parameter",
    "parameter_value",
    "parameter_se",
    "n_stations",
    "n_points",
    "analytic_low_deg_per_day",
    "analytic_high_deg_per_day",
    "bootstrap_low_deg_per_day",
    "bootstrap_high_deg_per_day",
]
#: Interval kind -> (low, high) columns of the per-seed table.
INTERVAL_COLUMNS = {
    "analytic": ("analytic_low_deg_per_day", "analytic_high_deg_per_day"),
    "bootstrap": ("bootstrap_low_deg_per_day", "bootstrap_high_deg_per_day"),
}


@dataclass(frozen=True)
class McConfiguration:
    """One Monte Carlo configuration.

    Attributes
    ----------
    name : str
        Configuration label (``<variant>_s<slope>``).
    variant : str
        Name of the variant (station set, years, noise, gaps).
    stations : tuple of Station
        Station set.
    years : tuple of (str, tuple of int)
        Years of each station (code, years).
    truth : PlantedTruth
        Planted truth, including the slope (degrees/day).
    params : ReductionParams
        Hourly, daily, smoothing and peak choices.
    estimators : tuple of str
        Estimators to fit (:data:`estimators.ESTIMATORS`).
    bootstrap_samples : int
        Bootstrap replicates per estimator and seed (0 = no bootstrap interval).
    bootstrap_method : str
        :data:`estimators.BOOTSTRAP_METHODS`.
    ci_level : float
        Two-sided interval level (0-1).
    """

    name: str
    variant: str
    stations: tuple[Station, ...]
    years: tuple[tuple[str, tuple[int, ...]], ...]
    truth: PlantedTruth
    params: shortcut.ReductionParams
    estimators: tuple[str, ...]
    bootstrap_samples: int
    bootstrap_method: str
    ci_level: float


def make_configuration(
    *,
    variant: str,
    slope_deg_per_day: float,
    stations: Sequence[Station],
    years_per_chain: dict[str, Sequence[int]],
    n_years: int | None,
    truth: PlantedTruth,
    truth_overrides: dict | None,
    params: shortcut.ReductionParams,
    estimators: Sequence[str],
    bootstrap_samples: int,
    bootstrap_method: str,
    ci_level: float,
) -> McConfiguration:
    """Build one configuration from a base truth, a variant's changes and a slope.

    Parameters
    ----------
    variant : str
        Variant name.
    slope_deg_per_day : float
        Planted drift, degrees/day.
    stations : sequence of Station
        Station set of the variant.
    years_per_chain : dict of str to (int, int)
        [first, last] year per chain (``ionosonde.synthetic.years``); a chain not
        listed uses the station's registry years.
    n_years : int or None
        If given, each station uses ``n_years`` years from its chain's first year.
    truth : PlantedTruth
        Base planted truth (``ionosonde.synthetic``).
    truth_overrides : dict or None
        PlantedTruth fields the variant changes.
    params, estimators, bootstrap_samples, bootstrap_method, ci_level
        See :class:`McConfiguration`.

    Returns
    -------
    McConfiguration
    """
    t = replace(truth, **(truth_overrides or {}), slope_deg_per_day=float(slope_deg_per_day))
    years = []
    for st in stations:
        first, last = years_per_chain.get(st.chain, (st.first_year, st.last_year))
        if n_years is not None:
            last = first + int(n_years) - 1
        years.append((st.code, tuple(range(int(first), int(last) + 1))))
    return McConfiguration(
        name=configuration_name(variant, slope_deg_per_day),
        variant=variant,
        stations=tuple(stations),
        years=tuple(years),
        truth=t,
        params=params,
        estimators=tuple(estimators),
        bootstrap_samples=int(bootstrap_samples),
        bootstrap_method=bootstrap_method,
        ci_level=float(ci_level),
    )


def configuration_name(variant: str, slope_deg_per_day: float) -> str:
    """``<variant>_s<slope>``, the slope without a trailing ``.0`` (``default_s0.5``)."""
    return f"{variant}_s{float(slope_deg_per_day):g}"


def run_seed(cfg: McConfiguration, seed: int) -> list[dict]:
    """Every estimator with both intervals on one seed's synthetic data.

    Parameters
    ----------
    cfg : McConfiguration
    seed : int
        Seed of the synthetic generator; the bootstrap of estimator k uses
        ``numpy.random.default_rng([seed, k])``.

    Returns
    -------
    list of dict
        One row (:data:`PER_SEED_COLUMNS`) per estimator.
    """
    peaks = shortcut.seed_peaks(
        cfg.stations, dict(cfg.years), seed=seed, truth=cfg.truth, params=cfg.params
    )
    groups, lat = station_groups(peaks)
    rows = []
    for k, name in enumerate(cfg.estimators):
        e = est.estimate(name, groups, lat)
        a_lo = a_hi = b_lo = b_hi = math.nan
        if np.isfinite(e.parameter_value):
            _, _, a_lo, a_hi = est.analytic_interval(e, cfg.ci_level)
            if cfg.bootstrap_samples > 0:
                rng = np.random.default_rng([int(seed), k])
                _, _, b_lo, b_hi = est.bootstrap_interval(
                    name,
                    groups,
                    lat,
                    samples=cfg.bootstrap_samples,
                    level=cfg.ci_level,
                    rng=rng,
                    method=cfg.bootstrap_method,
                )
        rows.append(
            {
                "configuration": cfg.name,
                "variant": cfg.variant,
                "planted_deg_per_day": cfg.truth.slope_deg_per_day,
                "seed": int(seed),
                "estimator": name,
                "drift_deg_per_day": e.drift_deg_per_day,
                "parameter": e.parameter,
                "parameter_value": e.parameter_value,
                "parameter_se": e.parameter_se,
                "n_stations": e.n_stations,
                "n_points": e.n_points,
                "analytic_low_deg_per_day": a_lo,
                "analytic_high_deg_per_day": a_hi,
                "bootstrap_low_deg_per_day": b_lo,
                "bootstrap_high_deg_per_day": b_hi,
            }
        )
    return rows


def _run_chunk(args: tuple[McConfiguration, list[int]]) -> list[dict]:
    cfg, seeds = args
    out = []
    for s in seeds:
        out.extend(run_seed(cfg, s))
    return out


def run_configuration(
    cfg: McConfiguration, seeds: Sequence[int], *, workers: int = 1
) -> pd.DataFrame:
    """Run every seed of one configuration, in a process pool of ``workers``.

    Parameters
    ----------
    cfg : McConfiguration
    seeds : sequence of int
        Generator seeds.
    workers : int
        Processes (1 = in this process).

    Returns
    -------
    pandas.DataFrame
        :data:`PER_SEED_COLUMNS`, sorted by seed and estimator order (the same table
        whatever ``workers``).
    """
    seeds = [int(s) for s in seeds]
    t0 = time.perf_counter()
    if workers <= 1 or len(seeds) < 2:
        rows = _run_chunk((cfg, seeds))
    else:
        # a few chunks per worker: balanced, and the per-process grid cache is reused
        n_chunks = min(len(seeds), 4 * workers)
        chunks = [seeds[i::n_chunks] for i in range(n_chunks)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = [r for part in pool.map(_run_chunk, [(cfg, c) for c in chunks]) for r in part]
    table = pd.DataFrame(rows, columns=PER_SEED_COLUMNS)
    order = {name: i for i, name in enumerate(cfg.estimators)}
    table = (
        table.assign(_k=table["estimator"].map(order))
        .sort_values(["seed", "_k"], kind="stable")
        .drop(columns="_k")
        .reset_index(drop=True)
    )
    logger.info(
        "%s: %d seeds x %d estimators in %.1f s (%d workers)",
        cfg.name,
        len(seeds),
        len(cfg.estimators),
        time.perf_counter() - t0,
        workers,
    )
    return table


def summarise_per_seed(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Bias, RMSE, spread and coverage per configuration, estimator and interval kind.

    Parameters
    ----------
    per_seed : pandas.DataFrame
        :func:`run_configuration` tables (one or several configurations).

    Returns
    -------
    pandas.DataFrame
        ``configuration``, ``variant``, ``planted_deg_per_day``, ``estimator``,
        ``interval`` and :data:`metrics.SUMMARY_COLUMNS` (drift in degrees/day).
    """
    return summary_table(
        per_seed,
        by=["configuration", "variant", "planted_deg_per_day", "estimator"],
        estimate="drift_deg_per_day",
        truth="planted_deg_per_day",
        intervals=INTERVAL_COLUMNS,
    )


#: Columns of :func:`default_run_split`.
SPLIT_COLUMNS = [
    "estimator",
    "planted_deg_per_day",
    "estimate_deg_per_day",
    "relative_error",
    "analytic_low_deg_per_day",
    "analytic_high_deg_per_day",
    "analytic_covers",
    "bootstrap_low_deg_per_day",
    "bootstrap_high_deg_per_day",
    "bootstrap_covers",
    "configuration",
    "mc_seeds",
    "mc_relative_bias",
    "mc_relative_bias_mcse",
    "mc_relative_sd",
    "relative_chance",
    "chance_in_sd",
    "mc_fraction_further_off",
]


def station_groups(peaks: pd.DataFrame) -> tuple[list[np.ndarray], np.ndarray]:
    """Valid peak DOYs per station and the stations' latitudes, from a peaks table.

    Parameters
    ----------
    peaks : pandas.DataFrame
        ``station``, ``lat_deg``, ``peak_doy_local`` and ``valid`` columns (the
        workflow's ``peaks.csv`` or :func:`ionosonde_shortcut.seed_peaks`).

    Returns
    -------
    groups : list of numpy.ndarray
        Valid peak DOYs (days) of each station with at least one, in table order.
    lat : numpy.ndarray
        Their latitudes, degrees N.
    """
    valid = peaks.loc[peaks["valid"].astype(bool)]
    groups, lats = [], []
    for _code, grp in valid.groupby("station", sort=False):
        groups.append(grp["peak_doy_local"].to_numpy(float))
        lats.append(float(grp["lat_deg"].iloc[0]))
    return groups, np.asarray(lats)


def default_run_split(
    peaks: pd.DataFrame,
    per_seed: pd.DataFrame,
    *,
    planted_deg_per_day: float,
    configuration: str,
    estimators: Sequence[str],
    ci_level: float,
    bootstrap_samples: int,
    bootstrap_method: str,
    seed: int,
) -> pd.DataFrame:
    """How much of the default run's error is the estimator's bias and how much is chance.

    The default run is one realisation: its error (estimate / planted - 1) is the
    estimator's bias (the Monte Carlo mean error of the same configuration) plus a
    chance part. The chance part in units of the Monte Carlo spread, and the fraction
    of Monte Carlo seeds that are further off than the default run, say whether the
    run is unusual.

    Parameters
    ----------
    peaks : pandas.DataFrame
        The default run's ``peaks.csv``.
    per_seed : pandas.DataFrame
        Monte Carlo per-seed table (:func:`run_configuration`), any configurations.
    planted_deg_per_day : float
        The default run's planted slope (``ionosonde.synthetic.slope_deg_per_day``).
    configuration : str
        The Monte Carlo configuration that matches the default run (``default_s1``).
    estimators : sequence of str
        Estimators to fit to the default run.
    ci_level, bootstrap_samples, bootstrap_method, seed
        The default run's interval settings (``ionosonde.analysis``; ``seed``).

    Returns
    -------
    pandas.DataFrame
        One row per estimator, :data:`SPLIT_COLUMNS` (relative quantities are
        fractions of the planted slope).
    """
    groups, lat = station_groups(peaks)
    rows = []
    for k, name in enumerate(estimators):
        e = est.estimate(name, groups, lat)
        _, _, a_lo, a_hi = est.analytic_interval(e, ci_level)
        b_lo = b_hi = math.nan
        if bootstrap_samples > 0:
            _, _, b_lo, b_hi = est.bootstrap_interval(
                name,
                groups,
                lat,
                samples=bootstrap_samples,
                level=ci_level,
                rng=np.random.default_rng([int(seed), k]),
                method=bootstrap_method,
            )
        err = e.drift_deg_per_day / planted_deg_per_day - 1
        mc = per_seed.loc[
            (per_seed["configuration"] == configuration) & (per_seed["estimator"] == name),
            "drift_deg_per_day",
        ].to_numpy(float)
        mc = mc[np.isfinite(mc)] / planted_deg_per_day - 1
        n = len(mc)
        bias = float(mc.mean()) if n else math.nan
        sd = float(mc.std(ddof=1)) if n > 1 else math.nan
        rows.append(
            {
                "estimator": name,
                "planted_deg_per_day": planted_deg_per_day,
                "estimate_deg_per_day": e.drift_deg_per_day,
                "relative_error": err,
                "analytic_low_deg_per_day": a_lo,
                "analytic_high_deg_per_day": a_hi,
                "analytic_covers": bool(a_lo <= planted_deg_per_day <= a_hi),
                "bootstrap_low_deg_per_day": b_lo,
                "bootstrap_high_deg_per_day": b_hi,
                "bootstrap_covers": bool(b_lo <= planted_deg_per_day <= b_hi),
                "configuration": configuration,
                "mc_seeds": n,
                "mc_relative_bias": bias,
                "mc_relative_bias_mcse": sd / math.sqrt(n) if n > 1 else math.nan,
                "mc_relative_sd": sd,
                "relative_chance": err - bias,
                "chance_in_sd": (err - bias) / sd if n > 1 else math.nan,
                "mc_fraction_further_off": float(np.mean(np.abs(mc - bias) >= abs(err - bias)))
                if n
                else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=SPLIT_COLUMNS)
