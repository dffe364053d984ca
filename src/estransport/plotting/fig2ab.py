"""Paper Fig. 2a,b: global maps of seasonal mean S4max with geomagnetic latitude contours."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..geomag import geomagnetic_epoch, geomagnetic_latitude
from .maps import add_coastlines, global_map_axes
from .style import FULL_WIDTH_IN, apply_style, save_figure

PANEL_SEASON = {"a": "DJF", "b": "JJA"}


def plot_fig2ab(maps_path: str | os.PathLike, png_path: str | os.PathLike,
                extra_paths: Sequence[str | os.PathLike] = (), *, panel: str = "a",
                figures: dict | None = None, years: Sequence[int] = (2008,)) -> None:
    """Draw one panel of Fig. 2a,b from a seasonal map file.

    Parameters
    ----------
    maps_path : path-like
        ``maps_{season}.nc`` written by :func:`estransport.climatology.gridding.write_seasonal_maps`.
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    panel : {"a", "b"}
        Panel letter (a = DJF, b = JJA).
    figures : dict, optional
        The ``figures`` configuration (dpi, coastline_shapefile,
        geomagnetic_latitudes, s4max_limits).
    years : sequence of int
        Years of the climatology (title and dipole epoch).
    """
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt

    figures = figures or {}
    apply_style()
    with xr.open_dataset(maps_path) as ds:
        ds = ds.load()
    season = str(ds.season.values[0])
    mean = ds["s4max_mean"].isel(season=0)
    count = ds["count"].isel(season=0)
    vmin, vmax = figures.get("s4max_limits", [0.0, 1.0])

    fig = plt.figure(figsize=(FULL_WIDTH_IN, 3.6))
    ax = global_map_axes(fig)
    lon_edges = np.append(ds["lon_bnds"].values[:, 0], ds["lon_bnds"].values[-1, 1])
    lat_edges = np.append(ds["lat_bnds"].values[:, 0], ds["lat_bnds"].values[-1, 1])
    mesh = ax.pcolormesh(lon_edges, lat_edges, mean.values, cmap="turbo", vmin=vmin, vmax=vmax,
                         transform=ccrs.PlateCarree(), rasterized=True, zorder=1)
    add_coastlines(ax, figures.get("coastline_shapefile"), edgecolor="black", linewidth=0.5)

    # Geomagnetic latitude contours (centred dipole, IGRF-14, middle year of the period).
    glon, glat = np.meshgrid(np.linspace(-180, 180, 361), np.linspace(-90, 90, 181))
    epoch = geomagnetic_epoch(years)
    mlat = geomagnetic_latitude(glat, glon, epoch)
    levels = sorted(figures.get("geomagnetic_latitudes", [-80, -70, -60, 0, 60, 70, 80]))
    nonzero = [lv for lv in levels if lv != 0]
    if nonzero:
        # linestyles given explicitly: matplotlib dashes negative levels by default.
        cs = ax.contour(glon, glat, mlat, levels=nonzero, colors="white", linewidths=0.8,
                        linestyles="solid", transform=ccrs.PlateCarree(), zorder=4)
        ax.clabel(cs, fmt=lambda v: f"{v:+.0f}°", fontsize=6, inline=True, colors="white")
    if 0 in levels:
        ax.contour(glon, glat, mlat, levels=[0], colors="white", linewidths=1.0, linestyles="--",
                   transform=ccrs.PlateCarree(), zorder=4)

    yr = f"{min(years)}–{max(years)}" if len(years) > 1 else f"{years[0]}"
    ax.set_title(f"({panel}) Mean S4max, {season} {yr}", loc="left")
    ax.text(0.99, 0.02, f"N = {int(count.sum()):,} events", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=6, color="white", zorder=5)
    cbar = fig.colorbar(mesh, ax=ax, orientation="vertical", shrink=0.85, pad=0.02, extend="max")
    lo, hi = ds.attrs.get("es_altitude_min_km"), ds.attrs.get("es_altitude_max_km")
    es = f"Es heights, {lo:g}–{hi:g} km" if lo is not None and hi is not None else "Es heights"
    cbar.set_label(f"S4max ({es})")
    ax.text(0.0, -0.13, "White lines: geomagnetic latitude ±60°, ±70°, ±80° (solid) and the "
            f"geomagnetic equator (dashed), centred dipole IGRF-14 {epoch.year}.", fontsize=6,
            transform=ax.transAxes, va="top")
    save_figure(fig, png_path, extra_paths, dpi=int(figures.get("dpi", 200)))
