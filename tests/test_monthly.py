"""Monthly latitude-altitude climatology and the column-density ratio."""

from __future__ import annotations

import numpy as np
import pytest

from estransport.climatology.monthly import MonthlyLatAltGrid, column_density_ratio


def test_monthly_grid_matches_naive_reference():
    rng = np.random.default_rng(5)
    n = 5000
    lat = rng.uniform(-90, 90, n)
    alt = rng.uniform(85, 135, n)  # some outside 90-130: ignored
    s4 = rng.gamma(2, 0.2, n)
    month = rng.integers(1, 13, n)
    grid = MonthlyLatAltGrid(10.0, altitude_km=(90, 130), alt_resolution_km=5.0)
    grid.add(lat, alt, s4, np.full(n, 2008), month)
    inside = (alt >= 90) & (alt <= 130)
    assert grid.n_events == inside.sum()
    ds = grid.to_dataset(min_count=1, min_valid_fraction=0.5)
    for _ in range(50):
        m, k, i = rng.integers(1, 13), rng.integers(0, 8), rng.integers(0, 18)
        sel = (
            inside
            & (month == m)
            & (np.minimum((alt - 90) // 5, 7) == k)
            & (np.minimum((lat + 90) // 10, 17) == i)
        )
        assert ds["count"].values[m - 1, k, i] == sel.sum()
        if sel.sum():
            assert ds["s4max_mean"].values[m - 1, k, i] == pytest.approx(s4[sel].mean(), rel=1e-6)


def test_ratio_has_unit_area_weighted_mean_every_month():
    rng = np.random.default_rng(0)
    lat = -87.5 + 5.0 * np.arange(36)
    mean = rng.gamma(2, 0.2, (12, 20, 36))
    mean[rng.random(mean.shape) < 0.3] = np.nan  # scattered gaps: bands stay usable
    mean[:, :, :3] = np.nan  # no data near the south pole
    mean[:, :15, 3] = np.nan  # a band with only 25 % valid bins: excluded
    column, ratio = column_density_ratio(mean, lat, 2.0, min_valid_fraction=0.5)
    w = np.cos(np.radians(lat))
    for m in range(12):
        ok = np.isfinite(mean[m]).sum(axis=0) >= 10  # at least half of the 20 bins
        assert not ok[:4].any() and ok[4:].sum() > 25
        assert np.sum(ratio[m, ok] * w[ok]) / np.sum(w[ok]) == pytest.approx(1.0, abs=1e-12)
        assert np.isnan(ratio[m, ~ok]).all()
    # Column density: mean over valid bins times the layer thickness (20 bins x 2 km).
    np.testing.assert_allclose(column[:, 5], np.nanmean(mean[:, :, 5], axis=1) * 40.0)


def test_sparse_sampling_does_not_bias_the_column():
    """A uniform layer seen through random gaps keeps its column density (gaps are not zeros)."""
    rng = np.random.default_rng(1)
    lat = -87.5 + 5.0 * np.arange(36)
    mean = np.full((12, 20, 36), 0.3)
    # Southern bands sampled sparsely: 40 % of their bins missing.
    south = mean[:, :, :18]
    south[rng.random(south.shape) < 0.4] = np.nan
    column, ratio = column_density_ratio(mean, lat, 2.0, min_valid_fraction=0.5)
    usable = np.isfinite(ratio)
    np.testing.assert_allclose(column[usable], 0.3 * 40.0)
    np.testing.assert_allclose(ratio[usable], 1.0)


def test_uniform_intensity_gives_ratio_one():
    lat = -87.5 + 5.0 * np.arange(36)
    column, ratio = column_density_ratio(
        np.full((12, 20, 36), 0.3), lat, 2.0, min_valid_fraction=0.5
    )
    np.testing.assert_allclose(ratio, 1.0)
    np.testing.assert_allclose(column, 0.3 * 20 * 2.0)
