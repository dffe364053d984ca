"""Centred-dipole coordinates from IGRF-14 degree-1 coefficients."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from estransport.geomag import (
    dipole_coefficients,
    dipole_north_pole,
    geomagnetic_epoch,
    geomagnetic_latitude,
)


def test_coefficients_equal_ppigrf_at_model_epochs():
    from ppigrf.ppigrf import read_shc, shc_fn

    g, h = read_shc(shc_fn)
    for when in g.index[::4]:
        g10, g11, h11 = dipole_coefficients(when.to_pydatetime())
        assert g10 == pytest.approx(g[(1, 0)].loc[when], abs=1e-6)
        assert g11 == pytest.approx(g[(1, 1)].loc[when], abs=1e-6)
        assert h11 == pytest.approx(h[(1, 1)].loc[when], abs=1e-6)


def test_pole_2010_matches_published_value():
    # IGRF 2010 centred-dipole north pole: 80.0 N, 72.2 W (e.g. WDC Kyoto / NOAA tables).
    lat, lon = dipole_north_pole(dt.date(2010, 1, 1))
    assert lat == pytest.approx(80.0, abs=0.05)
    assert lon == pytest.approx(-72.2, abs=0.05)


def test_geomagnetic_latitude_properties():
    date = dt.date(2008, 7, 1)
    plat, plon = dipole_north_pole(date)
    assert geomagnetic_latitude(plat, plon, date) == pytest.approx(90.0, abs=1e-6)
    assert geomagnetic_latitude(-plat, plon + 180, date) == pytest.approx(-90.0, abs=1e-6)
    # A point 90 degrees from the pole lies on the geomagnetic equator.
    assert geomagnetic_latitude(plat - 90, plon, date) == pytest.approx(0.0, abs=1e-6)
    # Independent check: angle between unit vectors.
    rng = np.random.default_rng(0)
    lat, lon = rng.uniform(-90, 90, 50), rng.uniform(-180, 180, 50)

    def unit(la, lo):
        la, lo = np.radians(la), np.radians(lo)
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1)

    expected = 90 - np.degrees(np.arccos(np.clip(unit(lat, lon) @ unit(plat, plon), -1, 1)))
    np.testing.assert_allclose(geomagnetic_latitude(lat, lon, date), expected, atol=1e-8)


def test_geomagnetic_epoch_is_1_july_of_the_middle_year():
    assert geomagnetic_epoch([2008]) == dt.date(2008, 7, 1)
    assert geomagnetic_epoch([2011, 2006, 2007, 2008, 2009, 2010]) == dt.date(2009, 7, 1)
    assert geomagnetic_epoch([2006, 2007, 2008]) == dt.date(2007, 7, 1)
