"""Superposed-epoch analysis of an hourly ionosonde series around cloud arrivals, with a Monte-Carlo test.

For each epoch t_e (a track's arrival below the Es-height level, moved to the
first whole hour at or after it, so that lag 0 is the first hourly value after
the arrival) and lag L (hours), the anomaly is

    a_e(L) = x(t_e + L) - mean over the baseline lags of x(t_e + L')

(each epoch relative to its own hours before the arrival, which removes the
day-to-day level). The composite is the mean of a_e(L) over the epochs (NaN
values skipped). The response statistic R is the mean of the composite over the
response lags.

**Significance.** The same is computed for ``n_random`` sets of random epochs:
each real epoch moved by a random whole number of days (keeping its hour of the
day, so the diurnal cycle of the series is the same as for the real epochs)
within ``random_window_days`` of it and at least one day away from every real
epoch. The p value is (1 + #{R_random >= R}) / (1 + n_random) for
``alternative="greater"`` (a rise), with |R| for ``"two-sided"``; the band is
the central ``1 - alpha`` range of the random composites at every lag. The
random generator is seeded, so the result is reproducible.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

_HOUR = np.timedelta64(3600, "s")


@dataclass(frozen=True)
class EpochSettings:
    """Parameters of the superposed-epoch analysis (config ``lidar.es``).

    Attributes
    ----------
    lags_h : tuple of int
        First and last lag, hours (inclusive).
    baseline_h : tuple of int
        Lags averaged as each epoch's baseline, hours (inclusive).
    response_h : tuple of int
        Lags averaged into the response statistic, hours (inclusive).
    n_random : int
        Random epoch sets of the Monte-Carlo test.
    random_window_days : int
        Random epochs lie within this many days of the real ones.
    alpha : float
        Significance level (and 1 - the width of the random band).
    """

    lags_h: tuple[int, int]
    baseline_h: tuple[int, int]
    response_h: tuple[int, int]
    n_random: int
    random_window_days: int
    alpha: float


def hourly_series(times, values) -> pd.Series:
    """Values on a complete hourly UT grid (NaN where absent); times rounded to the hour."""
    s = pd.Series(np.asarray(values, float), index=pd.DatetimeIndex(times).round("h"))
    s = s[~s.index.duplicated(keep="first")].sort_index()
    if s.empty:
        return s
    full = pd.date_range(s.index[0], s.index[-1], freq="h")
    return s.reindex(full)


def epoch_matrix(
    series: pd.Series, epochs, settings: EpochSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Anomalies a_e(L) on (epoch, lag).

    Parameters
    ----------
    series : pandas.Series
        Hourly series (:func:`hourly_series`).
    epochs : array_like of datetime64
        Epoch times (moved to the next whole hour here).
    settings : EpochSettings

    Returns
    -------
    lags : numpy.ndarray
        Lags, hours.
    anomalies : numpy.ndarray
        (epoch, lag); NaN where the series has no value or the epoch has no baseline.
    """
    lags = np.arange(settings.lags_h[0], settings.lags_h[1] + 1)
    ep = pd.DatetimeIndex(np.asarray(epochs, "datetime64[ns]")).ceil("h")
    if series.empty or len(ep) == 0:
        return lags, np.full((len(ep), lags.size), np.nan)
    t0 = series.index[0].to_datetime64()
    vals = series.to_numpy(float)
    idx = ((ep.to_numpy()[:, None] - t0) / _HOUR).astype(int) + lags[None, :]
    ok = (idx >= 0) & (idx < vals.size)
    x = np.full(idx.shape, np.nan)
    x[ok] = vals[idx[ok]]
    base = (lags >= settings.baseline_h[0]) & (lags <= settings.baseline_h[1])
    with np.errstate(all="ignore"):
        nb = np.isfinite(x[:, base]).sum(axis=1)
        mean = np.where(nb > 0, np.nansum(x[:, base], axis=1) / np.maximum(nb, 1), np.nan)
    return lags, x - mean[:, None]


