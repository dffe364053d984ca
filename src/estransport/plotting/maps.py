"""Map helpers that never touch the network: bundled coastlines and map axes.

Cartopy's PyPI wheel ships no shoreline data and ``ax.coastlines()`` downloads
Natural Earth at plot time, which fails offline. The package therefore ships
the GSHHG crude level-1 shoreline (LGPL-3.0+, see ``data/coastlines/COPYING.GSHHG``)
and draws it with a :class:`cartopy.feature.ShapelyFeature`.
"""

from __future__ import annotations

import functools
import os
from importlib import resources

import cartopy.crs as ccrs
import cartopy.feature as cfeature
from cartopy.io import shapereader

from ..errors import InputFileError


def bundled_coastline_path() -> str:
    """Path of the bundled GSHHG crude L1 shoreline shapefile (``.shp``)."""
    return str(resources.files("estransport") / "data" / "coastlines" / "GSHHS_c_L1.shp")


#: Vertices this close to a pole are artificial edges that close polar polygons
#: (Antarctica in GSHHS L1 is closed along the pole and a seam meridian).
POLE_EDGE_DEG = 89.5


def _coast_lines(geom):
    """Boundary lines of a polygon, split where they run through a pole edge."""
    import numpy as np
    import shapely

    lines = []
    for ring in shapely.get_parts(shapely.boundary(geom)):
        xy = np.asarray(ring.coords)
        polar = np.abs(xy[:, 1]) >= POLE_EDGE_DEG
        if not polar.any():
            lines.append(ring)
            continue
        # Keep the runs of non-polar vertices; segments that touch the pole edge
        # (the bottom edge and the seam down to it) are dropped.
        start = None
        for i, is_polar in enumerate([*polar, True]):
            if not is_polar and start is None:
                start = i
            elif is_polar and start is not None:
                if i - start >= 2:
                    lines.append(shapely.LineString(xy[start:i]))
                start = None
    return lines


@functools.lru_cache(maxsize=4)
def _coastline_geometries(shapefile: str) -> tuple:
    if not os.path.exists(shapefile):
        raise InputFileError(shapefile, "coastline shapefile does not exist")
    import shapefile as pyshp

    # pyshp reports GSHHS rings stored as holes; irrelevant once rings become lines.
    verbose, pyshp.VERBOSE = pyshp.VERBOSE, False
    try:
        lines = []
        for geom in shapereader.Reader(shapefile).geometries():
            lines.extend(_coast_lines(geom))
    finally:
        pyshp.VERBOSE = verbose
    return tuple(lines)


def add_coastlines(ax, shapefile: str | None = None, **kwargs) -> None:
    """Draw shorelines on a cartopy GeoAxes from a local shapefile.

    Parameters
    ----------
    ax : cartopy.mpl.geoaxes.GeoAxes
        Target axes.
    shapefile : str, optional
        Shoreline shapefile in geographic coordinates (degrees); default the
        bundled GSHHG crude L1 file.
    **kwargs
        Passed to ``ax.add_feature`` (default: black 0.4 pt line, no fill).
    """
    shapefile = shapefile or bundled_coastline_path()
    feature = cfeature.ShapelyFeature(
        _coastline_geometries(shapefile), ccrs.PlateCarree(), facecolor="none"
    )
    style = {"edgecolor": "black", "linewidth": 0.4, "zorder": 3}
    style.update(kwargs)
    ax.add_feature(feature, **style)


def global_map_axes(fig, rect=111, *, central_longitude: float = 0.0):
    """A global PlateCarree GeoAxes with labelled 60-degree longitude / 30-degree latitude grid.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to add the axes to.
    rect : int or tuple
        Subplot specification.
    central_longitude : float
        Central meridian in degrees east.

    Returns
    -------
    cartopy.mpl.geoaxes.GeoAxes
    """
    ax = fig.add_subplot(rect, projection=ccrs.PlateCarree(central_longitude=central_longitude))
    ax.set_global()
    gl = ax.gridlines(
        crs=ccrs.PlateCarree(),
        draw_labels=True,
        xlocs=range(-180, 181, 60),
        ylocs=range(-90, 91, 30),
        linewidth=0.3,
        color="0.6",
        linestyle=":",
    )
    gl.top_labels = False
    gl.right_labels = False
    return ax
