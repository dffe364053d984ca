"""Paper Fig. 4: the Fe+ meridional flux, January and July.

For each month (one row):

* left: a zonal-mean latitude-height section of the meridional Fe+ flux
  Phi_north = n(Fe+) v_i (colour), with flux vectors (Phi_north, Phi_up)
  drawn true in direction (:mod:`estransport.plotting.vectors`; black, the
  colour already gives the direction) and a red line at the map level
  (config ``transport.flux.level_km``; the paper's 106 km);
* right: a latitude-longitude map of Phi_north at that level with offline
  coastlines (:func:`estransport.plotting.maps.add_coastlines`).

As in the paper the colour is the flux **normalised** to -1 (southward) ...
+1 (northward): each panel is divided by its own maximum |Phi_north|, which
is printed on the panel. The map panels also print the real range (m-2 s-1)
read from ``flux_106km_range.csv``, so figure, table and report caption show
the same numbers.
"""

from __future__ import annotations

import calendar
import logging
import os
from collections.abc import Sequence

import numpy as np

from ..io.datasets import open_dataset, read_csv
from .maps import add_coastlines
from .style import FULL_WIDTH_IN, apply_style, save_figure
from .vectors import (
    ArrowScale,
    arrow_spacing_inches,
    nice_number,
    quiver_latitude_height,
    resolve_scale,
)

log = logging.getLogger(__name__)

#: Colour of the map-level line (the paper's red 106 km line).
LEVEL_COLOR = "#e00000"


def _sci(x: float) -> str:
    """Compact scientific notation for a flux (m-2 s-1), e.g. -3.3e+07 -> '−3.3×10⁷'."""
    if not np.isfinite(x):
        return "nan"
    if x == 0:
        return "0"
    e = int(np.floor(np.log10(abs(x))))
    m = x / 10**e
    sup = str(e).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{m:.1f}×10{sup}".replace("-", "−")


def _flux_key(quiver, scale: ArrowScale, ref: float, x: float, y: float, gap: float) -> None:
    """Key of a flux-vector plot: ``ref`` meridional and ``ref/ratio`` vertical, in m-2 s-1."""
    length = ref * scale.inch_per_ms
    ax = quiver.axes
    font = {"size": 6}
    ax.quiverkey(
        quiver,
        x,
        y,
        length,
        f"{_sci(ref)} m⁻² s⁻¹ merid.",
        angle=0,
        coordinates="figure",
        labelpos="S",
        color="black",
        fontproperties=font,
    )
    ax.quiverkey(
        quiver,
        x + gap,
        y,
        length,
        f"{_sci(ref / scale.ratio)} m⁻² s⁻¹ vert.",
        angle=90,
        coordinates="figure",
        labelpos="E",
        color="black",
        fontproperties=font,
    )


