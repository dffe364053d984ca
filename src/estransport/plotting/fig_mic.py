"""Figures of the second study (Chen et al. 2026; docs/science.md §9): metal ion clouds.

* :func:`plot_time_altitude` - lidar density against time and altitude for each
  night, with the detected clouds, the fitted tracks and the predicted
  trajectories;
* :func:`plot_descent_rates` - observed against predicted descent rate, with the
  1:1 line and error bars;
* :func:`plot_es_epoch` - superposed-epoch foEs and h'Es around the arrivals, with
  the random-epoch band.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.colors import LogNorm

from .style import FULL_WIDTH_IN, SINGLE_WIDTH_IN, apply_style, save_figure

#: m-3 -> cm-3.
_CM3 = 1.0e-6


def _hours_since(times, t0) -> np.ndarray:
    return (np.asarray(times, "datetime64[ns]") - np.datetime64(t0, "ns")) / np.timedelta64(1, "h")


def _nights(times: np.ndarray, gap_h: float = 6.0) -> list[np.ndarray]:
    """Index arrays of the profiles of each night (a gap > gap_h separates nights)."""
    if times.size == 0:
        return []
    gaps = np.nonzero(np.diff(times) / np.timedelta64(1, "h") > gap_h)[0]
    return np.split(np.arange(times.size), gaps + 1)


def plot_time_altitude(
    profiles: xr.Dataset,
    detections: pd.DataFrame,
    tracks: pd.DataFrame,
    trajectories: pd.DataFrame,
    png: str | os.PathLike,
    extra: Iterable[str | os.PathLike] = (),
    *,
    species: str,
    density_limits_cm3: Sequence[float],
    altitude_km: Mapping[str, float],
    base_km: float,
    arrival_km: float,
    dpi: int,
) -> None:
    """Time-altitude panels of the lidar density, one per night.

    Parameters
    ----------
    profiles : xarray.Dataset
        Canonical lidar layout (density in m-3).
    detections, tracks, trajectories : pandas.DataFrame
        Detections (with ``track_id``), track summaries and predicted
        trajectories (``track_id``, ``time``, ``altitude_km``).
    png, extra : path-like
        Outputs (PNG and further formats).
    species : str
        Label of the density.
    density_limits_cm3 : pair of float
        Logarithmic colour scale, cm-3.
    altitude_km : mapping
        ``min`` and ``max`` of the panels, km.
    base_km, arrival_km : float
        Detection base and Es arrival level, drawn as lines (km).
    dpi : int
    """
    apply_style()
    times = profiles["time"].values
    nights = _nights(times)
    n = max(len(nights), 1)
    ncols = min(3, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(FULL_WIDTH_IN, 2.2 * nrows + 0.7),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    norm = LogNorm(vmin=density_limits_cm3[0], vmax=density_limits_cm3[1])
    alt = profiles["altitude"].values
    dens = profiles["density"].values * _CM3
    mesh = None
    for k, idx in enumerate(nights):
        ax = axes.flat[k]
        t0 = pd.Timestamp(times[idx[0]]).floor("D")
        bnds = profiles["time_bnds"].values[idx]
        edges_t, data = _with_gaps(
            _hours_since(bnds[:, 0], t0),
            _hours_since(bnds[:, 1], t0),
            np.clip(dens[idx], density_limits_cm3[0], None),
        )
        edges_z = np.concatenate(
            [
                [alt[0] - 0.5 * (alt[1] - alt[0])],
                0.5 * (alt[1:] + alt[:-1]),
                [alt[-1] + 0.5 * (alt[-1] - alt[-2])],
            ]
        )
        mesh = ax.pcolormesh(
            edges_t, edges_z, data.T, norm=norm, cmap="viridis", shading="flat", rasterized=True
        )
        t_lo, t_hi = times[idx[0]], times[idx[-1]]
        d = detections[(detections["time"] >= t_lo) & (detections["time"] <= t_hi)]
        ax.plot(
            _hours_since(d["time"], t0),
            d["altitude_km"],
            ".",
            ms=1.5,
            color="white",
            alpha=0.7,
            label="detected clouds",
        )
        for tr in tracks[
            (tracks["first_time"] >= t_lo) & (tracks["first_time"] <= t_hi)
        ].itertuples():
            tt = _hours_since([tr.first_time, tr.last_time], t0)
            zz = tr.first_altitude_km - tr.descent_rate_km_per_h * (tt - tt[0])
            ax.plot(tt, zz, "-", lw=1.2, color="tab:red", label="fitted track")
            p = trajectories[trajectories["track_id"] == tr.track_id]
            ax.plot(
                _hours_since(p["time"], t0),
                p["altitude_km"],
                "--",
                lw=1.0,
                color="tab:orange",
                label="predicted trajectory",
            )
        for level, style in ((base_km, ":"), (arrival_km, "-.")):
            ax.axhline(level, color="0.85", lw=0.6, ls=style)
        ax.set_ylim(altitude_km["min"], altitude_km["max"])
        ax.set_title(f"night of {t0:%d %b %Y}", fontsize=8)
        if k % ncols == 0:
            ax.set_ylabel("altitude (km)")
    for ax in list(axes.flat)[len(nights) :]:
        ax.set_visible(False)
    fig.supxlabel("UT (hours from 00 UT of the night's date)", fontsize=8)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    uniq = dict(zip(labels, handles, strict=True))
    if uniq:
        fig.legend(uniq.values(), uniq.keys(), loc="outside upper center", ncol=3, frameon=False)
    if mesh is not None:
        cb = fig.colorbar(mesh, ax=list(axes.flat), shrink=0.85, pad=0.01)
        cb.set_label(f"{species} density (cm$^{{-3}}$)")
    save_figure(fig, png, extra, dpi=dpi)


def _with_gaps(start_h: np.ndarray, end_h: np.ndarray, data: np.ndarray):
    """Cell edges in time and the data with a masked column for every gap between profiles."""
    edges, cols = [start_h[0]], []
    for i in range(start_h.size):
        if i and start_h[i] > end_h[i - 1] + 1e-6:
            edges.append(start_h[i])
            cols.append(np.full(data.shape[1], np.nan))
        edges.append(end_h[i])
        cols.append(data[i])
    return np.asarray(edges), np.ma.masked_invalid(np.asarray(cols))


def plot_descent_rates(
    comparison: pd.DataFrame,
    png: str | os.PathLike,
    extra: Iterable[str | os.PathLike] = (),
    *,
    dpi: int,
) -> None:
    """Observed against predicted descent rate of every track, with the 1:1 line.

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`estransport.lidar.prediction.predict_tracks` comparison table.
    png, extra : path-like
    dpi : int
    """
    apply_style()
    fig, ax = plt.subplots(figsize=(SINGLE_WIDTH_IN, SINGLE_WIDTH_IN))
    c = comparison.dropna(subset=["observed_rate_km_per_h", "predicted_rate_km_per_h"])
    reach = (
        c["observed_arrival_time"].notna()
        if "observed_arrival_time" in c
        else np.zeros(len(c), bool)
    )
    for mask, colour, label in (
        (~reach, "tab:blue", "stays above the Es level"),
        (reach, "tab:red", "reaches Es heights"),
    ):
        sel = c[mask]
        if len(sel):
            ax.errorbar(
                sel["observed_rate_km_per_h"],
                sel["predicted_rate_km_per_h"],
                xerr=sel["observed_rate_se_km_per_h"],
                fmt="o",
                ms=3,
                color=colour,
                elinewidth=0.7,
                capsize=1.5,
                label=label,
            )
    vals = np.concatenate(
        [c["observed_rate_km_per_h"].to_numpy(), c["predicted_rate_km_per_h"].to_numpy()]
    )
    lim = (
        min(0.0, np.nanmin(vals) - 1) if vals.size else 0.0,
        (np.nanmax(vals) * 1.1 + 1) if vals.size else 1.0,
    )
    ax.plot(lim, lim, color="0.4", lw=0.8, label="1:1")
    ax.set_xlim(lim)
    ax.set_ylim(lim)
    ax.set_aspect("equal")
    ax.set_xlabel("observed descent rate (km h$^{-1}$)")
    ax.set_ylabel("predicted descent rate (km h$^{-1}$)")
    if len(c):
        ratio = np.median(c["predicted_rate_km_per_h"] / c["observed_rate_km_per_h"])
        ax.set_title(f"{len(c)} tracks, median predicted/observed {ratio:.2f}", fontsize=8)
    ax.legend(loc="upper left")
    save_figure(fig, png, extra, dpi=dpi)


def plot_es_epoch(
    composites: pd.DataFrame,
    tests: pd.DataFrame,
    png: str | os.PathLike,
    extra: Iterable[str | os.PathLike] = (),
    *,
    station: str,
    response_h: Sequence[int],
    alpha: float,
    dpi: int,
) -> None:
    """Superposed-epoch foEs and h'Es around the arrivals, with the random-epoch band.

    Parameters
    ----------
    composites : pandas.DataFrame
        ``characteristic``, ``lag_h``, ``composite``, ``random_low``, ``random_high``.
    tests : pandas.DataFrame
        ``characteristic``, ``n_epochs``, ``statistic``, ``p_value``, ``units``.
    png, extra : path-like
    station : str
        Ionosonde name for the title.
    response_h : pair of int
        Response window, shaded.
    alpha : float
        Significance level (the band is the central 1 - alpha range).
    dpi : int
    """
    apply_style()
    chars = list(dict.fromkeys(composites["characteristic"]))
    fig, axes = plt.subplots(
        len(chars), 1, figsize=(SINGLE_WIDTH_IN, 1.9 * len(chars) + 0.3), sharex=True, squeeze=False
    )
    for ax, ch in zip(axes[:, 0], chars, strict=True):
        c = composites[composites["characteristic"] == ch]
        t = tests[tests["characteristic"] == ch].iloc[0]
        ax.fill_between(
            c["lag_h"],
            c["random_low"],
            c["random_high"],
            color="0.85",
            label=f"random epochs, central {100 * (1 - alpha):.0f} %",
        )
        ax.axvspan(response_h[0], response_h[1], color="tab:orange", alpha=0.12, lw=0)
        ax.plot(c["lag_h"], c["composite"], "o-", ms=2.5, lw=1.0, color="tab:red", label="arrivals")
        ax.axhline(0, color="0.5", lw=0.5)
        ax.axvline(0, color="0.5", lw=0.5, ls=":")
        ax.set_ylabel(f"{ch} anomaly ({t['units']})")
        ax.text(
            0.02,
            0.95,
            f"n = {int(t['n_epochs'])}, p = {t['p_value']:.3g}",
            transform=ax.transAxes,
            va="top",
            fontsize=7,
        )
    axes[-1, 0].set_xlabel("hours from the arrival below the Es level")
    axes[0, 0].set_title(f"Superposed epoch at {station}", fontsize=8)
    axes[0, 0].legend(loc="upper right", fontsize=6)
    save_figure(fig, png, extra, dpi=dpi)
