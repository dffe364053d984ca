"""Synthetic COSMIC-1 scnLv1 day tarballs with a planted Es climatology.

This is the embedded default of the COSMIC slice: it writes daily tarballs
exactly as CDAAC serves them (``scnLv1_repro2013_{YYYY}_{DDD}.tar.gz`` holding
flat ``scnLv1_C00N.YYYY.DDD.HH.MM.UUUU.GNN.TT_2013.3520_nc`` members, each a
NETCDF3_CLASSIC file) so that the real ingest code reads them.

Planted truth
-------------
S4max at the tangent point of an Es-height arc is drawn around the intensity
:func:`es_intensity` (parameters in :class:`PlantedEsClimatology`), which has
the features of docs/science.md section 8:

* a summer band at 10-60 degrees latitude in each hemisphere, strongest in local
  summer, stronger in the north (``south_factor`` < 1);
* a winter trough along 60-80 degrees centred-dipole geomagnetic latitude
  (S4max well below 0.3), placed with this module's own dipole
  (:func:`dipole_latitude`, IGRF-14 degree-1 coefficients written out below),
  not with :mod:`estransport.geomag`: the workflow finds the trough with that
  module, so a wrong ``estransport.geomag`` misplaces the band it looks in;
* a band centre that moves equatorward in both hemispheres from January to July
  and poleward from July to January (so the Es maximum moves toward the
  equator in February-April, and the global maximum sits in the summer
  hemisphere);
* a Gaussian layer in altitude around ``peak_altitude_km``.

Member contents follow docs/formats.md section 1 and the real-file evidence
(``cdaac_scnlv1_evidence/*`` in tests/data/realdata.tsv): a ``time`` dimension with variables
``time, S4, elevation, sqrt_I, caL1_SNR, x_LEO, y_LEO, z_LEO, x_GPS, y_GPS,
z_GPS`` and the global attributes whose names are known (34 of the 42 a real
file has; the other 8 names are unknown [GAP] and are not invented). Like real
tarballs, some arcs carry the -999 fill and some members are zero bytes.

Everything is drawn from ``numpy.random.default_rng([seed, year, doy])``, so
a day's bytes are identical on every run and independent of job order.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import gzip
import io
import logging
import os
import tarfile

import numpy as np

from ..io.atomic import atomic_path
from .nc3 import write_netcdf3

log = logging.getLogger(__name__)

#: Start of GPS time (docs/formats.md 1.4: start_time/stop_time are GPS seconds).
GPS_EPOCH = dt.datetime(1980, 1, 6)
#: Fill value of CDAAC attributes and variables (docs/formats.md 1.3).
FILL = -999.0
#: Version stamp of repro2013 member names (``..._2013.3520_nc``, realdata evidence).
REPRO2013_SUFFIX = "2013.3520"
#: Tangent-altitude range (km) of the planted Es arcs: the Es heights of docs/science.md 2.
ES_ALTITUDE_KM = (90.0, 130.0)

#: IGRF-14 first-degree Gauss coefficients (nT) at the model epochs around the
#: COSMIC-1 years (2006-2020): rows (epoch, g10, g11, h11), DGRF 2005-2020 and
#: IGRF 2025. Source: IGRF-14, Alken et al. (2025), Earth Planets Space; the IAGA
#: V-MOD coefficient table (igrf14coeffs.txt, rows "g 1 0", "g 1 1", "h 1 1").
#: Written out here, not read through :mod:`estransport.geomag`, so that the
#: planted trough does not share code or data path with what measures it.
IGRF14_DEGREE1 = (
    (2005.0, -29554.63, -1669.05, 5077.99),
    (2010.0, -29496.57, -1586.42, 4944.26),
    (2015.0, -29441.46, -1501.77, 4795.99),
    (2020.0, -29403.41, -1451.37, 4653.35),
    (2025.0, -29350.00, -1410.30, 4545.50),
)


def dipole_axis(date: dt.date) -> np.ndarray:
    """Unit vector (Earth-centred, Earth-fixed) of the northern centred-dipole pole.

    The degree-1 coefficients are interpolated linearly in time between the
    epochs of :data:`IGRF14_DEGREE1` (IGRF's own rule between its 5-year
    models). The dipole moment points along ``(g11, h11, g10)`` in ECEF
    ``(x to 0 E, y to 90 E, z to the north pole)``; the northern geomagnetic
    pole is the opposite direction, ``-(g11, h11, g10) / B0``.

    Parameters
    ----------
    date : datetime.date
        Epoch, within 2005-2025.

    Returns
    -------
    numpy.ndarray
        Shape (3,), unit length.
    """
    ndays = 366 if calendar.isleap(date.year) else 365
    year = date.year + (date.timetuple().tm_yday - 1) / ndays
    epochs = [row[0] for row in IGRF14_DEGREE1]
    if not epochs[0] <= year <= epochs[-1]:
        raise ValueError(f"{date} is outside the tabulated IGRF-14 epochs {epochs[0]}-{epochs[-1]}")
    k = min(int((year - epochs[0]) // 5.0), len(epochs) - 2)
    (t0, *c0), (t1, *c1) = IGRF14_DEGREE1[k], IGRF14_DEGREE1[k + 1]
    f = (year - t0) / (t1 - t0)
    g10, g11, h11 = (a + f * (b - a) for a, b in zip(c0, c1, strict=True))
    axis = -np.array([g11, h11, g10])
    return axis / np.sqrt(np.sum(axis**2))


def dipole_latitude(lat, lon, date: dt.date) -> np.ndarray:
    """Centred-dipole geomagnetic latitude, as the generator plants it (degrees).

    The sine of the geomagnetic latitude is the projection of the point's
    unit position vector on the dipole axis (:func:`dipole_axis`).
    Independent of :func:`estransport.geomag.geomagnetic_latitude`, which the
    tests compare it with.

    Parameters
    ----------
    lat, lon : array_like
        Geographic (treated as geocentric) latitude (degrees N) and longitude
        (degrees E); broadcast.
    date : datetime.date
        Epoch of the dipole.

    Returns
    -------
    numpy.ndarray
        Geomagnetic latitude, degrees in -90..90.
    """
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    ax, ay, az = dipole_axis(date)
    s = np.cos(la) * np.cos(lo) * ax + np.cos(la) * np.sin(lo) * ay + np.sin(la) * az
    return np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))


@dataclasses.dataclass(frozen=True)
class PlantedEsClimatology:
    """Parameters of the planted Es intensity (dimensionless S4max unless noted).

    Attributes
    ----------
    background : float
        S4max everywhere outside the summer band (dimensionless).
    summer_amplitude : float
        Peak band S4max added at the centre of the band in local summer, northern
        hemisphere (dimensionless).
    south_factor : float
        Southern-hemisphere band amplitude relative to the northern one (< 1:
        the northern summer peak is stronger).
    band_centre_deg : float
        Mean absolute latitude of the band centre (degrees).
    band_halfwidth_deg : float
        Gaussian e-folding half-width of the band in latitude (degrees).
    migration_deg : float
        Amplitude of the annual migration of the band centre (degrees); the
        centre is ``band_centre_deg + migration_deg * cos(2 pi (doy - migration_phase_doy) / 365.25)``
        in both hemispheres, so it moves equatorward from January to July.
    migration_phase_doy : float
        Day of year of the most poleward band position (days).
    summer_doy_north : float
        Day of year of the northern seasonal maximum (days); the southern one is
        half a year later.
    winter_floor : float
        Fraction of the band amplitude left in local winter (0-1).
    trough_depth : float
        Fractional reduction of S4max in the winter trough (0-1).
    trough_centre_maglat : float
        Centre of the trough in absolute geomagnetic latitude (degrees).
    trough_halfwidth_deg : float
        Gaussian half-width of the trough in geomagnetic latitude (degrees).
    longitude_modulation : float
        Relative amplitude of a wave-1 longitude modulation (dimensionless).
    longitude_peak_deg : float
        Longitude of the wave-1 maximum (degrees east).
    peak_altitude_km : float
        Altitude of the Es layer peak (km).
    layer_sigma_km : float
        Gaussian sigma of the layer in altitude, for both tangent-altitude draws
        and the intensity's altitude factor (km).
    noise_sigma : float
        Sigma of the multiplicative log-normal noise on S4max (natural log units).
    outlier_fraction : float
        Fraction of Es arcs given an implausible S4max in 5.2-9 (QC must drop them).
    """

    background: float = 0.12
    summer_amplitude: float = 0.75
    south_factor: float = 0.6
    band_centre_deg: float = 35.0
    band_halfwidth_deg: float = 14.0
    migration_deg: float = 6.0
    migration_phase_doy: float = 15.0
    summer_doy_north: float = 182.0
    winter_floor: float = 0.15
    trough_depth: float = 0.6
    trough_centre_maglat: float = 70.0
    trough_halfwidth_deg: float = 8.0
    longitude_modulation: float = 0.15
    longitude_peak_deg: float = 120.0
    peak_altitude_km: float = 105.0
    layer_sigma_km: float = 7.0
    noise_sigma: float = 0.3
    outlier_fraction: float = 0.002


def _seasonal(doy, peak_doy):
    """Cosine seasonal weight, 1 at ``peak_doy`` and 0 half a year later."""
    return 0.5 * (1.0 + np.cos(2.0 * np.pi * (np.asarray(doy, float) - peak_doy) / 365.25))


def es_intensity(
    lat, lon, doy, alt_km, maglat, truth: PlantedEsClimatology = PlantedEsClimatology()
):
    """Planted expected S4max at a tangent point.

    Parameters
    ----------
    lat, lon : array_like
        Geographic latitude (degrees N) and longitude (degrees E).
    doy : array_like
        Day of year (days, 1-366).
    alt_km : array_like or None
        Tangent altitude (km); ``None`` omits the altitude factor (value at the peak).
    maglat : array_like
        Centred-dipole geomagnetic latitude (degrees).
    truth : PlantedEsClimatology
        Planted parameters.

    Returns
    -------
    numpy.ndarray
        Expected S4max (dimensionless), broadcast over the inputs.
    """
    lat = np.asarray(lat, float)
    north = lat >= 0
    summer_peak = np.where(north, truth.summer_doy_north, truth.summer_doy_north + 182.625)
    season = _seasonal(doy, summer_peak)
    amp = truth.summer_amplitude * np.where(north, 1.0, truth.south_factor)
    centre = truth.band_centre_deg + truth.migration_deg * np.cos(
        2.0 * np.pi * (np.asarray(doy, float) - truth.migration_phase_doy) / 365.25
    )
    band = np.exp(-(((np.abs(lat) - centre) / truth.band_halfwidth_deg) ** 2))
    seasonal_amp = amp * (truth.winter_floor + (1.0 - truth.winter_floor) * season)
    lonmod = 1.0 + truth.longitude_modulation * np.cos(
        np.radians(np.asarray(lon, float) - truth.longitude_peak_deg)
    )
    intensity = truth.background + seasonal_amp * band * lonmod
    trough = np.exp(
        -(
            (
                (np.abs(np.asarray(maglat, float)) - truth.trough_centre_maglat)
                / truth.trough_halfwidth_deg
            )
            ** 2
        )
    )
    # The trough is a winter feature of the hemisphere the point is in (magnetic hemisphere).
    mag_north = np.asarray(maglat, float) >= 0
    winter = 1.0 - _seasonal(
        doy, np.where(mag_north, truth.summer_doy_north, truth.summer_doy_north + 182.625)
    )
    intensity = intensity * (1.0 - truth.trough_depth * trough * winter)
    if alt_km is not None:
        z = (np.asarray(alt_km, float) - truth.peak_altitude_km) / truth.layer_sigma_km
        # Altitude factor normalised to 1 at the peak; it shapes the monthly lat-alt climatology.
        intensity = intensity * (0.4 + 0.6 * np.exp(-0.5 * z**2))
    return intensity


def planted_mean_s4max(
    lat,
    lon,
    doys,
    truth: PlantedEsClimatology = PlantedEsClimatology(),
    altitude_km=ES_ALTITUDE_KM,
    epoch: dt.date = dt.date(2008, 7, 1),
) -> np.ndarray:
    """Expected mean S4max of QC-passed Es arcs over a set of days (the planted map).

    Averages :func:`es_intensity` over the days and over the truncated-normal
    distribution of tangent altitudes the generator draws from, which is what
    a seasonal mean of recovered events estimates.

    Parameters
    ----------
    lat, lon : array_like
        Cell-centre latitude (degrees N) and longitude (degrees E); broadcast.
    doys : sequence of int
        Days of year in the average (days).
    truth : PlantedEsClimatology
        Planted parameters.
    altitude_km : (float, float)
        Es altitude range of the recovered events (km); the generator draws Es
        arcs in :data:`ES_ALTITUDE_KM`.
    epoch : datetime.date
        Epoch of the dipole used for geomagnetic latitude (:func:`dipole_latitude`).

    Returns
    -------
    numpy.ndarray
        Expected mean S4max (dimensionless).
    """
    lat, lon = np.broadcast_arrays(np.asarray(lat, float), np.asarray(lon, float))
    maglat = dipole_latitude(lat, lon, epoch)
    z = np.linspace(altitude_km[0], altitude_km[1], 41)
    w = np.exp(-0.5 * ((z - truth.peak_altitude_km) / truth.layer_sigma_km) ** 2)
    w /= w.sum()
    alt_factor = float(
        np.sum(
            w
            * (
                0.4
                + 0.6 * np.exp(-0.5 * ((z - truth.peak_altitude_km) / truth.layer_sigma_km) ** 2)
            )
        )
    )
    total = np.zeros(lat.shape)
    for d in doys:
        total += es_intensity(lat, lon, d, None, maglat, truth)
    return total / len(doys) * alt_factor


def _gps_seconds(t: dt.datetime) -> float:
    return (t - GPS_EPOCH).total_seconds()


def member_name(leo: int, t: dt.datetime, duration_min: int, prn: int, antenna: int) -> str:
    """CDAAC scnLv1 member name (docs/formats.md 1.2), repro2013 version stamp.

    Parameters
    ----------
    leo : int
        COSMIC-1 satellite number 1-6.
    t : datetime.datetime
        Start of the arc (GPS time).
    duration_min : int
        Duration field (minutes).
    prn, antenna : int
        GPS PRN and LEO antenna id.

    Returns
    -------
    str
        e.g. ``scnLv1_C002.2007.002.00.16.0008.G22.01_2013.3520_nc``.
    """
    doy = t.timetuple().tm_yday
    return (
        f"scnLv1_C{leo:03d}.{t.year:04d}.{doy:03d}.{t.hour:02d}.{t.minute:02d}."
        f"{duration_min:04d}.G{prn:02d}.{antenna:02d}_{REPRO2013_SUFFIX}_nc"
    )


def day_tarball_name(year: int, doy: int, stream: str = "repro2013") -> str:
    """CDAAC day tarball name, e.g. ``scnLv1_repro2013_2008_100.tar.gz`` (docs/formats.md 1.1)."""
    return f"scnLv1_{stream}_{year:04d}_{doy:03d}.tar.gz"


def _netcdf_member(rng: np.random.Generator, arc: dict) -> bytes:
    """Encode one arc as a NETCDF3_CLASSIC file in memory."""
    n = arc["n"]
    i_peak = arc["i_peak"]
    s4 = (0.03 + 0.05 * rng.random(n)).astype(np.float32)
    if arc["s4max"] != FILL:
        # A bump whose maximum equals s4max exactly (float32).
        k = np.arange(n)
        bump = arc["s4max"] * np.exp(-0.5 * ((k - i_peak) / 4.0) ** 2)
        s4 = np.maximum(s4, bump.astype(np.float32))
        s4 = np.minimum(s4, np.float32(arc["s4max"]))
        s4[i_peak] = np.float32(arc["s4max"])
    t0 = arc["start_time"]
    variables = {
        "time": ("f8", t0 + np.arange(n, dtype=np.float64), "GPS seconds", "time"),
        "S4": ("f4", s4, "", "S4 index, L1 C/A, 1 Hz"),
        "elevation": (
            "f8",
            np.linspace(0.5, -0.1 * n, n),
            "degrees",
            "elevation angle of the LEO-GPS link",
        ),
        "sqrt_I": (
            "f4",
            (1.0 + 0.05 * rng.standard_normal(n)).astype(np.float32),
            "",
            "normalised signal amplitude",
        ),
        "caL1_SNR": (
            "f4",
            (400 + 50 * rng.standard_normal(n)).astype(np.float32),
            "V/V",
            "L1 C/A signal-to-noise ratio",
        ),
    }
    leo_r, gps_r = 7170.0, 26560.0  # orbit radii (km): ~800 km LEO, GPS semi-major axis
    phase = rng.uniform(0, 2 * np.pi) + np.linspace(0, 0.06, n)
    for who, r in (("LEO", leo_r), ("GPS", gps_r)):
        variables[f"x_{who}"] = ("f8", r * np.cos(phase), "km", f"{who} ECEF x")
        variables[f"y_{who}"] = ("f8", r * np.sin(phase), "km", f"{who} ECEF y")
        variables[f"z_{who}"] = ("f8", np.full(n, 0.1 * r), "km", f"{who} ECEF z")
        phase = phase + np.pi / 3
    encoded = {}
    for name, (typ, data, units, long_name) in variables.items():
        vattrs = {"units": units, "long_name": long_name}
        if typ == "f4":  # CDAAC float32 variables carry _FillValue = -999.f (docs/formats.md 1.3)
            vattrs["_FillValue"] = np.float32(FILL)
        encoded[name] = (("time",), np.asarray(data, dtype=typ), vattrs)
    return write_netcdf3({"time": n}, encoded, arc["attrs"])


def generate_day_arcs(
    year: int,
    doy: int,
    *,
    arcs_per_day: int,
    es_fraction: float,
    fill_fraction: float,
    empty_member_fraction: float,
    seed: int,
    truth: PlantedEsClimatology = PlantedEsClimatology(),
):
    """Draw one day of arcs: attributes and the planted values behind them.

    Parameters
    ----------
    year, doy : int
        Day to generate.
    arcs_per_day : int
        Number of tar members (arcs).
    es_fraction : float
        Fraction of arcs whose S4max tangent point is at 90-130 km.
    fill_fraction : float
        Fraction of arcs with -999 tangent-point attributes.
    empty_member_fraction : float
        Fraction of zero-byte members.
    seed : int
        Master seed; the day's generator is ``default_rng([seed, year, doy])``.
    truth : PlantedEsClimatology
        Planted parameters.

    Returns
    -------
    list of dict
        One dict per arc with keys ``name``, ``attrs`` (global attributes),
        ``empty`` (zero-byte member), ``n``, ``i_peak``, ``start_time``,
        ``s4max`` and ``kind`` (``es``, ``outside``, ``fill``, ``outlier``).
    """
    rng = np.random.default_rng([seed, year, doy])
    day0 = dt.datetime(year, 1, 1) + dt.timedelta(days=doy - 1)
    n = arcs_per_day
    seconds = np.sort(rng.uniform(0, 86400 - 600, n))
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))  # uniform on the sphere
    lon = rng.uniform(-180, 180, n)
    maglat = dipole_latitude(lat, lon, day0.date())
    kind = np.where(rng.random(n) < es_fraction, "es", "outside").astype(object)
    alt = np.empty(n)
    es = kind == "es"
    # Truncated normal around the layer peak, by rejection (the truncation is mild).
    z = rng.normal(truth.peak_altitude_km, truth.layer_sigma_km, n)
    lo, hi = ES_ALTITUDE_KM
    bad = (z < lo) | (z > hi)
    while bad.any():
        z[bad] = rng.normal(truth.peak_altitude_km, truth.layer_sigma_km, bad.sum())
        bad = (z < lo) | (z > hi)
    alt[es] = z[es]
    out = ~es
    alt[out] = np.where(
        rng.random(out.sum()) < 0.5,
        rng.uniform(60, 89.5, out.sum()),
        rng.uniform(130.5, 300, out.sum()),
    )
    expected = es_intensity(lat, lon, doy, alt, maglat, truth)
    s4max = expected * np.exp(
        truth.noise_sigma * rng.standard_normal(n) - 0.5 * truth.noise_sigma**2
    )
    outlier = es & (rng.random(n) < truth.outlier_fraction)
    s4max[outlier] = rng.uniform(5.2, 9.0, outlier.sum())
    kind[outlier] = "outlier"
    fill = rng.random(n) < fill_fraction
    kind[fill] = "fill"
    empty = rng.random(n) < empty_member_fraction
    lct = np.mod(seconds / 3600.0 + lon / 15.0, 24.0)
    leo = rng.integers(1, 7, n)
    prn = rng.integers(1, 33, n)
    antenna = rng.integers(0, 4, n)
    npts = rng.integers(60, 200, n)
    arcs, names = [], set()
    for i in range(n):
        t = day0 + dt.timedelta(seconds=float(seconds[i]))
        t = t.replace(microsecond=0)
        dur_min = int(np.ceil(npts[i] / 60.0))
        name = member_name(int(leo[i]), t, dur_min, int(prn[i]), int(antenna[i]))
        while name in names:  # same minute, LEO, PRN and antenna: bump the antenna id
            antenna[i] = (antenna[i] + 1) % 100
            name = member_name(int(leo[i]), t, dur_min, int(prn[i]), int(antenna[i]))
        names.add(name)
        start = _gps_seconds(t)
        tp = (
            (FILL, FILL, FILL, FILL)
            if fill[i]
            else (float(alt[i]), float(lat[i]), float(lon[i]), float(lct[i]))
        )
        value = float(np.float32(s4max[i]))
        i_peak = int(rng.integers(5, npts[i] - 5))
        s4max9sec = value * float(rng.uniform(0.4, 0.7))
        leo_lat = float(np.clip(lat[i] + rng.normal(0, 15), -89, 89))
        leo_lon = float(((lon[i] + rng.normal(0, 20)) + 180) % 360 - 180)
        attrs = {
            "processing_center": "UCAR/CDAAC",
            "creation_time": "25-JUN-14 18:46",
            "mission": "COSMIC",
            "dump_id": f"{year:04d}.{doy:03d}.{doy:03d}.01",
            "leo_id": np.int32(leo[i]),
            "antenna_id": np.int32(antenna[i]),
            "prn_id": np.int32(prn[i]),
            "start_time": start,
            "stop_time": start + float(npts[i] - 1),
            "year": np.int32(t.year),
            "month": np.int32(t.month),
            "day": np.int32(t.day),
            "hour": np.int32(t.hour),
            "minute": np.int32(t.minute),
            "second": np.float32(t.second),
            "duration": float(npts[i] - 1),
            "s4max": value,
            "s4max9sec": round(s4max9sec, 3),
            "alt_s4max": float(rng.uniform(780, 840)),
            "lat_s4max": leo_lat,
            "lon_s4max": leo_lon,
            "lct_s4max": float(np.mod(seconds[i] / 3600.0 + leo_lon / 15.0, 24.0)),
            "alttp_s4max": tp[0],
            "lattp_s4max": tp[1],
            "lontp_s4max": tp[2],
            "lcttp_s4max": tp[3],
            "alt_start": float(rng.uniform(780, 840)),
            "lat_start": leo_lat - 1.0,
            "lon_start": leo_lon - 1.0,
            "lct_start": float(np.mod(lct[i] - 0.05, 24.0)),
            "alt_stop": float(rng.uniform(780, 840)),
            "lat_stop": leo_lat + 1.0,
            "lon_stop": leo_lon + 1.0,
            "lct_stop": float(np.mod(lct[i] + 0.05, 24.0)),
        }
        arcs.append(
            {
                "name": name,
                "attrs": attrs,
                "empty": bool(empty[i]),
                "n": int(npts[i]),
                "i_peak": i_peak,
                "start_time": start,
                "s4max": value,
                "kind": kind[i],
            }
        )
    return arcs


def write_day_tarball(
    path: str | os.PathLike,
    year: int,
    doy: int,
    *,
    arcs_per_day: int,
    es_fraction: float,
    fill_fraction: float,
    empty_member_fraction: float,
    seed: int,
    truth: PlantedEsClimatology = PlantedEsClimatology(),
) -> list[dict]:
    """Write one synthetic scnLv1 day tarball, byte-identical for the same arguments.

    Parameters
    ----------
    path : path-like
        Destination ``.tar.gz`` (written atomically).
    year, doy : int
        Day to generate.
    arcs_per_day, es_fraction, fill_fraction, empty_member_fraction, seed, truth
        See :func:`generate_day_arcs` (the first five are ``cosmic.synthetic``
        and the top-level ``seed`` of the configuration).

    Returns
    -------
    list of dict
        The arcs written (see :func:`generate_day_arcs`), for tests.
    """
    arcs = generate_day_arcs(
        year,
        doy,
        arcs_per_day=arcs_per_day,
        es_fraction=es_fraction,
        fill_fraction=fill_fraction,
        empty_member_fraction=empty_member_fraction,
        seed=seed,
        truth=truth,
    )
    rng = np.random.default_rng([seed, year, doy, 1])
    mtime = int((dt.datetime(2014, 6, 25) - dt.datetime(1970, 1, 1)).total_seconds())
    with atomic_path(path) as tmp:
        # Fixed gzip mtime and tar mtimes: the same day always gives the same bytes.
        with (
            open(tmp, "wb") as raw,
            gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz,
        ):
            with tarfile.open(fileobj=gz, mode="w|", format=tarfile.USTAR_FORMAT) as tar:
                for arc in arcs:
                    data = b"" if arc["empty"] else _netcdf_member(rng, arc)
                    info = tarfile.TarInfo(arc["name"])
                    info.size = len(data)
                    info.mtime = mtime
                    info.mode = 0o644
                    tar.addfile(info, io.BytesIO(data))
    log.info(
        "wrote %s: %d arcs (%d Es, %d fill, %d empty)",
        path,
        len(arcs),
        sum(a["kind"] == "es" for a in arcs),
        sum(a["kind"] == "fill" for a in arcs),
        sum(a["empty"] for a in arcs),
    )
    return arcs
