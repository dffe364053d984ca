"""Paper Fig. 5: the ionosonde stations and their long-term smoothed foEs.

Panel (a) maps the stations of every chain (offline coastlines, see
:mod:`.maps`). One further panel per chain shows each station's smoothed daily
foEs (the centred moving average of ``window_days`` days of the analysis),
coloured from red (station nearest the equator) to blue (farthest from it), as
in the paper.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pandas as pd

from ..ionosonde.stations import Station
from .maps import add_coastlines
from .style import FULL_WIDTH_IN, apply_style, save_figure

#: Colours from low (red) to high (blue) absolute latitude, as the paper's Fig. 5; the purple
#: middle keeps mid-latitude lines saturated (a diverging map's pale middle is hard to read).
LATITUDE_COLOURS = ("#b2182b", "#d6604d", "#8e44ad", "#4393c3", "#2166ac", "#053061")
#: Map extent (lon min, lon max, lat min, lat max), degrees; widened to include every station.
MAP_EXTENT = (-25.0, 140.0, -5.0, 72.0)


def latitude_label(lat: float) -> str:
    """A latitude for a legend: ``18.3°N``, ``21.8°S``."""
    return f"{abs(lat):.1f}°{'N' if lat >= 0 else 'S'}"


def latitude_colours(lats: Sequence[float]) -> tuple[mcolors.Normalize, Any]:
    """Normaliser and colour map for station latitudes (red = lowest, blue = highest).

    Parameters
    ----------
    lats : sequence of float
        Station latitudes, degrees (absolute latitudes to colour by distance
        from the equator).

    Returns
    -------
    (matplotlib.colors.Normalize, matplotlib.colors.Colormap)
    """
    lo, hi = min(lats), max(lats)
    if hi == lo:
        hi = lo + 1.0
    cmap = mcolors.LinearSegmentedColormap.from_list("lat_red_blue", LATITUDE_COLOURS)
    return mcolors.Normalize(lo, hi), cmap


def plot_fig5(
    daily: pd.DataFrame,
    stations: Sequence[Station],
    png_path: str | os.PathLike,
    extra_paths: Sequence[str | os.PathLike] = (),
    *,
    window_days: int,
    dpi: int,
    coastline_shapefile: str | None,
) -> None:
    """Draw Fig. 5 from the analysis' daily table.

    Parameters
    ----------
    daily : pandas.DataFrame
        ``results/ionosonde/daily.parquet`` (``station``, ``date``,
        ``foEs_smoothed_MHz`` in MHz).
    stations : sequence of Station
        Registry rows of the stations to show (in registry order).
    png_path : path-like
        PNG output.
    extra_paths : sequence of path-like
        Further outputs (PDF, SVG).
    window_days : int
        Smoothing window of ``foEs_smoothed_MHz``, days (for the panel titles).
    dpi : int
        Raster resolution.
    coastline_shapefile : str or None
        Shoreline shapefile of the map; None = the bundled GSHHG crude file.
    """
    import cartopy.crs as ccrs

    apply_style()
    chains = list(dict.fromkeys(s.chain for s in stations))
    norm, cmap = latitude_colours([abs(s.lat) for s in stations])
    southern = any(s.lat < 0 for s in stations)

    fig = plt.figure(figsize=(FULL_WIDTH_IN, 2.9 + 1.7 * len(chains)))
    gs = fig.add_gridspec(
        1 + len(chains), 1, height_ratios=[2.6] + [1.5] * len(chains), hspace=0.35
    )
    ax_map = fig.add_subplot(gs[0], projection=ccrs.PlateCarree())
    lon0, lon1, lat0, lat1 = MAP_EXTENT
    lon0 = min(lon0, min(s.lon for s in stations) - 5)
    lon1 = max(lon1, max(s.lon for s in stations) + 5)
    lat0 = min(lat0, min(s.lat for s in stations) - 5)
    lat1 = max(lat1, max(s.lat for s in stations) + 5)
    ax_map.set_extent([lon0, lon1, lat0, lat1], crs=ccrs.PlateCarree())
    add_coastlines(ax_map, coastline_shapefile)
    gl = ax_map.gridlines(
        crs=ccrs.PlateCarree(),
        draw_labels=True,
        linewidth=0.3,
        color="0.6",
        linestyle=":",
        xlocs=range(-180, 181, 30),
        ylocs=range(-90, 91, 15),
    )
    gl.top_labels = gl.right_labels = False
    for s in stations:
        ax_map.plot(
            s.lon,
            s.lat,
            marker="^",
            ms=6,
            mec="k",
            mew=0.4,
            color=cmap(norm(abs(s.lat))),
            transform=ccrs.PlateCarree(),
            zorder=5,
        )
        ax_map.text(
            s.lon + 3.5,
            s.lat,
            s.name,
            fontsize=6,
            va="center",
            transform=ccrs.PlateCarree(),
            zorder=6,
        )
    ax_map.set_title("(a) Ionosonde stations", loc="left")

    letters = "bcdefghij"
    for k, chain in enumerate(chains):
        ax = fig.add_subplot(gs[1 + k])
        members = sorted((s for s in stations if s.chain == chain), key=lambda s: s.lat)
        for s in members:
            d = daily.loc[daily["station"] == s.code]
            ax.plot(
                pd.to_datetime(d["date"]),
                d["foEs_smoothed_MHz"],
                lw=0.9,
                color=cmap(norm(abs(s.lat))),
                label=f"{s.name} ({latitude_label(s.lat)})",
            )
        ax.set_ylabel("smoothed foEs (MHz)")
        ax.set_title(
            f"({letters[k]}) {chain} chain: {window_days}-day smoothed daily mean foEs", loc="left"
        )
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(
            handles[::-1],
            labels[::-1],
            loc="center left",
            fontsize=6,
            bbox_to_anchor=(1.01, 0.5),
            frameon=False,
        )  # highest latitude on top
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(sm, ax=ax_map, orientation="vertical", shrink=0.8, pad=0.02, fraction=0.03)
    cbar.set_label("|latitude| (°)" if southern else "latitude (°N)")
    save_figure(fig, png_path, extra_paths, dpi=dpi)
