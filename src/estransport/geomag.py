"""Centred-dipole geomagnetic coordinates from the IGRF-14 degree-1 coefficients.

The paper's Fig. 2a,b overlays geomagnetic latitude contours (+-60, +-70, +-80
degrees and the geomagnetic equator). We use **centred-dipole** geomagnetic
latitude, computed from the first-degree Gauss coefficients g10, g11, h11 of
IGRF-14 (Alken et al., 2025; coefficient file shipped with ``ppigrf``) at the
chosen epoch. Quasi-dipole latitude (Richmond, 1995) would need ``apexpy``,
which is not a wheel-only dependency; at 60-80 degrees the two differ by a few
degrees, mostly in longitude-dependent wiggles the dipole does not have.

Geographic latitudes are treated as geocentric here (the difference, below
0.2 degrees, is invisible on a 1-degree map).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np


@functools.lru_cache(maxsize=1)
def _igrf_coefficients():
    from ppigrf.ppigrf import read_shc, shc_fn

    g, h = read_shc(shc_fn)
    return g, h


def dipole_coefficients(date: dt.datetime | dt.date) -> tuple[float, float, float]:
    """IGRF-14 first-degree Gauss coefficients at ``date``, linearly interpolated.

    Parameters
    ----------
    date : datetime.date or datetime.datetime
        Epoch (1900-2030 is covered by IGRF-14).

    Returns
    -------
    g10, g11, h11 : float
        Gauss coefficients in nT.
    """
    g, h = _igrf_coefficients()
    when = dt.datetime(date.year, date.month, date.day) if not isinstance(date, dt.datetime) else date
    times = g.index.to_pydatetime()
    t = np.array([(x - times[0]).total_seconds() for x in times])
    x = (when - times[0]).total_seconds()
    g10 = float(np.interp(x, t, g[(1, 0)].to_numpy()))
    g11 = float(np.interp(x, t, g[(1, 1)].to_numpy()))
    h11 = float(np.interp(x, t, h[(1, 1)].to_numpy()))
    return g10, g11, h11


def dipole_north_pole(date: dt.datetime | dt.date) -> tuple[float, float]:
    """Geographic position of the northern geomagnetic (centred-dipole) pole.

    Parameters
    ----------
    date : datetime.date or datetime.datetime
        Epoch.

    Returns
    -------
    lat, lon : float
        Pole latitude (degrees N) and longitude (degrees E). About 80.0 N,
        72.2 W in 2010.
    """
    g10, g11, h11 = dipole_coefficients(date)
    b0 = np.sqrt(g10**2 + g11**2 + h11**2)
    colat = np.degrees(np.arccos(-g10 / b0))
    lon = np.degrees(np.arctan2(-h11, -g11))
    return 90.0 - colat, float(lon)


def geomagnetic_latitude(lat, lon, date: dt.datetime | dt.date) -> np.ndarray:
    """Centred-dipole geomagnetic latitude of geographic points.

    Parameters
    ----------
    lat, lon : array_like
        Geographic latitude (degrees N) and longitude (degrees E); broadcast.
    date : datetime.date or datetime.datetime
        Epoch of the IGRF dipole.

    Returns
    -------
    numpy.ndarray
        Geomagnetic latitude in degrees, -90..90.

    Notes
    -----
    sin(lat_m) = sin(lat) sin(lat_p) + cos(lat) cos(lat_p) cos(lon - lon_p), with
    (lat_p, lon_p) the northern dipole pole from :func:`dipole_north_pole`.
    """
    lat_p, lon_p = dipole_north_pole(date)
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    lp, op = np.radians(lat_p), np.radians(lon_p)
    s = np.sin(la) * np.sin(lp) + np.cos(la) * np.cos(lp) * np.cos(lo - op)
    return np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))
