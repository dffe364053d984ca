"""Paper Fig. 3: monthly zonal-mean S4max with the column-density ratio and residual-circulation drift.

Twelve panels, one per calendar month, of the zonal-mean S4max of Es-height
occultation events against latitude and altitude (``monthly_lat_alt.nc``).
Over each panel:

* a **green line** on a secondary (right) axis: the column-density ratio, the
  vertical integral of the S4max over the Es heights divided by its
  cos(latitude)-weighted global mean (1 = global mean; dotted green line);
* **yellow arrows** over the altitudes of the residual-drift file (config
  ``transport.residual_drift.altitude_km``; the paper's 100-120 km, none
  below): the meridional and vertical Fe+ drift driven by the zonal-mean
  residual circulation and zonal-mean U of the same month
  (:mod:`estransport.physics.residual_drift`), or the chosen parts of it,
  drawn true in direction with 1 m/s vertical as long as ``ratio`` m/s
  meridional (the paper's 10; :mod:`estransport.plotting.vectors`); the key
  shows both reference arrows.

One colour bar serves all panels.
"""

from __future__ import annotations

import calendar
import logging
import os
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..io.datasets import open_dataset
from .style import FULL_WIDTH_IN, apply_style, save_figure
from .vectors import (
    ArrowScale,
    add_arrow_key,
    arrow_spacing_inches,
    quiver_latitude_height,
    resolve_scale,
)

log = logging.getLogger(__name__)

