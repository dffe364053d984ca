"""Tangent point of a straight LEO-GNSS ray over the WGS-84 ellipsoid.

A radio-occultation sample is located at the *tangent point* of its ray: the
point of the straight line from the receiving LEO satellite to the
transmitting GNSS satellite that is closest to the Earth's surface, i.e. the
point of least geodetic (ellipsoidal) height along the line. CDAAC's
``podTc2`` files give, for every 1 Hz S4 sample, the LEO position at reception
and the GNSS position at transmission in Earth-centred, Earth-fixed
coordinates (km) but not the tangent latitude and longitude
(docs/formats.md §2.4), so the workflow computes them here.

Straight line, not bent ray: at Es heights (90-130 km) the ionospheric bending
of an L1 ray is of order 0.01-0.1 mrad, which moves the tangent point by well
under a kilometre [I arithmetic: 0.1 mrad x ~3,000 km lever arm = 0.3 km],
small beside the 2-km altitude bins and 5-degree cells of the climatologies.

Method
------
Along ``p(t) = L + t (G - L)`` the geodetic height ``h(p(t))`` is stationary
where the ellipsoid normal ``n(p)`` is perpendicular to the ray,
``g(t) = n(p(t)) . (G - L) = 0``. Starting from the closest approach to the
centre in coordinates where the ellipsoid is a sphere (``z`` scaled by
``a/b``), ``t`` is refined by Newton steps with the spherical derivative
``g' = (|d|^2 - g^2) / |p|`` (exact on a sphere, within the flattening,
~0.3 %, on the ellipsoid, so each step gains more than two digits). Geodetic
coordinates come from Bowring's (1976) iteration, run to convergence. The
minimum is a tangent point only if it lies strictly between the two
satellites; otherwise (a link above the LEO's horizon) the result is NaN.

The functions are vectorised over samples: a day of ~1 million samples is one
call.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "WGS84_A_KM",
    "WGS84_F",
    "ecef_to_geodetic",
    "geodetic_to_ecef",
    "local_solar_time",
    "tangent_points",
]

#: WGS-84 semi-major axis, km (NIMA TR8350.2, 3rd ed. 2000, Table 3.1: a = 6378137.0 m).
WGS84_A_KM = 6378.137
#: WGS-84 flattening (NIMA TR8350.2, 3rd ed. 2000, Table 3.1: 1/f = 298.257223563).
WGS84_F = 1.0 / 298.257223563
#: Semi-minor axis b = a (1 - f), km.
WGS84_B_KM = WGS84_A_KM * (1.0 - WGS84_F)
#: First eccentricity squared e^2 = f (2 - f).
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
#: Second eccentricity squared e'^2 = e^2 / (1 - e^2).
WGS84_EP2 = WGS84_E2 / (1.0 - WGS84_E2)

#: Newton steps on the ray parameter (each gains more than two digits; 4 reach 1e-9 km).
_NEWTON_STEPS = 4
#: Bowring iterations for the returned coordinates: 1 is sub-millimetre below 1,000 km
#: (Bowring 1976); GNSS altitudes (20,000 km) need 3 for 1e-8 degrees; 4 leave a margin.
_BOWRING_STEPS = 4


def geodetic_to_ecef(lat_deg, lon_deg, h_km):
    """Earth-centred, Earth-fixed coordinates of geodetic points on WGS-84.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geodetic latitude (degrees N) and longitude (degrees E).
    h_km : array_like
        Height above the ellipsoid (km).

    Returns
    -------
    x, y, z : numpy.ndarray
        ECEF coordinates (km), broadcast over the inputs.
    """
    lat = np.radians(np.asarray(lat_deg, float))
    lon = np.radians(np.asarray(lon_deg, float))
    h = np.asarray(h_km, float)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat**2)  # prime-vertical radius (km)
    x = (n + h) * cos_lat * np.cos(lon)
    y = (n + h) * cos_lat * np.sin(lon)
    z = (n * (1.0 - WGS84_E2) + h) * sin_lat
    return x, y, z


def ecef_to_geodetic(x, y, z):
    """Geodetic latitude, longitude and height of ECEF points (Bowring's iteration).

    Parameters
    ----------
    x, y, z : array_like
        ECEF coordinates (km).

    Returns
    -------
    lat_deg, lon_deg, h_km : numpy.ndarray
        Geodetic latitude (degrees N), longitude (degrees E, -180..180) and
        height above the WGS-84 ellipsoid (km).

    Notes
    -----
    Bowring (1976, Survey Review 23, 323-327) with the parametric latitude
    iterated; valid everywhere except within metres of the centre. Heights
    near the poles use the ``z`` form, which stays well conditioned there.
    """
    x, y, z = (np.asarray(a, float) for a in (x, y, z))
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    # Parametric (reduced) latitude start value, then Bowring's fixed point.
    beta = np.arctan2(z * WGS84_A_KM, p * WGS84_B_KM)
    for _ in range(_BOWRING_STEPS):
        lat = np.arctan2(
            z + WGS84_EP2 * WGS84_B_KM * np.sin(beta) ** 3,
            p - WGS84_E2 * WGS84_A_KM * np.cos(beta) ** 3,
        )
        beta = np.arctan((1.0 - WGS84_F) * np.tan(lat))
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = np.where(
            np.abs(cos_lat) > 0.1,
            p / np.where(cos_lat == 0.0, 1.0, cos_lat) - n,
            z / np.where(sin_lat == 0.0, 1.0, sin_lat) - n * (1.0 - WGS84_E2),
        )
    return np.degrees(lat), np.degrees(lon), h


def _normal(x, y, z):
    """Unit ellipsoid normal (geodetic "up") at ECEF points, without trigonometry.

    One step of Bowring's formula from the parametric latitude gives the
    geodetic latitude to well below a millimetre for heights under 1,000 km
    (Bowring 1976), which is all the Newton iteration on the ray needs.
    """
    p = np.hypot(x, y)
    u, v = z * WGS84_A_KM, p * WGS84_B_KM
    q = np.hypot(u, v)
    sin_b, cos_b = u / q, v / q
    num = z + WGS84_EP2 * WGS84_B_KM * sin_b**3
    den = p - WGS84_E2 * WGS84_A_KM * cos_b**3
    r = np.hypot(num, den)
    cos_lat = den / r
    safe_p = np.where(p > 0.0, p, 1.0)
    return cos_lat * x / safe_p, cos_lat * y / safe_p, num / r


def tangent_points(leo, gnss):
    """Tangent point (least geodetic height) of straight LEO-GNSS rays.

    Parameters
    ----------
    leo : tuple of array_like
        ``(x, y, z)`` of the receiving LEO satellite, ECEF km.
    gnss : tuple of array_like
        ``(x, y, z)`` of the transmitting GNSS satellite, ECEF km (same shape).

    Returns
    -------
    lat_deg, lon_deg, h_km : numpy.ndarray
        Geodetic latitude (degrees N), longitude (degrees E, -180..180) and
        height above WGS-84 (km) of the tangent point. NaN where the point of
        least height is not strictly between the satellites (the link does not
        dip below the LEO, e.g. positive elevation) or an input is not finite.

    Notes
    -----
    The result is the point where the ray is tangent to a surface of constant
    geodetic height. See the module docstring for the method and for why the
    straight line suffices at Es heights.
    """
    lx, ly, lz = (np.asarray(a, float) for a in leo)
    gx, gy, gz = (np.asarray(a, float) for a in gnss)
    dx, dy, dz = gx - lx, gy - ly, gz - lz
    d2 = dx * dx + dy * dy + dz * dz
    # Closest approach to the centre in coordinates where WGS-84 is a sphere.
    s = WGS84_A_KM / WGS84_B_KM
    with np.errstate(invalid="ignore", divide="ignore"):
        t = -(lx * dx + ly * dy + lz * dz * s * s) / (dx * dx + dy * dy + dz * dz * s * s)
        t = np.clip(t, 0.0, 1.0)
        for _ in range(_NEWTON_STEPS):
            px, py, pz = lx + t * dx, ly + t * dy, lz + t * dz
            nx, ny, nz = _normal(px, py, pz)
            g = nx * dx + ny * dy + nz * dz
            r = np.sqrt(px * px + py * py + pz * pz)
            t = t - g * r / (d2 - g * g)
        px, py, pz = lx + t * dx, ly + t * dy, lz + t * dz
        lat, lon, h = ecef_to_geodetic(px, py, pz)
    inside = np.isfinite(t) & (t > 0.0) & (t < 1.0) & np.isfinite(h)
    nan = np.nan
    return np.where(inside, lat, nan), np.where(inside, lon, nan), np.where(inside, h, nan)


def local_solar_time(utc_hours, lon_deg):
    """Mean local solar time at a longitude (hours, 0 <= t < 24).

    Parameters
    ----------
    utc_hours : array_like
        Universal time of day (hours; any real number, wrapped).
    lon_deg : array_like
        Longitude (degrees E).

    Returns
    -------
    numpy.ndarray
        ``(utc_hours + lon_deg / 15) mod 24`` (hours). Whether CDAAC's
        ``lcttp_s4max`` is this mean local time or apparent solar time is not
        documented (docs/formats.md §1.3); the two differ by under 17 min.
    """
    return np.mod(np.asarray(utc_hours, float) + np.asarray(lon_deg, float) / 15.0, 24.0)
