"""Validation figure: each estimator's estimates against the planted truth over Monte Carlo seeds.

One panel per estimator, log-log: for every planted slope of one variant, one dot per seed
(spread sideways a little so that the seeds can be seen), its interval as a thin vertical
line (grey if it holds the planted value, red if not; an interval without an upper end runs
to the top of the panel), the 1:1 line, and per slope the mean bias and the coverage.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import FULL_WIDTH_IN, apply_style, save_figure

#: Titles of the estimators (docs/science.md §10).
ESTIMATOR_TITLES = {
    "paper": "paper: |lat| on station-mean peak DOY",
    "inverse": "inverse: station-mean peak DOY on |lat|",
    "eiv": "EIV: York/ODR line with station SEs",
    "station_year": "|lat| on station-year peak DOY",
}


def plot_ionosonde_validation(
    per_seed: pd.DataFrame,
    summary: pd.DataFrame,
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    variant: str,
    estimators: Sequence[str],
    interval: str,
    default_estimator: str,
    dpi: int,
) -> None:
    """Draw the ionosonde validation figure.

    Parameters
    ----------
    per_seed : pandas.DataFrame
        Monte Carlo per-seed table (``estransport.validation.ionosonde_mc``), drift in
        degrees/day.
    summary : pandas.DataFrame
        Its summary (``relative_bias``, ``coverage`` per configuration, estimator and
        interval kind).
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    variant : str
        Variant whose configurations are drawn (e.g. ``"default"``).
    estimators : sequence of str
        One panel each, in order.
    interval : {"analytic", "bootstrap"}
        Interval kind drawn.
    default_estimator : str
        Marked "(default)" in its panel title.
    dpi : int
        Raster resolution.
    """
    apply_style()
    data = per_seed.loc[per_seed["variant"] == variant]
    slopes = np.sort(data["planted_deg_per_day"].unique())
    lo_col, hi_col = f"{interval}_low_deg_per_day", f"{interval}_high_deg_per_day"
    ncol = 2
    nrow = int(np.ceil(len(estimators) / ncol))
    fig, axes = plt.subplots(
        nrow,
        ncol,
        figsize=(FULL_WIDTH_IN, 0.8 * FULL_WIDTH_IN * nrow / 2),
        squeeze=False,
        sharex=True,
        sharey=True,
    )
    ymin, ymax = slopes.min() / 4, slopes.max() * 4
    for ax, name in zip(axes.flat, estimators, strict=False):
        sub = data.loc[data["estimator"] == name]
        for s in slopes:
            d = sub.loc[sub["planted_deg_per_day"] == s].sort_values("seed")
            n = len(d)
            x = s * np.exp(np.linspace(-0.12, 0.12, n)) if n > 1 else np.full(n, s)
            est = d["drift_deg_per_day"].to_numpy(float)
            lo = d[lo_col].to_numpy(float)
            hi = d[hi_col].to_numpy(float)
            covers = (lo <= s) & (s <= hi)
            top = np.where(np.isfinite(hi), hi, ymax)
            bottom = np.where(np.isfinite(lo) & (lo > 0), lo, ymin)
            has = ~(np.isnan(lo) | np.isnan(hi))
            for ok, colour in ((True, "0.6"), (False, "tab:red")):
                m = has & (covers == ok)
                ax.vlines(
                    x[m], bottom[m], top[m], colors=colour, linewidth=0.3, alpha=0.5 if ok else 0.8
                )
            ax.plot(x, np.clip(est, ymin, ymax), ".", ms=1.5, color="black")
            row = summary.loc[
                (summary["variant"] == variant)
                & (summary["estimator"] == name)
                & (summary["planted_deg_per_day"] == s)
                & (summary["interval"] == interval)
            ]
            if len(row):
                r = row.iloc[0]
                ax.annotate(
                    f"{100 * r['relative_bias']:+.1f} %\n{100 * r['coverage']:.0f} %",
                    (s, ymin * 1.15),
                    ha="center",
                    va="bottom",
                    fontsize=6,
                )
        grid = np.array([ymin, ymax])
        ax.plot(grid, grid, "-", color="tab:blue", linewidth=0.8, label="1:1")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(slopes.min() / 1.6, slopes.max() * 1.6)
        ax.set_ylim(ymin, ymax)
        ax.set_xticks(slopes, [f"{s:g}" for s in slopes])
        ax.minorticks_off()
        title = ESTIMATOR_TITLES.get(name, name)
        if name == default_estimator:
            title += " (default)"
        ax.set_title(title, fontsize=8)
    for ax in axes[-1, :]:
        ax.set_xlabel("planted drift (°/day)")
    for ax in axes[:, 0]:
        ax.set_ylabel("estimate (°/day)")
    for ax in list(axes.flat)[len(estimators) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"Ionosonde drift over {data['seed'].nunique()} seeds ({variant} stations; "
        f"{interval} 95 % intervals: grey hold the planted value, red miss it; "
        "numbers: mean bias, coverage)",
        fontsize=7,
    )
    save_figure(fig, png_path, extra_paths, dpi=dpi)