#: Colours of the overlays (docs/science.md 1: green ratio line, yellow drift arrows).
RATIO_COLOR = "#00b02f"
ARROW_COLOR = "#ffd400"


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges of 1-D cell centres (midpoints, outer edges mirrored)."""
    c = np.asarray(centres, float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = 0.5 * (c[1:] + c[:-1])
    return np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])


def arrow_subset(
    drift: xr.Dataset,
    *,
    drivers: Sequence[str] | None = None,
    lat_stride: int = 1,
    altitude_stride_km: float = 4.0,
) -> xr.Dataset:
    """The arrows drawn: the sum of ``drivers``, every ``lat_stride``-th latitude, every ``altitude_stride_km``.

    Parameters
    ----------
    drift : xarray.Dataset
        ``v_ion_by_driver``, ``w_ion_by_driver`` (m s-1) on (driver, month,
        altitude, lat), or only ``v_ion``, ``w_ion`` (the total).
    drivers : sequence of str, optional
        Drift parts summed (``U``, ``V`` = v*, ``W`` = w*); None: the total.
    lat_stride : int
        Latitude step, in grid points.
    altitude_stride_km : float
        Altitude step, km, starting at the lowest altitude.

    Returns
    -------
    xarray.Dataset
        ``v_ion``, ``w_ion`` on the subset (m s-1).
    """
    if drivers is None:
        sub = drift[["v_ion", "w_ion"]]
    else:
        missing = sorted(set(drivers) - set(np.asarray(drift["driver"].values).tolist()))
        if missing:
            raise ValueError(f"drift drivers {missing} are not in the residual-drift file")
        sub = xr.Dataset(
            {
                c: drift[f"{c}_by_driver"].sel(driver=list(drivers)).sum("driver")
                for c in ("v_ion", "w_ion")
            }
        )
    alts = sub["altitude"].values
    pick = alts[np.mod(alts - alts[0] + 1e-6, altitude_stride_km) < 1e-3]
    return sub.sel(altitude=pick).isel(lat=slice(None, None, max(1, int(lat_stride))))


def plot_fig3(
    monthly_path: str | os.PathLike,
    drift_path: str | os.PathLike,
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    drivers: Sequence[str] | None,
    ratio: float,
    lat_stride: int,
    altitude_stride_km: float,
    ref_speed: float | None,
    s4max_limits: Sequence[float] | None,
    cmap: str,
    ncols: int,
    max_length_spacings: float,
    dpi: int,
    inch_per_ms: float | None = None,
    scale_percentile: float = 95.0,
) -> dict[str, list[int]]:
    """Draw Fig. 3 from ``monthly_lat_alt.nc`` and ``residual_drift_monthly.nc``.

    Parameters
    ----------
    monthly_path : path-like
        Monthly latitude-altitude S4max climatology (``s4max_mean``, ``count``
        on month, altitude, lat; ``column_density_ratio`` on month, lat).
    drift_path : path-like
        Residual-circulation drift (``v_ion``, ``w_ion`` in m s-1 on month,
        altitude, lat).
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    drivers : sequence of str or None
        Parts of the residual-circulation drift drawn as arrows: ``V`` (v*),
        ``W`` (w*), ``U`` (zonal-mean U); None = the total (config
        ``transport.fig3.drivers``, which explains why U is left out by
        default); the file keeps every part.
    ratio : float
        Meridional speed drawn as long as 1 m/s vertical (paper: 10).
    lat_stride : int
        Draw the arrows at every n-th model latitude.
    altitude_stride_km : float
        Vertical spacing of the arrows, km.
    ref_speed : float or None
        Meridional speed of the key arrow, m s-1 (None: a round number).
    s4max_limits : (float, float) or None
        Colour limits of S4max (dimensionless); None: 0 to the 98th percentile.
    cmap : str
        Colour map of S4max.
    ncols : int
        Panels per row (3: 4 rows x 3, 4: 3 rows x 4).
    max_length_spacings : float
        Automatic scale: the ``scale_percentile`` arrow length spans this many
        arrow spacings (see :class:`estransport.plotting.vectors.ArrowScale`).
    dpi : int
        Raster resolution.
    inch_per_ms : float, optional
        Page inches per m/s of meridional speed (None: automatic, shared by
        all panels).
    scale_percentile : float
        Percentile of the arrow lengths (0-100) used by the automatic scale.

    Returns
    -------
    dict
        ``panels``: the months drawn (1-12); ``arrows``: the months with drift arrows.
    """
    import matplotlib.pyplot as plt

    apply_style()
    with open_dataset(monthly_path) as ds:
        clim = ds.load()
    with open_dataset(drift_path) as ds:
        drift = ds.load()
    s4 = clim["s4max_mean"]
    if s4max_limits is None:
        finite = s4.values[np.isfinite(s4.values)]
        hi = float(np.percentile(finite, 98)) if finite.size else 1.0
        s4max_limits = (0.0, round(hi + 0.05, 1) or 1.0)
    vmin, vmax = float(s4max_limits[0]), float(s4max_limits[1])
    lat_e, alt_e = _edges(clim["lat"].values), _edges(clim["altitude"].values)
    ratio_all = clim["column_density_ratio"].values
    rmax = float(np.nanmax(ratio_all)) if np.isfinite(ratio_all).any() else 2.0
    rtop = max(2.0, np.ceil(rmax * 1.1))
    arrows = arrow_subset(
        drift, drivers=drivers, lat_stride=lat_stride, altitude_stride_km=altitude_stride_km
    )

    ncols = int(ncols)
    nrows = int(np.ceil(12 / ncols))
    fig_w = FULL_WIDTH_IN
    panel_w, panel_h = 1.72 if ncols == 3 else 1.32, 1.25
    left, right_pad, gap_x, gap_y, top, bottom = 0.5, 0.45, 0.32, 0.34, 0.62, 0.85
    fig_h = top + nrows * panel_h + (nrows - 1) * gap_y + bottom
    fig_w = max(fig_w, left + ncols * panel_w + (ncols - 1) * gap_x + right_pad)
    fig = plt.figure(figsize=(fig_w, fig_h))
    axes = []
    for k in range(12):
        i, j = divmod(k, ncols)
        x0 = left + j * (panel_w + gap_x)
        y0 = fig_h - top - (i + 1) * panel_h - i * gap_y
        axes.append(fig.add_axes((x0 / fig_w, y0 / fig_h, panel_w / fig_w, panel_h / fig_h)))
    alt_lim = (float(alt_e[0]), float(alt_e[-1]))
    for ax in axes:
        ax.set_xlim(-90, 90)
        ax.set_ylim(*alt_lim)
    lat_a = arrows["lat"].values
    dlat = float(np.median(np.diff(lat_a))) if lat_a.size > 1 else 10.0
    scale = resolve_scale(
        ArrowScale(
            ratio=ratio,
            ref_speed=ref_speed,
            inch_per_ms=inch_per_ms,
            max_length_spacings=max_length_spacings,
            percentile=scale_percentile,
        ),
        arrows["v_ion"].values,
        arrows["w_ion"].values,
        arrow_spacing_inches(axes[0], dlat, altitude_stride_km),
    )
    mesh = q = None
    months_with_drift = set(int(m) for m in drift["month"].values)
    drawn: dict[str, list[int]] = {"panels": [], "arrows": []}
    for k, ax in enumerate(axes):
        month = k + 1
        data = s4.sel(month=month).values
        mesh = ax.pcolormesh(
            lat_e,
            alt_e,
            np.ma.masked_invalid(data),
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            shading="flat",
            rasterized=True,
            zorder=1,
        )
        drawn["panels"].append(month)
        ax.set_xticks(range(-90, 91, 30))
        ax.set_yticks(range(int(np.ceil(alt_lim[0] / 10) * 10), int(alt_lim[1]) + 1, 10))
        i, j = divmod(k, ncols)
        if i == nrows - 1:
            ax.set_xlabel("Latitude (°N)", labelpad=1)
        else:
            ax.set_xticklabels([])
        if j == 0:
            ax.set_ylabel("Altitude (km)", labelpad=1)
        else:
            ax.set_yticklabels([])
        ax.tick_params(right=False)
        n_ev = int(clim["count"].sel(month=month).sum())
        ax.set_title(f"{calendar.month_abbr[month]}", loc="left", fontsize=7.5, pad=2)
        ax.text(
            1.0,
            1.015,
            f"N = {n_ev:,}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=5.5,
            color="0.3",
        )
        if month in months_with_drift:
            a = arrows.sel(month=month)
            q = quiver_latitude_height(
                ax,
                a["lat"].values,
                a["altitude"].values,
                a["v_ion"].values,
                a["w_ion"].values,
                scale=scale,
                width=0.007,
                zorder=4,
            )
            q.set_facecolor(ARROW_COLOR)
            q.set_edgecolor("0.15")
            q.set_linewidth(0.15)
            drawn["arrows"].append(month)
        else:
            ax.text(0.5, 0.9, "no model month", transform=ax.transAxes, ha="center", fontsize=6)
        ax2 = ax.twinx()
        ax2.plot(
            clim["lat"].values,
            clim["column_density_ratio"].sel(month=month).values,
            color=RATIO_COLOR,
            lw=1.3,
            zorder=5,
        )
        ax2.axhline(1.0, color=RATIO_COLOR, lw=0.6, ls=":", zorder=5)
        ax2.set_ylim(0, rtop)
        ax2.set_xlim(-90, 90)
        ax2.tick_params(axis="y", colors=RATIO_COLOR, labelsize=6, direction="in")
        if j == ncols - 1:
            ax2.set_ylabel("column-density ratio", color=RATIO_COLOR, fontsize=6.5, labelpad=2)
        else:
            ax2.set_yticklabels([])
    cax = fig.add_axes(
        (
            left / fig_w,
            0.30 / fig_h,
            (ncols * panel_w + (ncols - 1) * gap_x) * 0.55 / fig_w,
            0.09 / fig_h,
        )
    )
    cb = fig.colorbar(mesh, cax=cax, orientation="horizontal", extend="max")
    cb.set_label("zonal-mean S4max (Es heights)", fontsize=7)
    cb.ax.tick_params(labelsize=6)
    years = clim.attrs.get("years", "")
    fig.text(
        left / fig_w,
        1 - 0.12 / fig_h,
        f"Monthly zonal-mean S4max{(' ' + str(years)) if years else ''}, column-density ratio (green) "
        "and residual-circulation Fe+ drift (yellow)",
        fontsize=8,
        va="top",
    )
    parts = (
        "total drift"
        if drivers is None
        else "drift driven by "
        + ", ".join({"U": "U", "V": "v*", "W": "w*"}.get(d, d) for d in drivers)
    )
    fig.text(
        left / fig_w,
        1 - 0.33 / fig_h,
        f"arrows: {parts}, at {float(drift['altitude'].min()):g}–{float(drift['altitude'].max()):g} km "
        f"(none below, as in the paper); 1 m/s vertical drawn as long as {scale.ratio:g} m/s meridional; "
        "dotted green: ratio 1 (global mean)",
        fontsize=6,
        va="top",
        color="0.25",
    )
    if q is not None:
        kx = (left + (ncols * panel_w + (ncols - 1) * gap_x) * 0.72) / fig_w
        add_arrow_key(q, scale, kx, 0.36 / fig_h, coordinates="figure", gap=0.9 / fig_w)
    save_figure(fig, png_path, extra_paths, dpi=dpi)
    log.info(
        "wrote %s: %d monthly panels, drift arrows in months %s",
        png_path,
        len(drawn["panels"]),
        drawn["arrows"],
    )
    return drawn
