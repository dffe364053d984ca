"""Paper Fig. 1: meridional and vertical Fe+ drift driven by U, V and W separately.

Latitude-height sections (zonal and monthly means) for the configured months
(January and July in the paper), one column per driving wind component.
Arrows are (v_i, w_i) with 1 m/s vertical drawn as long as ``ratio`` m/s
meridional (config ``model.fig1.ratio``; the paper's scale is 1 : 10), true in
direction on the page (:mod:`estransport.plotting.vectors`): red northward,
blue southward.
"""

from __future__ import annotations

import calendar
import logging
import os
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..io.datasets import open_dataset
from ..means import monthly_zonal_mean
from .style import FULL_WIDTH_IN, apply_style, save_figure
from .vectors import (
    ArrowScale,
    add_arrow_key,
    arrow_spacing_inches,
    panel_magnification,
    quiver_latitude_height,
    resolve_scale,
)

log = logging.getLogger(__name__)

#: Column titles of the drivers.
DRIVER_TITLES = {
    "U": "driven by U (zonal wind)",
    "V": "driven by V (meridional wind)",
    "W": "driven by W (vertical wind)",
}


def fig1_sections(
    drift: xr.Dataset,
    months: Sequence[int],
    *,
    altitude_km: tuple[float, float],
    drivers: Sequence[str] = ("U", "V", "W"),
) -> xr.Dataset:
    """Zonal- and monthly-mean meridional and vertical drift per driver and month.

    Parameters
    ----------
    drift : xarray.Dataset
        From :func:`estransport.model.drift.compute_drift` (``v_ion``,
        ``w_ion`` on driver, time, altitude, lat, lon).
    months : sequence of int
        Calendar months.
    altitude_km : tuple of float
        Altitude range (min, max), km (the paper shows the drift only above 100 km).
    drivers : sequence of str
        Drivers to keep (default the three winds, the columns of Fig. 1).

    Returns
    -------
    xarray.Dataset
        ``v_ion`` and ``w_ion`` (m s-1) on (month, driver, altitude, lat).
    """
    lo, hi = altitude_km
    sub = drift[["v_ion", "w_ion"]].sel(driver=list(drivers), altitude=slice(lo, hi))
    per_month = [
        xr.Dataset({k: monthly_zonal_mean(sub[k], m) for k in ("v_ion", "w_ion")}) for m in months
    ]
    out = xr.concat(per_month, dim=xr.DataArray(list(months), dims="month", name="month"))
    for k, name in (("v_ion", "northward"), ("w_ion", "upward")):
        out[k].attrs = {"units": "m s-1", "long_name": f"zonal- and monthly-mean {name} Fe+ drift"}
    return out.compute()


