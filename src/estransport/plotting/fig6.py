"""Paper Fig. 6: latitude against summer-peak day of year, with the chain and all-station fits.

One small point per station-year, a box at each station's mean peak DOY with
its standard error as a horizontal bar, and one fit line per fit of the
configured estimator (the ``default`` rows of the regression table: each chain
and all stations) whose legend entry gives the drift (degrees/day and m/s), r
and p; when that estimator is not the paper's, the paper's all-station fit
(latitude on peak DOY) is drawn too, grey and dotted, for comparison. Latitude is drawn as the fits use it,
its absolute value (:mod:`estransport.ionosonde.regression`); with northern
stations only that is the latitude itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..ionosonde.regression import ALL_FIT
from .style import SINGLE_WIDTH_IN, apply_style, save_figure

#: Colours of the chain fits (in regression-table order); the all-station fit is black.
CHAIN_COLOURS = ("tab:blue", "tab:red", "tab:green", "tab:purple", "tab:brown")


def format_p(p: float) -> str:
    """A p value for a legend: ``p < 0.01`` below 0.01, else two significant digits."""
    if not np.isfinite(p):
        return "p = n/a"
    return "p < 0.01" if p < 0.01 else f"p = {p:.2g}"


#: Legend names of the estimators (docs/science.md §10).
ESTIMATOR_NAMES = {
    "paper": "the paper's fit, |lat| on mean peak DOY",
    "inverse": "mean peak DOY on |lat|",
    "eiv": "York/ODR fit with station SEs",
    "station_year": "|lat| on station-year peak DOY",
}


def fit_label(row: Mapping[str, Any]) -> str:
    """Legend text of one fit: slope +- SE in deg/day and m/s, r and p."""
    name = "all stations" if row["fit"] == ALL_FIT else f"{row['fit']} chain"
    if not row.get("default", True):
        name += f" ({ESTIMATOR_NAMES.get(row.get('estimator'), row.get('estimator'))})"
    return (
        f"{name}: {row['slope_deg_per_day']:.2f} ± {row['slope_se_deg_per_day']:.2f} °/day "
        f"({row['speed_m_per_s']:.2f} m/s), r = {row['r']:.2f}, {format_p(row['p_value'])}"
    )


def plot_fig6(
    peaks: pd.DataFrame,
    means: pd.DataFrame,
    reg: pd.DataFrame,
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    dpi: int,
) -> None:
    """Draw Fig. 6 from the analysis tables.

    Parameters
    ----------
    peaks : pandas.DataFrame
        ``peaks.csv`` (station-year ``peak_doy_local`` in days, ``lat_deg``, ``valid``).
    means : pandas.DataFrame
        ``station_means.csv`` (``mean_peak_doy``, ``se_peak_doy`` in days).
    reg : pandas.DataFrame
        ``regression.csv`` (one row per fit).
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    dpi : int
        Raster resolution.
    """
    apply_style()
    southern = bool((peaks["lat_deg"] < 0).any())
    if "default" in reg.columns:
        others = reg.loc[
            ~reg["default"].astype(bool) & (reg["fit"] == ALL_FIT) & (reg["estimator"] == "paper")
        ]
        reg = reg.loc[reg["default"].astype(bool)]
    else:
        others = reg.iloc[:0]
    chains = [f for f in reg["fit"] if f != ALL_FIT]
    colour = {c: CHAIN_COLOURS[i % len(CHAIN_COLOURS)] for i, c in enumerate(chains)}
    colour[ALL_FIT] = "black"

    fig, ax = plt.subplots(figsize=(2 * SINGLE_WIDTH_IN, 2 * SINGLE_WIDTH_IN * 0.72))
    ok = peaks.loc[peaks["valid"].astype(bool)]
    for chain in chains:
        sub = ok.loc[ok["chain"] == chain]
        ax.scatter(
            sub["peak_doy_local"],
            sub["lat_deg"].abs(),
            s=9,
            color=colour[chain],
            alpha=0.45,
            lw=0,
            label=f"{chain} station-years",
        )
        m = means.loc[means["chain"] == chain]
        ax.errorbar(
            m["mean_peak_doy"],
            m["lat_deg"].abs(),
            xerr=m["se_peak_doy"].fillna(0),
            fmt="s",
            ms=7,
            mfc="none",
            mec=colour[chain],
            mew=1.0,
            ecolor=colour[chain],
            elinewidth=1.0,
            capsize=2.5,
            label=f"{chain} station mean ± SE",
        )
        # alternate chains label above-left / below-right, clear of the error bars
        first = chains.index(chain) % 2 == 0
        for row in m.itertuples():
            ax.annotate(
                row.name,
                (row.mean_peak_doy, abs(row.lat_deg)),
                xytext=(-6, 9) if first else (6, -9),
                textcoords="offset points",
                ha="right" if first else "left",
                va="center",
                fontsize=6,
                color=colour[chain],
            )
    xs = np.concatenate(
        [ok["peak_doy_local"].to_numpy(float), means["mean_peak_doy"].to_numpy(float)]
    )
    xs = xs[np.isfinite(xs)]
    lo, hi = (xs.min() - 8, xs.max() + 8) if len(xs) else (91, 273)
    grid = np.linspace(lo, hi, 50)
    for row in reg.to_dict("records"):
        if not np.isfinite(row["slope_deg_per_day"]):
            continue
        ax.plot(
            grid,
            row["intercept_deg"] + row["slope_deg_per_day"] * grid,
            color=colour.get(row["fit"], "0.3"),
            ls="--" if row["fit"] == ALL_FIT else "-",
            lw=1.1,
            label=fit_label(row),
        )
    for row in others.to_dict("records"):
        if np.isfinite(row["slope_deg_per_day"]):
            ax.plot(
                grid,
                row["intercept_deg"] + row["slope_deg_per_day"] * grid,
                color="0.5",
                ls=":",
                lw=1.0,
                label=fit_label(row),
            )
    ax.set_xlim(lo, hi)
    ax.set_xlabel("summer-peak day of year")
    ax.set_ylabel("|latitude| (°; southern stations included)" if southern else "latitude (°N)")
    ax.set_title("Summer peak of foEs: latitude against day of year", loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, fontsize=6)
    save_figure(fig, png_path, extra_paths, dpi=dpi)
