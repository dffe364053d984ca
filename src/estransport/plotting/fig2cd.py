"""Paper Fig. 2c,d: the TEM residual mean meridional circulation, winter and summer.

A latitude-height section of the seasonal mean v* (colour, with its zero
contour marking the cell boundaries) and (v*, w*) arrows, red northward and
blue southward. w* is a few cm/s against v* of m/s, so the arrows use their
own vertical exaggeration (``ratio``, config ``model.fig2cd.ratio``: the
schema default 200 draws 1 cm/s vertical as long as 2 m/s meridional), stated
in the figure and its key.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..climatology.gridding import MONTH_TO_SEASON, SEASONS
from ..io.datasets import open_dataset
from .style import SINGLE_WIDTH_IN, apply_style, save_figure
from .vectors import (
    ArrowScale,
    add_arrow_key,
    arrow_spacing_inches,
    quiver_latitude_height,
    resolve_scale,
)

log = logging.getLogger(__name__)

#: Calendar months of each season, from the climatology's own month -> season
#: table (:data:`estransport.climatology.gridding.MONTH_TO_SEASON`), so the model
#: and the observations use one definition of DJF/MAM/JJA/SON.
SEASON_MONTHS = {
    name: tuple(m for m in (12, *range(1, 12)) if MONTH_TO_SEASON[m] == i)
    for i, name in enumerate(SEASONS)
}


def seasonal_mean(da: xr.DataArray, season: str) -> xr.DataArray:
    """Mean over the history times whose month falls in ``season``.

    Parameters
    ----------
    da : xarray.DataArray
        Field with a ``time`` coordinate.
    season : {"DJF", "MAM", "JJA", "SON"}

    Returns
    -------
    xarray.DataArray
        Without ``time``.
    """
    try:
        months = SEASON_MONTHS[season.upper()]
    except KeyError:
        raise ValueError(f"unknown season {season!r}; expected one of {SEASONS}") from None
    sel = np.isin(da["time"].dt.month.values, months)
    if not sel.any():
        raise ValueError(f"no model time in {season}")
    return da.isel(time=sel).mean("time")


def plot_fig2cd(
    tem_path: str | os.PathLike,
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    season: str,
    panel: str,
    altitude_km: tuple[float, float],
    ratio: float,
    lat_stride: int,
    altitude_stride_km: float,
    vmax: float | None,
    dpi: int,
    ref_speed: float | None = None,
    inch_per_ms: float | None = None,
) -> None:
    """Draw one panel of Fig. 2c,d (one season) from ``tem.nc``.

    Parameters
    ----------
    tem_path : path-like
        TEM netCDF (``results/model/tem.nc``).
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs.
    season : {"DJF", "JJA", "MAM", "SON"}
        Season averaged (case-insensitive).
    panel : str
        Panel letter for the title.
    altitude_km : tuple of float
        Altitude range (min, max), km.
    ratio : float
        Meridional speed drawn as long as 1 m/s vertical (200: 1 cm/s
        vertical as long as 2 m/s meridional).
    lat_stride : int
        Draw every n-th latitude.
    altitude_stride_km : float
        Vertical spacing of the arrows, km.
    vmax : float or None
        Colour limit of v*, m s-1 (None: the 98th percentile of |v*|).
    dpi : int
        Raster resolution, dots per inch.
    ref_speed : float or None
        Meridional speed of the key arrow, m s-1 (None: automatic round number).
    inch_per_ms : float or None
        Page inches per m/s of meridional speed (None: automatic from the data).
    """
    import matplotlib.pyplot as plt

    apply_style()
    with open_dataset(tem_path) as tem:
        v = seasonal_mean(tem["v_star"], season).sel(altitude=slice(*altitude_km)).load()
        w = seasonal_mean(tem["w_star"], season).sel(altitude=slice(*altitude_km)).load()
    if vmax is None:
        vmax = float(np.nanpercentile(np.abs(v.values), 98)) or 1.0
    levels = np.linspace(-vmax, vmax, 17)

    fig = plt.figure(figsize=(SINGLE_WIDTH_IN * 1.3, 3.2))
    ax = fig.add_axes((0.15, 0.13, 0.66, 0.66))
    cax = fig.add_axes((0.84, 0.13, 0.03, 0.66))
    cf = ax.contourf(
        v["lat"], v["altitude"], v.values, levels=levels, cmap="RdBu_r", extend="both", zorder=1
    )
    ax.contour(
        v["lat"], v["altitude"], v.values, levels=[0.0], colors="k", linewidths=0.6, zorder=2
    )
    cb = fig.colorbar(cf, cax=cax)
    cb.set_label("v* (m/s)")
    cb.set_ticks(np.round(np.linspace(-vmax, vmax, 5), 1))
    ax.set_xlim(-90, 90)
    ax.set_ylim(altitude_km)
    alts = v["altitude"].values
    pick = alts[np.mod(alts - alts[0] + 1e-6, altitude_stride_km) < 1e-3]
    lat_pick = v["lat"].values[::lat_stride]
    vv = v.sel(altitude=pick, lat=lat_pick).values
    ww = w.sel(altitude=pick, lat=lat_pick).values
    dlat = float(np.median(np.diff(lat_pick))) if lat_pick.size > 1 else 10.0
    scale = resolve_scale(
        ArrowScale(ratio=ratio, ref_speed=ref_speed, inch_per_ms=inch_per_ms),
        vv,
        ww,
        arrow_spacing_inches(ax, dlat, altitude_stride_km),
    )
    # white-edged arrows stay readable on the red/blue background
    q = quiver_latitude_height(
        ax, lat_pick, pick, vv, ww, scale=scale, width=0.005, edgecolor="white", linewidth=0.2
    )
    ax.set_xticks(range(-90, 91, 30))
    ax.set_xlabel("Latitude (°N)")
    ax.set_ylabel("Altitude (km)")
    season = season.upper()
    hemis = {"DJF": "NH winter", "JJA": "NH summer", "MAM": "NH spring", "SON": "NH autumn"}[season]
    fig.text(
        0.02, 0.98, f"({panel}) TEM residual circulation, {season} ({hemis})", fontsize=8, va="top"
    )
    fig.text(
        0.02,
        0.925,
        f"colour v*; arrows (v*, w*), vertical exaggerated {scale.ratio:g}x",
        fontsize=6,
        va="top",
        color="0.25",
    )
    add_arrow_key(q, scale, 0.58, 0.86, coordinates="figure", gap=0.14)
    save_figure(fig, png_path, extra_paths, dpi=dpi)
    log.info("wrote %s", png_path)
