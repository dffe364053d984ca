"""The geomagnetic main field from IGRF-14: inclination I, declination D and |B|.

The full IGRF-14 spherical-harmonic model (Alken et al., 2025, Earth Planets
Space; degree 13) is evaluated with ``ppigrf`` (Laundal, MIT licence) in
geodetic coordinates: latitude and height refer to the WGS84 ellipsoid and the
field components are east, north and up relative to it. (The centred-dipole
helpers for map overlays are in :mod:`estransport.geomag`.)

Sign conventions follow Yu et al. (2021, appendix A2; docs/science.md section 3):

* I, the dip angle, is positive when the field points **down** (northern
  magnetic hemisphere), I = atan(-B_up / B_horizontal);
* D, the declination, is positive east of geographic north, D = atan2(B_e, B_n);
* the unit vector along B is b = (sin D cos I, cos D cos I, -sin I) (east, north, up).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import xarray as xr

#: Number of points per ppigrf call: bounds its (points x coefficients) design
#: matrices to about 50 MB.
_CHUNK_POINTS = 30_000


def _as_datetime(date) -> dt.datetime:
    """Accept datetime, date, numpy datetime64, cftime or ISO string; return datetime."""
    if isinstance(date, dt.datetime):
        return date
    if isinstance(date, dt.date):
        return dt.datetime(date.year, date.month, date.day)
    if isinstance(date, str):
        return dt.datetime.fromisoformat(date)
    if isinstance(date, np.datetime64):
        return dt.datetime.fromisoformat(str(date.astype("datetime64[s]")))
    # cftime objects and pandas Timestamps carry the fields we need
    return dt.datetime(date.year, date.month, date.day, getattr(date, "hour", 0))


def igrf_enu(lat, lon, alt_km, date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IGRF-14 field components east, north, up at geodetic points.

    Parameters
    ----------
    lat, lon : array_like
        Geodetic latitude (degrees N) and longitude (degrees E); broadcast
        together with ``alt_km``.
    alt_km : array_like
        Height above the WGS84 ellipsoid, km.
    date : datetime-like
        Epoch (datetime, date, numpy.datetime64, cftime or ISO string);
        IGRF-14 covers 1900-2030.

    Returns
    -------
    be, bn, bu : numpy.ndarray
        Field components in T (not nT), with the broadcast shape of the inputs.
    """
    import ppigrf

    when = _as_datetime(date)
    # ppigrf divides by sin(colatitude): keep the poles a hair (1e-6 degree, 0.1 m) away
    lat = np.clip(np.asarray(lat, float), -90.0 + 1e-6, 90.0 - 1e-6)
    lat, lon, alt = np.broadcast_arrays(lat, np.asarray(lon, float), np.asarray(alt_km, float))
    shape = lat.shape
    flat = [a.ravel() for a in (lat, lon, alt)]
    out = np.empty((3, lat.size))
    for start in range(0, lat.size, _CHUNK_POINTS):
        sl = slice(start, start + _CHUNK_POINTS)
        be, bn, bu = ppigrf.igrf(flat[1][sl], flat[0][sl], flat[2][sl], when)
        out[0, sl], out[1, sl], out[2, sl] = be[0], bn[0], bu[0]
    out *= 1e-9  # nT -> T
    return out[0].reshape(shape), out[1].reshape(shape), out[2].reshape(shape)


def inclination_declination(be, bn, bu) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inclination, declination and magnitude from east/north/up components.

    Parameters
    ----------
    be, bn, bu : array_like
        Field components (any consistent unit, e.g. T).

    Returns
    -------
    inclination : numpy.ndarray
        I in degrees, positive downward (-90..90).
    declination : numpy.ndarray
        D in degrees east of north (-180..180).
    magnitude : numpy.ndarray
        |B| in the unit of the inputs.
    """
    be, bn, bu = (np.asarray(x, float) for x in (be, bn, bu))
    horizontal = np.hypot(be, bn)
    return (
        np.degrees(np.arctan2(-bu, horizontal)),
        np.degrees(np.arctan2(be, bn)),
        np.sqrt(horizontal**2 + bu**2),
    )


def field_at(lat, lon, alt_km, date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inclination, declination and |B| of IGRF-14 at geodetic points.

    Parameters
    ----------
    lat, lon : array_like
        Geodetic latitude (degrees N), longitude (degrees E).
    alt_km : array_like
        Height above the ellipsoid, km.
    date : datetime-like
        Epoch.

    Returns
    -------
    inclination, declination : numpy.ndarray
        Degrees (I positive down, D positive east).
    magnitude : numpy.ndarray
        |B| in T.

    Examples
    --------
    >>> I, D, B = field_at(40.0, 116.0, 106.0, "2008-07-01")  # doctest: +SKIP
    >>> round(float(I), 2), round(float(D), 2)  # doctest: +SKIP
    (58.44, -5.97)
    """
    return inclination_declination(*igrf_enu(lat, lon, alt_km, date))


