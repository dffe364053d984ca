"""Mission coverage masks: cells no pooled mission observes are blank, not zero."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from estransport.climatology.coverage import Coverage, apply_coverage, covered_latitudes


def test_union_of_bands():
    lat = np.arange(-87.5, 90, 5.0)
    lo, hi = lat - 2.5, lat + 2.5
    c2 = Coverage("cosmic2", -45.0, 45.0)
    assert covered_latitudes(lo, hi, [c2]).sum() == 18  # centres -42.5 .. 42.5
    assert covered_latitudes(lo, hi, [c2, Coverage("cosmic1", -90, 90)]).all()
    north = Coverage("x", 50.0, 90.0)
    both = covered_latitudes(lo, hi, [c2, north])
    assert both.sum() == 18 + 8 and not both[lat == 47.5].any()
    # A cell straddling the edge of a band is not covered ...
    ten = np.arange(-85.0, 90, 10.0)
    assert covered_latitudes(ten - 5, ten + 5, [c2]).tolist() == (np.abs(ten) < 45).tolist()
    # ... unless the union of the bands covers it wholly.
    joined = covered_latitudes(ten - 5, ten + 5, [c2, Coverage("n", 45.0, 90.0)])
    assert joined[ten == 45].all() and not joined[ten == -45].any()


def test_apply_coverage_blanks_means_keeps_counts():
    lat = np.array([-60.0, 0.0, 60.0])
    ds = xr.Dataset(
        {
            "s4max_mean": (("lat", "lon"), np.full((3, 2), 0.3, np.float32), {"units": "1"}),
            "count": (("lat", "lon"), np.full((3, 2), 4, np.int32)),
            "lat_bnds": (("lat", "nv"), np.stack([lat - 10, lat + 10], axis=1)),
        },
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


def _events(path, lat, s4):
    import pandas as pd

    n = len(lat)
    pd.DataFrame(
        {
            "time": pd.to_datetime(["2022-01-15"] * n),
            "lattp_s4max": lat,
            "lontp_s4max": np.zeros(n),
            "alttp_s4max": np.full(n, 105.0),
            "s4max": s4,
        }
    ).to_parquet(path)
    return path


def test_writers_mask_outside_the_coverage(tmp_path):
    from estransport.climatology.gridding import write_seasonal_maps
    from estransport.climatology.monthly import write_monthly_lat_alt

    ev = _events(
        tmp_path / "e.parquet", [-60.0, -20.0, 20.0, 43.0, 47.0], [0.2, 0.3, 0.4, 0.5, 0.6]
    )
    cov = [Coverage("cosmic2", -45.0, 45.0)]
    out = [tmp_path / f"maps_{s}.nc" for s in ("DJF", "MAM", "JJA", "SON")]
    write_seasonal_maps(
        [ev],
        out,
        resolution_deg=10.0,
        min_count=1,
        complete_winters_only=False,
        smoothing_cells=0,
        years=[2022],
        es_altitude_km=(90.0, 130.0),
        coverage=cov,
    )
    with xr.open_dataset(out[0]) as ds:
        mean = ds["s4max_mean"].isel(season=0).sel(lon=5.0).to_series()
        count = ds["count"].isel(season=0).sel(lon=5.0).to_series()
        assert mean[-15.0] == pytest.approx(0.3) and mean[25.0] == pytest.approx(0.4)
        assert np.isnan(mean[-55.0]) and count[-55.0] == 1  # counted, not drawn
        assert np.isnan(mean[45.0]) and count[45.0] == 2  # 40-50 straddles the edge: blank
        assert ds.attrs["missions"] == "cosmic2"
    monthly = tmp_path / "monthly.nc"
    write_monthly_lat_alt(
        [ev],
        monthly,
        lat_resolution_deg=10.0,
        alt_resolution_km=20.0,
        min_count=1,
        min_valid_fraction=0.5,
        altitude_km=(90.0, 130.0),
        years=[2022],
        coverage=cov,
    )
    with xr.open_dataset(monthly) as ds:
        col = ds["column_density"].sel(month=1).to_series()
        assert np.isfinite(col[-15.0]) and np.isfinite(col[25.0])
        assert np.isnan(col[-55.0]) and np.isnan(col[45.0])  # outside: no column, not in the mean
        ratio = ds["column_density_ratio"].sel(month=1)
        w = np.cos(np.radians(ratio.lat))
        ok = np.isfinite(ratio)
        assert float((ratio * w).where(ok).sum() / w.where(ok).sum()) == pytest.approx(1.0)
        assert ds["covered"].sel(lat=-55.0) == 0 and ds.attrs["coverage"]


def test_figure_note_gives_the_coverage_in_degrees_south_and_north():
    from estransport.plotting.fig2ab import _coverage_text

    assert _coverage_text("cosmic2: -45 to 45 degrees_north") == "cosmic2: 45°S–45°N"
    assert (
        _coverage_text("cosmic2: -45 to 45 degrees_north; spire: -60.5 to 10 degrees_north")
        == "cosmic2: 45°S–45°N; spire: 60.5°S–10°N"
    )
    assert _coverage_text("outside the coverage") == "outside the coverage"
