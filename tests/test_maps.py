"""Offline coastlines: bundled shoreline, drawn without polar seams."""

from __future__ import annotations

import numpy as np
import pytest

from estransport.plotting.maps import POLE_EDGE_DEG, _coastline_geometries, bundled_coastline_path


def test_bundled_coastline_has_no_polar_seam():
    lines = _coastline_geometries(bundled_coastline_path())
    assert len(lines) > 100
    ys = np.concatenate([np.asarray(line.coords)[:, 1] for line in lines])
    xs = np.concatenate([np.asarray(line.coords)[:, 0] for line in lines])
    # The artificial pole edge (and the seam meridian running down to it) is gone ...
    assert np.abs(ys).max() < POLE_EDGE_DEG
    # ... but the Antarctic coast itself is still drawn, and every continent is there.
    assert ys.min() < -70
    assert xs.min() < -170 and xs.max() > 170 and ys.max() > 80


# --- Fig. 2a,b: what the drawn figure shows ------------------------------------------------------


def _season_map(season: str, es_range=(95.0, 125.0)):
    """A small seasonal map as write_seasonal_maps writes it (10-degree cells, a few events)."""
    from estransport.climatology.gridding import MONTH_TO_SEASON, SEASONS, SeasonalGrid

    month = int(np.flatnonzero(MONTH_TO_SEASON == SEASONS.index(season))[0])
    rng = np.random.default_rng(0)
    n = 3000
    grid = SeasonalGrid(10.0, complete_winters_only=False)
    grid.add(
        rng.uniform(-90, 90, n),
        rng.uniform(-180, 180, n),
        rng.gamma(2, 0.2, n),
        np.full(n, 2008),
        np.full(n, month),
    )
    ds = grid.to_dataset(min_count=1, smoothing_cells=0).sel(season=[season])
    ds.attrs["es_altitude_min_km"], ds.attrs["es_altitude_max_km"] = es_range
    return ds


def _draw(ds, panel="a", **kw):
    from estransport.plotting.fig2ab import draw_fig2ab

    args = {
        "s4max_limits": [0.1, 0.8],
        "geomagnetic_latitudes": [-80, -70, -60, 0, 60, 70, 80],
        "coastline_shapefile": None,
        "years": [2008],
    }
    args.update(kw)
    return draw_fig2ab(ds, panel=panel, **args)


def _mesh_and_contours(fig):
    from matplotlib.collections import QuadMesh
    from matplotlib.contour import ContourSet

    ax = fig.axes[0]
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    return ax, meshes, contours


def test_fig2ab_colour_bar_shows_the_recorded_es_range_and_limits():
    """The colour bar label comes from the map file's Es range, its scale from s4max_limits."""
    import matplotlib.pyplot as plt

    fig = _draw(_season_map("DJF", es_range=(95.0, 125.0)), s4max_limits=[0.1, 0.8])
    try:
        _, meshes, _ = _mesh_and_contours(fig)
        assert len(meshes) == 1
        cbar = meshes[0].colorbar
        assert cbar is not None and cbar.ax in fig.axes
        assert cbar.ax.get_ylabel() == "S4max (Es heights, 95–125 km)"
        assert (cbar.norm.vmin, cbar.norm.vmax) == (0.1, 0.8)
        assert tuple(cbar.ax.get_ylim()) == pytest.approx((0.1, 0.8))
    finally:
        plt.close(fig)
    fig = _draw(_season_map("DJF", es_range=(90.0, 130.0)))
    try:
        _, meshes, _ = _mesh_and_contours(fig)
        assert meshes[0].colorbar.ax.get_ylabel() == "S4max (Es heights, 90–130 km)"
    finally:
        plt.close(fig)


def test_fig2ab_draws_the_configured_geomagnetic_levels_and_says_so():
    import matplotlib.pyplot as plt

    fig = _draw(_season_map("JJA"), panel="b", geomagnetic_latitudes=[65, -65, 0])
    try:
        ax, _, contours = _mesh_and_contours(fig)
        drawn = sorted(float(lv) for c in contours for lv in c.levels)
        assert drawn == [-65.0, 0.0, 65.0]
        texts = " ".join(t.get_text() for t in ax.texts)
        assert "±65° (solid) and the geomagnetic equator (dashed)" in texts
        assert "±60°" not in texts
        assert ax.get_title(loc="left").startswith("(b) Mean S4max, JJA 2008")
    finally:
        plt.close(fig)


def test_geomagnetic_levels_text():
    from estransport.plotting.fig2ab import geomagnetic_levels_text

    assert (
        geomagnetic_levels_text([-80, -70, -60, 0, 60, 70, 80])
        == "±60°, ±70°, ±80° (solid) and the geomagnetic equator (dashed)"
    )
    assert geomagnetic_levels_text([60, -70]) == "+60°, −70° (solid)"
    assert geomagnetic_levels_text([0]) == "the geomagnetic equator (dashed)"
    assert geomagnetic_levels_text([]) == "none"


def test_fig2ab_panel_of_the_wrong_season_is_an_error():
    with pytest.raises(ValueError, match="Fig. 2a is the DJF map"):
        _draw(_season_map("JJA"), panel="a")