def field_on_grid(
    altitude_km, lat, lon, date, *, node_spacing_km: float | None = 10.0
) -> xr.Dataset:
    """IGRF-14 inclination, declination and |B| on an altitude x latitude x longitude grid.

    Parameters
    ----------
    altitude_km : array_like, 1-D
        Heights above the ellipsoid, km.
    lat, lon : array_like, 1-D
        Geodetic latitudes (degrees N) and longitudes (degrees E).
    date : datetime-like
        Epoch of the IGRF coefficients (secular variation is linear in time
        between the 5-year IGRF epochs; over one year I and D change by less
        than 0.1 degree at mid-latitudes).
    node_spacing_km : float or None
        The field is evaluated at altitude nodes at most this far apart
        (always including the lowest and highest altitude) and its east, north
        and up components are interpolated linearly in altitude in between.
        Each component is a sum of terms in r^-(n+2), so the relative error is
        about 12 dz^2 / (8 r^2): 4e-6 for 10 km (2e-4 degree in I and D),
        while the cost falls by the ratio of levels (71 -> 8 for 80-150 km
        every 1 km). None: evaluate every altitude.

    Returns
    -------
    xarray.Dataset
        ``inclination`` and ``declination`` (degree), ``B`` (T), and the unit
        vector components ``b_east``, ``b_north``, ``b_up`` (1), with dimensions
        (altitude, lat, lon) and coordinates in km and degrees.
    """
    alt = np.asarray(altitude_km, float)
    la = np.asarray(lat, float)
    lo = np.asarray(lon, float)
    nodes = alt
    if node_spacing_km is not None and alt.size > 2:
        n = int(np.ceil((alt.max() - alt.min()) / node_spacing_km)) + 1
        if n < alt.size:
            nodes = np.linspace(alt.min(), alt.max(), max(n, 2))
    A, LA, LO = np.meshgrid(nodes, la, lo, indexing="ij")
    comps = igrf_enu(LA, LO, A, date)
    if nodes is not alt:
        idx = np.clip(np.searchsorted(nodes, alt, side="right") - 1, 0, nodes.size - 2)
        w = ((alt - nodes[idx]) / (nodes[idx + 1] - nodes[idx]))[:, None, None]
        comps = tuple(c[idx] + w * (c[idx + 1] - c[idx]) for c in comps)
    be, bn, bu = comps
    inc, dec, mag = inclination_declination(be, bn, bu)
    dims = ("altitude", "lat", "lon")
    coords = {
        "altitude": ("altitude", alt, {"units": "km", "long_name": "geodetic altitude"}),
        "lat": ("lat", la, {"units": "degrees_north", "long_name": "latitude"}),
        "lon": ("lon", lo, {"units": "degrees_east", "long_name": "longitude"}),
    }
    when = _as_datetime(date).isoformat()
    ds = xr.Dataset(
        {
            "inclination": (
                dims,
                inc,
                {"units": "degree", "long_name": "magnetic inclination (dip), positive downward"},
            ),
            "declination": (
                dims,
                dec,
                {"units": "degree", "long_name": "magnetic declination, positive east of north"},
            ),
            "B": (
                dims,
                mag,
                {"units": "T", "long_name": "magnitude of the geomagnetic main field"},
            ),
            "b_east": (
                dims,
                be / mag,
                {"units": "1", "long_name": "eastward component of the unit vector along B"},
            ),
            "b_north": (
                dims,
                bn / mag,
                {"units": "1", "long_name": "northward component of the unit vector along B"},
            ),
            "b_up": (
                dims,
                bu / mag,
                {"units": "1", "long_name": "upward component of the unit vector along B"},
            ),
        },
        coords=coords,
        attrs={"igrf_model": "IGRF-14 (ppigrf)", "igrf_epoch": when},
    )
    return ds
