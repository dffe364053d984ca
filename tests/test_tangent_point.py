"""Tangent point of straight LEO-GNSS rays on WGS-84, against independent calculations.

Two independent references:

* a construction: a ray through a chosen geodetic point P, horizontal there, has
  its least geodetic height at P (the surfaces of constant height are convex),
  so the tangent point must come back as P;
* a brute force: the geodetic height along the ray from PROJ (pyproj, EPSG:4978
  -> EPSG:4979, its own ellipsoid code), minimised numerically by scipy.

The issue's tolerance is 0.1 km and 0.01 degrees; the code is far better.
"""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer
from scipy.optimize import minimize_scalar

from estransport.physics.tangent_point import (
    ecef_to_geodetic,
    geodetic_to_ecef,
    local_solar_time,
    tangent_points,
)

TOL_KM = 0.1
TOL_DEG = 0.01
ECEF_TO_LLH = Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
LLH_TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


def _horizontal_rays(lat, lon, h, az, leo_alt_km=540.0, gnss_r_km=26560.0):
    """LEO and GNSS on a straight line through P(lat, lon, h), horizontal at P, azimuth az."""
    px, py, pz = geodetic_to_ecef(lat, lon, h)
    la, lo = np.radians(lat), np.radians(lon)
    north = np.array([-np.sin(la) * np.cos(lo), -np.sin(la) * np.sin(lo), np.cos(la)])
    east = np.array([-np.sin(lo), np.cos(lo), np.zeros_like(lo)])
    d = np.cos(az) * north + np.sin(az) * east
    p = np.array([px, py, pz])
    r2 = (p**2).sum(axis=0)
    s_leo = np.sqrt((6378.137 + leo_alt_km) ** 2 - r2)
    s_gnss = np.sqrt(gnss_r_km**2 - r2)
    return p + s_leo * d, p - s_gnss * d


def _dlon(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def test_construction_recovers_the_point():
    rng = np.random.default_rng(11)
    n = 5000
    lat = rng.uniform(-89.5, 89.5, n)
    lon = rng.uniform(-180.0, 180.0, n)
    h = rng.uniform(50.0, 450.0, n)
    az = rng.uniform(0.0, 2.0 * np.pi, n)
    leo, gnss = _horizontal_rays(lat, lon, h, az)
    tlat, tlon, th = tangent_points(leo, gnss)
    assert np.isfinite(th).all()
    assert np.abs(tlat - lat).max() < 1e-7
    assert (_dlon(tlon, lon) * np.cos(np.radians(lat))).max() < 1e-7
    assert np.abs(th - h).max() < 1e-6
    # The ray's direction does not matter: GNSS -> LEO gives the same point.
    blat, blon, bh = tangent_points(gnss, leo)
    assert np.abs(blat - tlat).max() < 1e-9 and np.abs(bh - th).max() < 1e-9


def _brute_force(leo, gnss):
    """Least PROJ geodetic height along the segment, by bounded scalar minimisation."""
    leo = np.asarray(leo, float)
    gnss = np.asarray(gnss, float)

    def height(t):
        x, y, z = (leo + t * (gnss - leo)) * 1e3
        return ECEF_TO_LLH.transform(x, y, z)[2] / 1e3

    # A coarse scan brackets the minimum; the bounded search refines it.
    ts = np.linspace(0.0, 1.0, 2001)
    xyz = (leo[:, None] + ts * (gnss - leo)[:, None]) * 1e3
    hs = ECEF_TO_LLH.transform(*xyz)[2] / 1e3
    k = int(np.argmin(hs))
    lo, hi = ts[max(k - 1, 0)], ts[min(k + 1, len(ts) - 1)]
    res = minimize_scalar(height, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    x, y, z = (leo + res.x * (gnss - leo)) * 1e3
    lon, lat, h = ECEF_TO_LLH.transform(x, y, z)
    return lat, lon, h / 1e3


def test_cosmic2_geometry_against_proj_brute_force():
    """Occulting pairs from COSMIC-2-like orbits (540 km, 24 deg) and GPS orbits."""
    rng = np.random.default_rng(5)
    checked = 0
    while checked < 60:
        # LEO on a circular orbit of inclination 24 degrees, GNSS anywhere at 26,560 km.
        u, node = rng.uniform(0, 2 * np.pi, 2)
        inc = np.radians(24.0)
        r_leo = 6378.137 + 540.0
        leo = r_leo * np.array(
            [
                np.cos(node) * np.cos(u) - np.sin(node) * np.sin(u) * np.cos(inc),
                np.sin(node) * np.cos(u) + np.cos(node) * np.sin(u) * np.cos(inc),
                np.sin(u) * np.sin(inc),
            ]
        )
        g = rng.normal(size=3)
        gnss = 26560.0 * g / np.linalg.norm(g)
        tlat, tlon, th = tangent_points(tuple(leo), tuple(gnss))
        if not np.isfinite(th) or not (0.0 < th < 400.0):
            continue  # keep links whose tangent point is in the ionosphere or below
        blat, blon, bh = _brute_force(leo, gnss)
        assert abs(float(th) - bh) < TOL_KM
        assert abs(float(tlat) - blat) < TOL_DEG
        assert _dlon(tlon, blon) < TOL_DEG
        # Far inside the tolerance in practice: the minimum is flat (height is quadratic
        # along the ray), so the brute force itself places it only to about a metre.
        assert abs(float(th) - bh) < 1e-5 and abs(float(tlat) - blat) < 1e-4
        checked += 1


def test_links_above_the_horizon_have_no_tangent_point():
    leo = geodetic_to_ecef(10.0, 20.0, 540.0)
    up = geodetic_to_ecef(12.0, 21.0, 20200.0)  # GNSS high above the LEO
    lat, lon, h = tangent_points(leo, up)
    assert np.isnan(lat) and np.isnan(lon) and np.isnan(h)
    assert np.isnan(tangent_points(leo, (np.nan, 0.0, 0.0))[2])


def test_geodetic_conversions_match_proj():
    rng = np.random.default_rng(3)
    n = 2000
    lat = rng.uniform(-89.99, 89.99, n)
    lon = rng.uniform(-180, 180, n)
    h = rng.choice([0.0, 100.0, 540.0, 20200.0], n) + rng.uniform(-1, 1, n)
    x, y, z = geodetic_to_ecef(lat, lon, h)
    px, py, pz = LLH_TO_ECEF.transform(lon, lat, h * 1e3)
    assert np.abs(np.array([x, y, z]) * 1e3 - np.array([px, py, pz])).max() < 1e-3  # 1 mm
    blat, blon, bh = ecef_to_geodetic(x, y, z)
    # Round trip through our own pair: exact to rounding.
    assert np.abs(blat - lat).max() < 1e-10 and np.abs(bh - h).max() < 1e-9
    # Against PROJ's inverse where it agrees to a centimetre (below 1,000 km; at GNSS
    # heights PROJ's own inverse is off by decimetres, so the round trip above is the check).
    low = h < 1000.0
    plon, plat, ph = ECEF_TO_LLH.transform(px[low], py[low], pz[low])
    assert np.abs(blat[low] - plat).max() < 1e-7  # 1 cm
    assert (_dlon(blon[low], plon) * np.cos(np.radians(plat))).max() < 1e-7
    assert np.abs(bh[low] - ph / 1e3).max() < 1e-5  # 1 cm


def test_local_solar_time_wraps():
    assert local_solar_time(23.0, 30.0) == pytest.approx(1.0)
    assert local_solar_time(1.0, -30.0) == pytest.approx(23.0)
    assert local_solar_time(12.0, 180.0) == pytest.approx(0.0)