def plot_fig1(
    drift_path: str | os.PathLike,
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    months: Sequence[int],
    altitude_km: tuple[float, float],
    lat_stride: int,
    altitude_stride_km: float,
    ratio: float,
    magnify_weak: bool,
    dpi: int,
    ref_speed: float | None = None,
    inch_per_ms: float | None = None,
) -> None:
    """Draw Fig. 1 from ``drift.nc`` and save it as PNG and extra formats.

    Parameters
    ----------
    drift_path : path-like
        Drift netCDF (``results/drift/drift.nc``).
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    months : sequence of int
        Rows of the figure (calendar months).
    altitude_km : tuple of float
        Altitude range shown, km.
    lat_stride : int
        Draw every n-th latitude.
    altitude_stride_km : float
        Vertical spacing of the arrows, km.
    ratio : float
        Meridional speed drawn as long as 1 m/s vertical (paper: 10).
    magnify_weak : bool
        Enlarge the arrows of panels much weaker than the shared scale by a
        power of ten, labelled on the panel (the W-driven drift is of order
        cm/s).
    dpi : int
        Raster resolution, dots per inch.
    ref_speed : float or None
        Meridional speed of the key arrow, m s-1 (None: automatic round number).
    inch_per_ms : float or None
        Page inches per m/s of meridional speed; None: automatic, shared by all
        panels (see :func:`estransport.plotting.vectors.resolve_scale`).
    """
    import matplotlib.pyplot as plt

    apply_style()
    with open_dataset(drift_path, chunks={"time": 1}) as drift:
        sec = fig1_sections(drift, months, altitude_km=altitude_km)
    alt_all = sec["altitude"].values
    offset = np.mod(alt_all - alt_all[0] + 1e-6, altitude_stride_km)
    alt_pick = alt_all[offset < 1e-3]
    lat_all = sec["lat"].values
    lat_pick = lat_all[::lat_stride]
    picked = sec.sel(altitude=alt_pick, lat=lat_pick)

    nrow, ncol = len(months), 3
    fig = plt.figure(figsize=(FULL_WIDTH_IN, 1.05 + 2.05 * nrow))
    fig.subplots_adjust(left=0.08, right=0.985, bottom=0.09, top=0.86, wspace=0.10, hspace=0.32)
    axes = [
        [fig.add_subplot(nrow, ncol, i * ncol + j + 1) for j in range(ncol)] for i in range(nrow)
    ]
    ylim = (altitude_km[0] - 2.0, altitude_km[1] + 2.0)
    for ax in np.ravel(axes):
        ax.set_xlim(-90, 90)
        ax.set_ylim(*ylim)
    dlat = float(np.median(np.diff(lat_pick))) if lat_pick.size > 1 else 10.0
    scale = resolve_scale(
        ArrowScale(ratio=ratio, ref_speed=ref_speed, inch_per_ms=inch_per_ms),
        picked["v_ion"].values,
        picked["w_ion"].values,
        arrow_spacing_inches(axes[0][0], dlat, altitude_stride_km),
    )
    letters = "abcdefghijklmnopqrstuvwxyz"
    q = None
    for i, month in enumerate(months):
        for j, drv in enumerate(("U", "V", "W")):
            ax = axes[i][j]
            s = picked.sel(month=month, driver=drv)
            mag = (
                panel_magnification(scale, s["v_ion"].values, s["w_ion"].values)
                if magnify_weak
                else 1.0
            )
            q = quiver_latitude_height(
                ax,
                s["lat"].values,
                s["altitude"].values,
                s["v_ion"].values,
                s["w_ion"].values,
                scale=scale,
                magnification=mag,
            )
            if mag != 1.0:
                ax.text(
                    0.98,
                    0.97,
                    f"arrows ×{mag:g}",
                    transform=ax.transAxes,
                    ha="right",
                    va="top",
                    fontsize=6,
                    zorder=5,
                    bbox={"facecolor": "white", "edgecolor": "0.5", "linewidth": 0.4, "pad": 1.5},
                )
            ax.set_xticks(range(-90, 91, 30))
            ax.axvline(0, color="0.85", lw=0.5, zorder=1)
            if i == nrow - 1:
                ax.set_xlabel("Latitude (°N)")
            else:
                ax.set_xticklabels([])
            if j == 0:
                ax.set_ylabel("Altitude (km)")
            else:
                ax.set_yticklabels([])
            full = sec.sel(month=month, driver=drv)
            vmax = float(np.nanmax(np.abs(full["v_ion"].values)))
            wmax = float(np.nanmax(np.abs(full["w_ion"].values)))
            ax.set_title(
                f"({letters[i * ncol + j]}) {calendar.month_name[month]}, {DRIVER_TITLES[drv]}",
                loc="left",
                fontsize=7,
            )
            ax.text(
                0.02,
                0.02,
                f"max |v| {vmax:.2g} m/s, |w| {wmax:.2g} m/s",
                transform=ax.transAxes,
                fontsize=5.5,
                color="0.3",
                zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
            )
    fig.text(
        0.08,
        0.985,
        "Zonal-mean Fe+ drift by driving wind component (generalized wind-shear theory)",
        fontsize=8,
        va="top",
    )
    fig.text(
        0.08,
        0.95,
        f"red northward, blue southward; 1 m/s vertical drawn as long as {scale.ratio:g} m/s meridional",
        fontsize=6.5,
        va="top",
        color="0.25",
    )
    add_arrow_key(q, scale, 0.80, 0.955, coordinates="figure", gap=0.085)
    save_figure(fig, png_path, extra_paths, dpi=dpi)
    log.info("wrote %s", png_path)
