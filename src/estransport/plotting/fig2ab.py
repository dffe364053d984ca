"""Paper Fig. 2a,b: global maps of seasonal mean S4max with geomagnetic latitude contours."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..geomag import geomagnetic_epoch, geomagnetic_latitude
from ..io.datasets import open_dataset
from .maps import add_coastlines, global_map_axes
from .style import FIG2_PANEL_SEASON, FULL_WIDTH_IN, apply_style, save_figure

__all__ = ["draw_fig2ab", "geomagnetic_levels_text", "plot_fig2ab"]

#: Display names of the missions a map's ``missions`` attribute lists.
_MISSION_LABELS = {"cosmic1": "COSMIC-1", "cosmic2": "COSMIC-2", "spire": "Spire"}


def _years_text(years: Sequence[int]) -> str:
    """``2008``, ``2006–2011`` for consecutive years, else the years listed (``2008, 2022``)."""
    ys = sorted(set(int(y) for y in years))
    if len(ys) == 1:
        return f"{ys[0]}"
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(map(str, ys))


def geomagnetic_levels_text(levels: Sequence[float]) -> str:
    """Words for the geomagnetic latitude contours drawn, as in the figure caption.

    Parameters
    ----------
    levels : sequence of float
        Geomagnetic latitudes (degrees) of the contours.

    Returns
    -------
    str
        e.g. ``"±60°, ±70°, ±80° (solid) and the geomagnetic equator (dashed)"``;
        a level without its mirror image is written with its sign (``+65°``).
    """
    levels = sorted({float(lv) for lv in levels})
    nonzero = [lv for lv in levels if lv != 0]
    words = []
    for mag in sorted({abs(lv) for lv in nonzero}):
        both = mag in nonzero and -mag in nonzero
        sign = "±" if both else ("+" if mag in nonzero else "−")
        words.append(f"{sign}{mag:g}°")
    parts = []
    if words:
        parts.append(", ".join(words) + " (solid)")
    if 0.0 in levels:
        parts.append("the geomagnetic equator (dashed)")
    return " and ".join(parts) if parts else "none"


def draw_fig2ab(
    ds: xr.Dataset,
    *,
    panel: str,
    s4max_limits: Sequence[float],
    geomagnetic_latitudes: Sequence[float],
    coastline_shapefile: str | None,
    years: Sequence[int],
):
    """Draw one panel of Fig. 2a,b from a loaded seasonal map and return the figure.

    Parameters
    ----------
    ds : xarray.Dataset
        One season of :func:`estransport.climatology.gridding.write_seasonal_maps`
        (``s4max_mean``, ``count``, ``lat_bnds``, ``lon_bnds`` on a one-element
        ``season`` axis; attributes ``es_altitude_min_km``/``es_altitude_max_km``
        label the colour bar). A map of the current missions also has
        ``covered`` (latitudes hatched as "not observed" where 0) and the
        attributes ``missions`` (named in the title) and ``coverage``.
    panel : {"a", "b"}
        Panel letter; its season (:data:`~estransport.plotting.style.FIG2_PANEL_SEASON`)
        must be the map's.
    s4max_limits : (float, float)
        Colour-scale limits (dimensionless; ``figures.s4max_limits``).
    geomagnetic_latitudes : sequence of float
        Geomagnetic latitudes of the contours (degrees; ``figures.geomagnetic_latitudes``);
        0 is drawn dashed.
    coastline_shapefile : str or None
        Shoreline shapefile; None = the bundled one (``figures.coastline_shapefile``).
    years : sequence of int
        Years of the climatology (title and dipole epoch, :func:`geomagnetic_epoch`).

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the map axes' first collection is the S4max mesh, whose
        ``colorbar`` is the colour bar.

    Raises
    ------
    ValueError
        If the panel's season is not the season of ``ds``.
    """
    import cartopy.crs as ccrs
    import matplotlib.pyplot as plt

    season = str(ds.season.values[0])
    if FIG2_PANEL_SEASON.get(panel) != season:
        raise ValueError(f"Fig. 2{panel} is the {FIG2_PANEL_SEASON.get(panel)} map, not {season}")
    apply_style()
    mean = ds["s4max_mean"].isel(season=0)
    count = ds["count"].isel(season=0)
    vmin, vmax = s4max_limits

    fig = plt.figure(figsize=(FULL_WIDTH_IN, 3.6))
    ax = global_map_axes(fig)
    lon_edges = np.append(ds["lon_bnds"].values[:, 0], ds["lon_bnds"].values[-1, 1])
    lat_edges = np.append(ds["lat_bnds"].values[:, 0], ds["lat_bnds"].values[-1, 1])
    mesh = ax.pcolormesh(
        lon_edges,
        lat_edges,
        mean.values,
        cmap="turbo",
        vmin=vmin,
        vmax=vmax,
        transform=ccrs.PlateCarree(),
        rasterized=True,
        zorder=1,
    )
    add_coastlines(ax, coastline_shapefile, edgecolor="black", linewidth=0.5)
    if "covered" in ds:
        # Latitudes no pooled mission observes: hatched grey, "not observed", distinct
        # from a blank cell (too few events) inside the coverage.
        uncovered = np.where(ds["covered"].values[:, None] == 0, 1.0, np.nan)
        ax.pcolor(
            lon_edges,
            lat_edges,
            np.broadcast_to(uncovered, mean.shape),
            cmap="Greys",
            vmin=0.0,
            vmax=4.0,
            hatch="///",
            edgecolor="0.55",
            linewidth=0.0,
            transform=ccrs.PlateCarree(),
            zorder=2,
        )

    # Geomagnetic latitude contours (centred dipole, IGRF-14, middle year of the period).
    glon, glat = np.meshgrid(np.linspace(-180, 180, 361), np.linspace(-90, 90, 181))
    epoch = geomagnetic_epoch(years)
    mlat = geomagnetic_latitude(glat, glon, epoch)
    levels = sorted(geomagnetic_latitudes)
    nonzero = [lv for lv in levels if lv != 0]
    if nonzero:
        # linestyles given explicitly: matplotlib dashes negative levels by default.
        cs = ax.contour(
            glon,
            glat,
            mlat,
            levels=nonzero,
            colors="white",
            linewidths=0.8,
            linestyles="solid",
            transform=ccrs.PlateCarree(),
            zorder=4,
        )
        ax.clabel(cs, fmt=lambda v: f"{v:+.0f}°", fontsize=6, inline=True, colors="white")
    if 0 in levels:
        ax.contour(
            glon,
            glat,
            mlat,
            levels=[0],
            colors="white",
            linewidths=1.0,
            linestyles="--",
            transform=ccrs.PlateCarree(),
            zorder=4,
        )

    yr = _years_text(years)
    missions = ds.attrs.get("missions")
    who = f", {' + '.join(_MISSION_LABELS.get(m, m) for m in missions.split())}" if missions else ""
    ax.set_title(f"({panel}) Mean S4max, {season} {yr}{who}", loc="left")
    ax.text(
        0.99,
        0.02,
        f"N = {int(count.sum()):,} events",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="white",
        zorder=5,
    )
    cbar = fig.colorbar(mesh, ax=ax, orientation="vertical", shrink=0.85, pad=0.02, extend="max")
    lo, hi = ds.attrs.get("es_altitude_min_km"), ds.attrs.get("es_altitude_max_km")
    es = f"Es heights, {lo:g}–{hi:g} km" if lo is not None and hi is not None else "Es heights"
    cbar.set_label(f"S4max ({es})")
    note = (
        f"White lines: geomagnetic latitude {geomagnetic_levels_text(levels)}, "
        f"centred dipole IGRF-14 {epoch.year}."
    )
    if "covered" in ds and (ds["covered"].values == 0).any():
        coverage = _coverage_text(ds.attrs.get("coverage", "outside the coverage"))
        note += f" Hatched: not observed ({coverage})."
    ax.text(0.0, -0.13, note, fontsize=6, transform=ax.transAxes, va="top")
    return fig


_LAT_RANGE = re.compile(r"(-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?) degrees_north")


def _coverage_text(coverage: str) -> str:
    """The ``coverage`` attribute for a reader: "cosmic2: -45 to 45 degrees_north" -> "...45°S–45°N"."""

    def _lat(value: float) -> str:
        return f"{abs(value):g}°{'S' if value < 0 else 'N'}"

    return _LAT_RANGE.sub(lambda m: f"{_lat(float(m[1]))}–{_lat(float(m[2]))}", coverage)


def plot_fig2ab(
    maps_path: str | os.PathLike,
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    panel: str,
    s4max_limits: Sequence[float],
    geomagnetic_latitudes: Sequence[float],
    coastline_shapefile: str | None,
    dpi: int,
    years: Sequence[int],
) -> None:
    """Draw one panel of Fig. 2a,b from a seasonal map file and save it.

    Parameters
    ----------
    maps_path : path-like
        ``maps_{season}.nc`` written by :func:`estransport.climatology.gridding.write_seasonal_maps`.
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    panel, s4max_limits, geomagnetic_latitudes, coastline_shapefile, years
        See :func:`draw_fig2ab`.
    dpi : int
        Raster resolution (``figures.dpi``).
    """
    with open_dataset(maps_path) as ds:  # names the file if it is truncated or corrupt
        ds = ds.load()
    fig = draw_fig2ab(
        ds,
        panel=panel,
        s4max_limits=s4max_limits,
        geomagnetic_latitudes=geomagnetic_latitudes,
        coastline_shapefile=coastline_shapefile,
        years=years,
    )
    save_figure(fig, png_path, extra_paths, dpi=dpi)
