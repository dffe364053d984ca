"""Mission coverage masks: cells no pooled mission observes are blank, not zero."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from estransport.climatology.coverage import Coverage, apply_coverage, covered_latitudes


def test_union_of_bands():
    lat = np.arange(-87.5, 90, 5.0)
    c2 = Coverage("cosmic2", -45.0, 45.0)
    assert covered_latitudes(lat, [c2]).sum() == 18  # centres -42.5 .. 42.5
    assert covered_latitudes(lat, [c2, Coverage("cosmic1", -90, 90)]).all()
    north = Coverage("x", 50.0, 90.0)
    both = covered_latitudes(lat, [c2, north])
    assert both.sum() == 18 + 8 and not both[lat == 47.5].any()


def test_apply_coverage_blanks_means_keeps_counts():
    lat = np.array([-60.0, 0.0, 60.0])
    ds = xr.Dataset(
        {"s4max_mean": (("lat", "lon"), np.full((3, 2), 0.3, np.float32), {"units": "1"}),
         "count": (("lat", "lon"), np.full((3, 2), 4, np.int32))},
        coords={"lat": lat, "lon": [0.0, 10.0]},
    )
    out = apply_coverage(ds, [Coverage("cosmic2", -45, 45)], variables=["s4max_mean"])
    assert np.isnan(out["s4max_mean"].sel(lat=60.0)).all()
    assert (out["s4max_mean"].sel(lat=0.0) == np.float32(0.3)).all()
    assert out["s4max_mean"].dtype == np.float32 and out["s4max_mean"].attrs["units"] == "1"
    assert (out["count"] == 4).all()
    assert out["covered"].values.tolist() == [0, 1, 0]
    assert out.attrs["missions"] == "cosmic2"
    assert "cosmic2: -45 to 45 degrees_north" in out.attrs["coverage"]


def test_bad_band():
    with pytest.raises(ValueError, match="lat_min < lat_max"):
        Coverage("x", 10, -10)