def _composite(anom: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        n = np.isfinite(anom).sum(axis=0)
        return np.where(n > 0, np.nansum(anom, axis=0) / np.maximum(n, 1), np.nan)


def _response(comp: np.ndarray, lags: np.ndarray, settings: EpochSettings) -> float:
    sel = (lags >= settings.response_h[0]) & (lags <= settings.response_h[1]) & np.isfinite(comp)
    return float(comp[sel].mean()) if sel.any() else float("nan")


def random_epochs(epochs, settings: EpochSettings, rng: np.random.Generator) -> np.ndarray:
    """One random epoch set: each epoch moved by whole days, away from every real epoch."""
    ep = np.asarray(epochs, "datetime64[ns]")
    real_days = ep.astype("datetime64[D]")
    out = np.empty_like(ep)
    w = settings.random_window_days
    for i, e in enumerate(ep):
        for _ in range(1000):
            shift = int(rng.integers(-w, w + 1))
            cand = e + np.timedelta64(shift, "D")
            if np.min(np.abs((cand.astype("datetime64[D]") - real_days).astype(int))) >= 2:
                break
        out[i] = cand
    return out


def superposed_epoch(
    times, values, epochs, settings: EpochSettings, *, alternative: str, seed: int
) -> tuple[pd.DataFrame, dict]:
    """Composite of a series around epochs and its Monte-Carlo significance.

    Parameters
    ----------
    times, values : array_like
        The (hourly) series, e.g. foEs in MHz at UT times.
    epochs : array_like of datetime64
        Epoch times.
    settings : EpochSettings
    alternative : {"greater", "two-sided"}
        Sense of the test.
    seed : int
        Seed of the random epochs.

    Returns
    -------
    composite : pandas.DataFrame
        ``lag_h``, ``composite``, ``n_epochs`` (with data at that lag),
        ``random_low``, ``random_high`` (the central 1 - alpha band of the random
        composites), ``random_median``.
    test : dict
        ``n_epochs``, ``statistic`` (R), ``p_value``, ``significant``,
        ``random_mean``, ``random_sd`` (of R over the random sets).
    """
    if alternative not in ("greater", "two-sided"):
        raise ValueError(f"alternative must be 'greater' or 'two-sided', not {alternative!r}")
    series = hourly_series(times, values)
    lags, anom = epoch_matrix(series, epochs, settings)
    comp = _composite(anom)
    stat = _response(comp, lags, settings)
    rng = np.random.default_rng([int(seed), 0x5EA])
    rand_comp = np.full((settings.n_random, lags.size), np.nan)
    rand_stat = np.full(settings.n_random, np.nan)
    n_ep = len(np.atleast_1d(epochs))
    if n_ep:
        for k in range(settings.n_random):
            _, a = epoch_matrix(series, random_epochs(epochs, settings, rng), settings)
            rand_comp[k] = _composite(a)
            rand_stat[k] = _response(rand_comp[k], lags, settings)
    finite = rand_stat[np.isfinite(rand_stat)]
    if np.isfinite(stat) and finite.size:
        exceed = finite >= stat if alternative == "greater" else np.abs(finite) >= abs(stat)
        p = float((1 + exceed.sum()) / (1 + finite.size))
    else:
        p = float("nan")
    q = 100.0 * np.array([settings.alpha / 2, 0.5, 1 - settings.alpha / 2])
    with warnings.catch_warnings():  # lags where no random set has data give NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, med, hi = (
            np.nanpercentile(rand_comp, q, axis=0) if n_ep else (np.full(lags.size, np.nan),) * 3
        )
    table = pd.DataFrame(
        {
            "lag_h": lags,
            "composite": comp,
            "n_epochs": np.isfinite(anom).sum(axis=0),
            "random_low": lo,
            "random_median": med,
            "random_high": hi,
        }
    )
    test = {
        "n_epochs": int(n_ep),
        "statistic": stat,
        "p_value": p,
        "significant": bool(np.isfinite(p) and p < settings.alpha),
        "random_mean": float(finite.mean()) if finite.size else float("nan"),
        "random_sd": float(finite.std(ddof=1)) if finite.size > 1 else float("nan"),
    }
    return table, test
