"""Bias, spread, RMSE and interval coverage of an estimator over Monte Carlo seeds.

Generic: one row per seed with the estimate, the planted truth and (optionally) an
interval; the summary says how far off the estimate is on average (bias, with its
Monte Carlo standard error, so that a bias can be told from chance), how much it
scatters, and how often the interval holds the truth (coverage, with its binomial
standard error).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Columns of :func:`summarise`, in order.
SUMMARY_COLUMNS = [
    "n_seeds",
    "n_finite",
    "truth",
    "mean",
    "bias",
    "bias_mcse",
    "relative_bias",
    "relative_bias_mcse",
    "median_bias",
    "relative_median_bias",
    "sd",
    "iqr_sd",
    "rmse",
    "coverage",
    "coverage_mcse",
    "n_intervals",
    "mean_width",
    "median_width",
    "fraction_unbounded",
]


def coverage_se(p: float, n: int) -> float:
    """Binomial standard error of a coverage fraction ``p`` from ``n`` seeds."""
    return math.sqrt(max(p * (1 - p), 0.0) / n) if n > 0 else math.nan


def summarise(
    estimate: np.ndarray,
    truth: float | np.ndarray,
    low: np.ndarray | None = None,
    high: np.ndarray | None = None,
) -> dict[str, float]:
    """Summary statistics of one estimator over seeds.

    Parameters
    ----------
    estimate : numpy.ndarray
        One estimate per seed (NaN = the estimator gave none).
    truth : float or numpy.ndarray
        The planted value (per seed, or one for all).
    low, high : numpy.ndarray, optional
        Each seed's interval (ends may be infinite; NaN = none).

    Returns
    -------
    dict
        ``n_seeds``; ``n_finite`` (seeds with a finite estimate); ``truth`` (its mean);
        ``mean``; ``bias`` = mean(estimate - truth) with ``bias_mcse`` = sd/sqrt(n);
        ``relative_bias`` = mean((estimate - truth)/truth) and its ``relative_bias_mcse``;
        ``median_bias`` and ``relative_median_bias`` (median(estimate)/truth - 1 for one
        truth); ``sd`` (ddof 1); ``iqr_sd`` (interquartile range / 1.349, a spread that
        heavy tails do not dominate); ``rmse``; ``coverage`` (fraction of seeds with an
        interval whose ends hold the truth, ends included) with ``coverage_mcse``;
        ``n_intervals``; ``mean_width`` and ``median_width`` over finite intervals
        (``mean_width`` is inf when any interval is unbounded); ``fraction_unbounded``.
        Statistics of the estimate use the finite estimates only.
    """
    est = np.asarray(estimate, float)
    tru = np.broadcast_to(np.asarray(truth, float), est.shape)
    ok = np.isfinite(est)
    e, t = est[ok], tru[ok]
    n = int(ok.sum())
    out = {k: math.nan for k in SUMMARY_COLUMNS}
    out.update(n_seeds=len(est), n_finite=n, truth=float(np.mean(tru)) if len(tru) else math.nan)
    if n:
        err, rel = e - t, (e - t) / t
        out.update(
            mean=float(e.mean()),
            bias=float(err.mean()),
            relative_bias=float(rel.mean()),
            median_bias=float(np.median(err)),
            relative_median_bias=float(np.median(rel)),
            rmse=float(math.sqrt(np.mean(err**2))),
        )
        if n > 1:
            q1, q3 = np.quantile(e, [0.25, 0.75])
            out.update(
                sd=float(e.std(ddof=1)),
                iqr_sd=float((q3 - q1) / 1.349),
                bias_mcse=float(err.std(ddof=1) / math.sqrt(n)),
                relative_bias_mcse=float(rel.std(ddof=1) / math.sqrt(n)),
            )
    if low is not None and high is not None:
        lo = np.asarray(low, float)
        hi = np.asarray(high, float)
        has = ~(np.isnan(lo) | np.isnan(hi))
        m = int(has.sum())
        if m:
            cover = (lo[has] <= tru[has]) & (tru[has] <= hi[has])
            width = hi[has] - lo[has]
            finite = np.isfinite(width)
            p = float(cover.mean())
            out.update(
                coverage=p,
                coverage_mcse=coverage_se(p, m),
                n_intervals=m,
                mean_width=float(width.mean()) if finite.all() else math.inf,
                median_width=float(np.median(width)),
                fraction_unbounded=float((~finite).mean()),
            )
        else:
            out.update(n_intervals=0)
    return out


def summary_table(
    per_seed: pd.DataFrame,
    *,
    by: list[str],
    estimate: str,
    truth: str,
    intervals: dict[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """:func:`summarise` for every group of a per-seed table, and every interval kind.

    Parameters
    ----------
    per_seed : pandas.DataFrame
        One row per seed and group.
    by : list of str
        Grouping columns (e.g. configuration and estimator).
    estimate, truth : str
        Columns of the estimate and the planted truth.
    intervals : dict of str to (str, str), optional
        Interval kind -> (low column, high column); one output row per kind. Without
        intervals, one row per group with ``interval`` = "".

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``interval``, then :data:`SUMMARY_COLUMNS`.
    """
    rows = []
    kinds = intervals or {"": (None, None)}
    for key, grp in per_seed.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for kind, (lo, hi) in kinds.items():
            s = summarise(
                grp[estimate].to_numpy(),
                grp[truth].to_numpy(),
                grp[lo].to_numpy() if lo else None,
                grp[hi].to_numpy() if hi else None,
            )
            rows.append({**dict(zip(by, key, strict=True)), "interval": kind, **s})
    return pd.DataFrame(rows, columns=[*by, "interval", *SUMMARY_COLUMNS])


#: Columns of :func:`headline_summary`.
HEADLINE_COLUMNS = [
    "quantity",
    "resolution",
    "n_seeds",
    "truth",
    "mean",
    "sd",
    "bias",
    "relative_bias",
    "tolerance",
    "within_tolerance_fraction",
]


def headline_summary(per_seed: pd.DataFrame, truth: dict[tuple[str, str], float]) -> pd.DataFrame:
    """Spread of each headline number over seeds, its bias and a tolerance from the spread.

    The tolerance is |mean - truth| + 3 sd: a single run's value lies within it of the
    planted value in 99.7 % of runs for a normal spread (it includes the measured bias,
    so a number that is biased by construction, e.g. a median of skewed cell means, gets
    a tolerance that says so).

    Parameters
    ----------
    per_seed : pandas.DataFrame
        ``seed``, ``quantity``, ``resolution``, ``value``.
    truth : dict of (str, str) to float
        Planted (or ideal) value per (quantity, resolution).

    Returns
    -------
    pandas.DataFrame
        :data:`HEADLINE_COLUMNS`.
    """
    rows = []
    for (q, res), grp in per_seed.groupby(["quantity", "resolution"], sort=False):
        v = grp["value"].to_numpy(float)
        v = v[np.isfinite(v)]
        t = truth.get((q, res), math.nan)
        mean = float(v.mean()) if len(v) else math.nan
        sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
        tol = abs(mean - t) + 3 * sd if math.isfinite(t) else math.nan
        rows.append(
            {
                "quantity": q,
                "resolution": res,
                "n_seeds": len(v),
                "truth": t,
                "mean": mean,
                "sd": sd,
                "bias": mean - t,
                "relative_bias": (mean - t) / t if t else math.nan,
                "tolerance": tol,
                "within_tolerance_fraction": float(np.mean(np.abs(v - t) <= tol))
                if len(v)
                else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
