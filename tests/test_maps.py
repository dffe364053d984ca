"""Offline coastlines: bundled shoreline, drawn without polar seams."""

from __future__ import annotations

import numpy as np

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