def plot_fig4(
    flux_path: str | os.PathLike,
    ranges_path: str | os.PathLike,
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    months: Sequence[int],
    altitude_km: Sequence[float],
    ratio: float,
    lat_stride: int,
    altitude_stride_km: float,
    coastline_shapefile: str | None,
    dpi: int,
) -> list[int]:
    """Draw Fig. 4 from ``fe_flux.nc`` and ``flux_106km_range.csv``.

    Parameters
    ----------
    flux_path : path-like
        ``fe_flux.nc`` (:func:`estransport.physics.flux.compute_fe_flux`:
        ``flux_north_zm``, ``flux_up_zm`` on month, altitude, lat;
        ``flux_north_level`` on month, lat, lon with attribute ``level_km``;
        all m-2 s-1).
    ranges_path : path-like
        The range table of the map level
        (:func:`estransport.physics.flux.flux_range_table`, m-2 s-1): its
        ``range_method``, ``flux_north_low``, ``flux_north_high`` and
        ``max_abs`` are printed on the map panels.
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    months : sequence of int
        One row per month (paper: January and July).
    altitude_km : (float, float)
        Altitude range of the sections, km.
    ratio : float
        Meridional flux drawn as long as a unit vertical flux times ``ratio``
        (10, as the paper's drift vectors).
    lat_stride : int
        Flux vectors at every n-th model latitude.
    altitude_stride_km : float
        Vertical spacing of the flux vectors, km.
    coastline_shapefile : str or None
        Shoreline shapefile; None = the bundled GSHHG crude shoreline.
    dpi : int
        Raster resolution.

    Returns
    -------
    list of int
        The months drawn (one row each).
    """
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt

    apply_style()
    with open_dataset(flux_path) as ds:
        # "none" when the model had no electric field: the drift is then the wind-driven one
        with_e = ds.attrs.get("electric_field", "none") != "none"
        ds = ds[["flux_north_zm", "flux_up_zm", "flux_north_level"]].load()
        level_km = float(ds["flux_north_level"].attrs["level_km"])
    ranges = read_csv(ranges_path).set_index("month")
    have = set(int(m) for m in ds["month"].values)
    missing = [m for m in months if m not in have]
    if missing:
        raise ValueError(f"months {missing} are not in {flux_path} (it has {sorted(have)})")
    missing = [m for m in months if m not in ranges.index]
    if missing:
        raise ValueError(f"months {missing} are not in {ranges_path}")
    if not np.allclose(ranges["level_km"], level_km):
        raise ValueError(
            f"{ranges_path} is not the range table of the {level_km:g} km level of {flux_path}"
        )
    lo, hi = float(altitude_km[0]), float(altitude_km[1])
    sec = ds.sel(altitude=slice(lo, hi))
    nrow = len(months)
    fig_w = FULL_WIDTH_IN
    row_h, top, bottom = 2.25, 0.55, 0.75
    fig_h = top + nrow * row_h + bottom
    fig = plt.figure(figsize=(fig_w, fig_h))
    sec_axes, map_axes = [], []
    for i in range(nrow):
        y0 = fig_h - top - (i + 1) * row_h + 0.32
        sec_axes.append(fig.add_axes((0.55 / fig_w, y0 / fig_h, 2.35 / fig_w, 1.7 / fig_h)))
        map_axes.append(
            fig.add_axes(
                (3.3 / fig_w, (y0 - 0.05) / fig_h, 3.45 / fig_w, 1.8 / fig_h),
                projection=ccrs.PlateCarree(),
            )
        )
    for ax in sec_axes:
        ax.set_xlim(-90, 90)
        ax.set_ylim(lo, hi)
    alts = sec["altitude"].values
    pick = alts[np.mod(alts - alts[0] + 1e-6, altitude_stride_km) < 1e-3]
    lat_pick = sec["lat"].values[:: max(1, int(lat_stride))]
    vec = sec.sel(altitude=pick, lat=lat_pick)
    dlat = float(np.median(np.diff(lat_pick))) if lat_pick.size > 1 else 10.0
    scale = resolve_scale(
        ArrowScale(ratio=ratio, ref_speed=1.0),
        vec["flux_north_zm"].sel(month=list(months)).values,
        vec["flux_up_zm"].sel(month=list(months)).values,
        arrow_spacing_inches(sec_axes[0], dlat, altitude_stride_km),
    )
    ref = nice_number(scale.key_length_in / scale.inch_per_ms)
    levels = np.linspace(-1, 1, 21)
    letters = "abcdefghijklmnop"
    cf = q = None
    for i, month in enumerate(months):
        ax = sec_axes[i]
        f = sec["flux_north_zm"].sel(month=month)
        fmax = float(np.nanmax(np.abs(f.values))) or 1.0
        cf = ax.contourf(
            f["lat"],
            f["altitude"],
            f.values / fmax,
            levels=levels,
            cmap="RdBu_r",
            extend="neither",
            zorder=1,
        )
        ax.axhline(level_km, color=LEVEL_COLOR, lw=1.2, zorder=4)
        ax.text(
            -88,
            level_km + 0.6,
            f"{level_km:g} km",
            color=LEVEL_COLOR,
            ha="left",
            va="bottom",
            fontsize=6,
            zorder=5,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.8},
        )
        v = vec.sel(month=month)
        q = quiver_latitude_height(
            ax,
            v["lat"].values,
            v["altitude"].values,
            v["flux_north_zm"].values,
            v["flux_up_zm"].values,
            scale=scale,
            width=0.005,
            zorder=3,
        )
        q.set_facecolor("black")
        ax.set_xticks(range(-90, 91, 30))
        ax.set_ylabel("Altitude (km)")
        if i == nrow - 1:
            ax.set_xlabel("Latitude (°N)")
        else:
            ax.set_xticklabels([])
        name = calendar.month_name[month]
        ax.set_title(f"({letters[2 * i]}) {name}, zonal mean", loc="left", fontsize=7.5, pad=3)
        ax.text(
            0.02,
            0.03,
            f"max |Φ| {_sci(fmax)} m⁻² s⁻¹",
            transform=ax.transAxes,
            fontsize=5.5,
            zorder=6,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1},
        )

        mp = map_axes[i]
        mp.set_global()
        m = ds["flux_north_level"].sel(month=month)
        mmax = float(np.nanmax(np.abs(m.values))) or 1.0
        lon = m["lon"].values
        lat = m["lat"].values
        lon_c = np.append(lon, lon[0] + 360.0)  # close the periodic seam
        data = np.concatenate([m.values, m.values[:, :1]], axis=1) / mmax
        mp.pcolormesh(
            lon_c,
            lat,
            data,
            cmap="RdBu_r",
            vmin=-1,
            vmax=1,
            shading="nearest",
            transform=ccrs.PlateCarree(),
            rasterized=True,
            zorder=1,
        )
        add_coastlines(mp, coastline_shapefile, edgecolor="black", linewidth=0.4)
        gl = mp.gridlines(
            crs=ccrs.PlateCarree(),
            draw_labels=True,
            xlocs=range(-180, 181, 60),
            ylocs=range(-90, 91, 30),
            linewidth=0.3,
            color="0.5",
            linestyle=":",
        )
        gl.top_labels = gl.right_labels = False
        if i != nrow - 1:
            gl.bottom_labels = False
        gl.xlabel_style = gl.ylabel_style = {"size": 6}
        r = ranges.loc[month]
        mp.set_title(
            f"({letters[2 * i + 1]}) {name}, {level_km:g} km", loc="left", fontsize=7.5, pad=3
        )
        mp.text(
            0.01,
            0.02,
            f"{r['range_method']}: {_sci(r['flux_north_low'])} to "
            f"{_sci(r['flux_north_high'])} m⁻² s⁻¹; max |Φ| {_sci(r['max_abs'])}",
            transform=mp.transAxes,
            fontsize=5.5,
            zorder=6,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )
    cax = fig.add_axes((0.55 / fig_w, 0.32 / fig_h, 2.35 / fig_w, 0.09 / fig_h))
    cb = fig.colorbar(cf, cax=cax, orientation="horizontal", ticks=[-1, -0.5, 0, 0.5, 1])
    cb.set_label("normalised meridional Fe⁺ flux (−1 south … +1 north)", fontsize=6.5)
    cb.ax.tick_params(labelsize=6)
    fig.text(
        0.55 / fig_w,
        1 - 0.1 / fig_h,
        "Fe⁺ meridional flux n(Fe⁺) v_i ("
        + ("neutral wind + E×B + Coulomb-force drift)" if with_e else "neutral-wind drift, no E)"),
        fontsize=8,
        va="top",
    )
    fig.text(
        0.55 / fig_w,
        1 - 0.3 / fig_h,
        f"colour: flux / max |flux| of each panel; vectors (Φ_north, Φ_up), vertical ×{scale.ratio:g}; "
        f"red line: {level_km:g} km",
        fontsize=6,
        va="top",
        color="0.25",
    )
    if q is not None:
        _flux_key(q, scale, ref, 3.9 / fig_w, 0.42 / fig_h, 1.45 / fig_w)
    save_figure(fig, png_path, extra_paths, dpi=dpi)
    log.info("wrote %s: months %s", png_path, list(months))
    return [int(m) for m in months]
