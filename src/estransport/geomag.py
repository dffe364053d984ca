"""Centred-dipole geomagnetic coordinates from the IGRF-14 degree-1 coefficients.

The paper's Fig. 2a,b overlays geomagnetic latitude contours (+-60, +-70, +-80
degrees and the geomagnetic equator; the workflow draws the levels of
``figures.geomagnetic_latitudes``). We use **centred-dipole** geomagnetic
latitude, computed from the first-degree Gauss coefficients g10, g11, h11 of
IGRF-14 (Alken et al., 2025; coefficient file shipped with ``ppigrf``) at the
chosen epoch. Quasi-dipole latitude (Richmond, 1995) would need ``apexpy``,
which is not a wheel-only dependency; at 60-80 degrees the two differ by a few
degrees, mostly in longitude-dependent wiggles the dipole does not have.

Geographic latitudes are treated as geocentric here (the difference, below
0.2 degrees, is invisible even on the paper's 1-degree map).

The synthetic COSMIC generator (:mod:`estransport.synthetic.cosmic`) plants its
winter trough with its own, independent dipole computation, so that the tests
that find the trough with this module check this module too.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
from collections.abc import Sequence

import numpy as np


def igrf_shc_path() -> str:
    """Path of the IGRF-14 coefficient file shipped with ``ppigrf`` (``IGRF14.shc``).

    Found without importing ``ppigrf`` (which imports pandas): generator jobs
    that only need three coefficients then start in a fraction of a second.
    """
    spec = importlib.util.find_spec("ppigrf")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("ppigrf is required for IGRF-14 coefficients")
    return os.path.join(spec.submodule_search_locations[0], "IGRF14.shc")


@functools.lru_cache(maxsize=1)
def _degree1_table() -> tuple[np.ndarray, dict[tuple[int, int], np.ndarray]]:
    """Epochs (decimal years) and degree-1 rows of the .shc file (m = -1 holds h11)."""
    epochs, rows = None, {}
    header_seen = False
    with open(igrf_shc_path()) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            if not header_seen:  # N_MIN N_MAX NTIMES SP_ORDER N_STEPS ...
                header_seen = True
                continue
            if epochs is None:
                epochs = np.array(line.split(), dtype=float)
                continue
            parts = line.split()
            n, m = int(parts[0]), int(parts[1])
            if n == 1:
                rows[(n, m)] = np.array(parts[2:], dtype=float)
            elif n > 1:
                break
    return epochs, rows


def _decimal_year(date: dt.date | dt.datetime) -> float:
    start = dt.datetime(date.year, 1, 1)
    end = dt.datetime(date.year + 1, 1, 1)
    when = date if isinstance(date, dt.datetime) else dt.datetime(date.year, date.month, date.day)
    return date.year + (when - start).total_seconds() / (end - start).total_seconds()


def geomagnetic_epoch(years: Sequence[int]) -> dt.date:
    """Epoch of the centred dipole of a multi-year climatology: 1 July of the middle year.

    Used wherever geomagnetic latitudes go with a COSMIC climatology (the
    contours of Fig. 2a,b and the winter-trough band of ``paper_numbers.csv``),
    so both use the same dipole.

    Parameters
    ----------
    years : sequence of int
        The configured years (``cosmic.years``), in any order.

    Returns
    -------
    datetime.date
        1 July of the middle year (the upper middle one for an even count).
    """
    years = sorted(years)
    return dt.date(years[len(years) // 2], 7, 1)


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
    epochs, rows = _degree1_table()
    x = _decimal_year(date)
    return tuple(float(np.interp(x, epochs, rows[key])) for key in ((1, 0), (1, 1), (1, -1)))


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
