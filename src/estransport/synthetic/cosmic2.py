"""Synthetic COSMIC-2 and Spire scintillation day tarballs with the planted Es climatology.

The embedded default of the current missions: one ``.tar.gz`` per day as CDAAC
serves them (``scnLv2_rapid_{YYYY}_{DDD}.tar.gz`` of flat per-arc members; or
``podTc2``), at the real volume of about 9,000 arcs a day
(docs/formats.md §2.6), read by the real ingest
(:mod:`estransport.io.scnlv2`).

Planted truth
-------------
The Es intensity is the one of the COSMIC-1 generator
(:func:`estransport.synthetic.cosmic.es_intensity`, same parameters, same
geomagnetic trough from the generator's own dipole,
:func:`estransport.synthetic.cosmic.dipole_latitude`), so a combined COSMIC-1 +
COSMIC-2 climatology has one truth. Es arcs peak in
:data:`estransport.synthetic.cosmic.ES_ALTITUDE_KM`. Every ``es`` arc descends
(or rises) through the Es heights at 1 Hz; the
sample at the drawn Es altitude carries the arc's planted S4max, every other
sample in the Es window less, and a third of the arcs carry stronger F-region
scintillation above 150 km, which the ingest must ignore. Tangent points lie
within ``lat_limit_deg`` of the equator (COSMIC-2: 24-degree orbits, about
+-45 degrees; docs/formats.md §2.6) and are uniform in area there.

Member contents follow what is known of the real files (docs/formats.md §2.3,
§2.4): for ``scnLv2`` the CDAAC global attributes ``center`` ...
``stopTime`` [V], the calendar and arc-summary attributes seen in a public
reader [V3] and the per-sample variables ``time`` (seconds from
``startTime``), ``s4_L1``, ``s4_L2``, ``sigma_phi_L1``, ``sigma_phi_L2``,
``L1_SNR``, ``elevation``, ``occheight``, ``lat``, ``lon``, ``slip_L1``,
``slip_L2`` [V3]; for ``podTc2`` the variables of a third party's dump of a real
file, with the LEO and GNSS positions (ECEF km) placed on a straight ray through
each sample's tangent point, so that the computed tangent point is the planted
one. Types, units and the values of unknown-meaning attributes are
inferences [I]; names not found anywhere are not written.

Everything is drawn from ``numpy.random.default_rng([seed, 2, year, doy])``, so
a day's bytes are identical on every run and independent of job order (the
``2`` keeps the stream apart from the COSMIC-1 generator's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import queue
import struct
import threading
import zlib

import numpy as np
import pandas as pd

from ..io.atomic import atomic_path
from ..physics.tangent_point import WGS84_A_KM, geodetic_to_ecef
from .cosmic import ES_ALTITUDE_KM, GPS_EPOCH, PlantedEsClimatology, dipole_latitude, es_intensity

__all__ = [
    "COSMIC2_LAT_LIMIT_DEG",
    "KINDS",
    "SyntheticStream",
    "day_tarball_name",
    "generate_day",
    "write_day_tarball",
]

log = logging.getLogger(__name__)

#: Latitude reach (degrees) of COSMIC-2 tangent points: 24-degree inclination plus the
#: ~22-degree reach of a limb view from ~540 km [I arithmetic]; ionPrf peaks of one real
#: day lie within +-40.5 degrees, none beyond 45 [V3] [S9].
COSMIC2_LAT_LIMIT_DEG = 45.0
#: COSMIC-2 orbit altitude, km: |r_LEO| - 6371 km = 536-540 km in a real podTc2 file [V3] [S9].
LEO_ALTITUDE_KM = 540.0
#: GNSS orbit radius, km (GPS semi-major axis 26,560 km; |r_GPS| 26,350-26,650 km in [S9]).
GNSS_RADIUS_KM = 26560.0
#: Fill value of CDAAC variables (docs/formats.md §1.3, §2.4).
FILL = -999.0
#: Kinds of planted arcs, and the QC reason each must end under.
KINDS = {
    "es": "kept",
    "outside": "altitude_out_of_range",
    "fill": "fill_value",
    "outlier": "s4max_out_of_range",
    "empty": "empty_member",
}
#: Version stamp of member names (``_0001.0001_nc`` in every real COSMIC-2 name seen [V3]).
VERSION_SUFFIX = "0001.0001"
_SAMPLES = (30, 120)  # samples (s) per arc [I]; scn1c2 files are ~7 KB [V3] [S13]
_DESCENT_KM_S = (1.0, 3.0)  # tangent-height rate of an occultation, km/s [I]
_BUMP_KM = 3.0  # half-width of the Es S4 bump in tangent height (km) [I]
_F_REGION_FRACTION = 0.33  # arcs with stronger F-region scintillation above 150 km [I]
#: The planted Es climatology: the COSMIC-1 generator's, unchanged.
PLANTED = PlantedEsClimatology()


@dataclasses.dataclass(frozen=True)
class SyntheticStream:
    """Size and defects of one synthetic mission stream.

    Attributes
    ----------
    mission : str
        Mission name (``cosmic2``, ``spire``): member names and attributes.
    product : {"scnLv2", "podTc2"}
        Product written.
    members_per_day : int
        Arcs (tar members) per day; about 9,000 for COSMIC-2 ``scnLv2``.
    es_fraction : float
        Fraction of arcs that cross the Es heights.
    fill_fraction : float
        Fraction of arcs whose S4 samples are all the -999 fill.
    empty_member_fraction : float
        Fraction of zero-byte members.
    lat_limit_deg : float
        Tangent points lie within this latitude of the equator (degrees).
    """

    mission: str = "cosmic2"
    product: str = "scnLv2"
    members_per_day: int = 9000
    es_fraction: float = 0.8
    fill_fraction: float = 0.02
    empty_member_fraction: float = 0.003
    lat_limit_deg: float = COSMIC2_LAT_LIMIT_DEG


def day_tarball_name(product: str, stream_tag: str, year: int, doy: int) -> str:
    """CDAAC day tarball name ``{product}_{tag}_{YYYY}_{DDD}.tar.gz`` (docs/formats.md §2.1)."""
    return f"{product}_{stream_tag}_{year:04d}_{doy:03d}.tar.gz"


def _gps_seconds(t: dt.datetime) -> float:
    return (t - GPS_EPOCH).total_seconds()


def generate_day(
    year: int,
    doy: int,
    stream: SyntheticStream,
    *,
    seed: int,
    truth: PlantedEsClimatology = PLANTED,
) -> dict:
    """Draw one day of arcs: per-sample arrays and the planted event of every arc.

    Parameters
    ----------
    year, doy : int
        Day to generate.
    stream : SyntheticStream
        Mission, product, size and defects.
    seed : int
        Master seed.
    truth : PlantedEsClimatology
        Planted Es climatology (shared with COSMIC-1).

    Returns
    -------
    dict
        ``arcs`` (pandas.DataFrame, one row per arc: ``member``, ``kind``,
        ``reason`` and the planted event values ``time_gps_s``,
        ``start_time_gps_s``, ``leo_id``, ``prn_id``, ``antenna_id``,
        ``lattp_s4max``, ``lontp_s4max``, ``alttp_s4max``, ``s4max``, the
        sample count ``n`` and the planted peak sample ``i_peak``), and the
        per-sample arrays (``s4``, ``lat``, ``lon``, ``alt``, ``offsets``,
        ...) the writer encodes.
    """
    rng = np.random.default_rng([seed, 2, year, doy])
    n_arcs = stream.members_per_day
    day0 = dt.datetime(year, 1, 1) + dt.timedelta(days=doy - 1)
    t_day = _gps_seconds(day0)
    lo_n, hi_n = _SAMPLES
    n = rng.integers(lo_n, hi_n + 1, n_arcs)
    start_s = np.sort(rng.integers(0, 86400 - hi_n - 1, n_arcs)).astype(np.float64)
    rate = rng.uniform(*_DESCENT_KM_S, n_arcs)
    setting = rng.random(n_arcs) < 0.5
    kind = np.where(rng.random(n_arcs) < stream.es_fraction, "es", "outside").astype(object)
    # Es peak altitude: truncated normal around the layer peak (as the COSMIC-1 generator).
    z = rng.normal(truth.peak_altitude_km, truth.layer_sigma_km, n_arcs)
    bad = (z < ES_ALTITUDE_KM[0]) | (z > ES_ALTITUDE_KM[1])
    while bad.any():
        z[bad] = rng.normal(truth.peak_altitude_km, truth.layer_sigma_km, int(bad.sum()))
        bad = (z < ES_ALTITUDE_KM[0]) | (z > ES_ALTITUDE_KM[1])
    i_peak = (3 + np.floor(rng.random(n_arcs) * (n - 6))).astype(np.int64)
    above = rng.random(n_arcs) < 0.5  # outside arcs: all above 130 km, or all below 90 km
    z_out = np.where(above, rng.uniform(131.0, 250.0, n_arcs), rng.uniform(60.0, 89.0, n_arcs))
    # Keep every tangent height below the LEO: at most 500 km over the whole arc.
    top = np.where(np.isin(kind, ["es"]), z, z_out)
    rate = np.minimum(rate, (500.0 - top) / (n - 1))
    # Tangent-point track: the peak sample is drawn uniform in area within the coverage.
    margin = 0.02 * hi_n
    lim = np.radians(stream.lat_limit_deg - margin)
    lat0 = np.degrees(np.arcsin(rng.uniform(-np.sin(lim), np.sin(lim), n_arcs)))
    lon0 = rng.uniform(-180.0, 180.0, n_arcs)
    dlat = rng.normal(0.0, 0.01, n_arcs)
    dlon = rng.normal(0.0, 0.01, n_arcs)
    azimuth = rng.uniform(0.0, 2.0 * np.pi, n_arcs)
    # Planted S4max at the peak sample (log-normal noise of mean 1, as COSMIC-1).
    # The planted trough's dipole is the COSMIC-1 generator's own (not estransport.geomag).
    maglat = dipole_latitude(lat0, lon0, day0.date())
    expected = es_intensity(lat0, lon0, doy, z, maglat, truth)
    peak = expected * np.exp(
        truth.noise_sigma * rng.standard_normal(n_arcs) - 0.5 * truth.noise_sigma**2
    )
    outlier = (kind == "es") & (rng.random(n_arcs) < truth.outlier_fraction)
    peak[outlier] = rng.uniform(5.2, 9.0, int(outlier.sum()))
    kind[outlier] = "outlier"
    fill = rng.random(n_arcs) < stream.fill_fraction
    kind[fill] = "fill"
    empty = rng.random(n_arcs) < stream.empty_member_fraction
    kind[empty] = "empty"
    peak = peak.astype(np.float32)
    f_region = rng.random(n_arcs) < _F_REGION_FRACTION
    f_peak = rng.uniform(0.3, 1.5, n_arcs)

    # Per-sample arrays, all arcs at once.
    offsets = np.concatenate([[0], np.cumsum(n)])
    total = int(offsets[-1])
    arc = np.repeat(np.arange(n_arcs), n)
    i = np.arange(total) - offsets[arc]
    es_like = np.isin(kind, ["es", "outlier", "fill", "empty"])
    # Tangent height: through z at the peak sample (es-like arcs), or wholly outside the window.
    step = np.where(setting[arc], 1.0, -1.0) * rate[arc]
    ref = np.where(es_like[arc], i_peak[arc], np.where(above[arc], n[arc] - 1, 0))
    if_setting = setting[arc]
    ref = np.where(~es_like[arc] & ~if_setting, np.where(above[arc], 0, n[arc] - 1), ref)
    base = np.where(es_like[arc], z[arc], z_out[arc])
    alt = base - step * (i - ref)
    # Outside arcs below 90 km descend gently enough to stay above 5 km.
    low = ~es_like[arc] & ~above[arc]
    alt = np.where(low, np.maximum(alt, 5.0 + 0.01 * np.abs(i - ref)), alt)
    di = (i - i_peak[arc]).astype(np.float64)
    lat = np.clip(
        lat0[arc] + dlat[arc] * di, -(stream.lat_limit_deg - 0.01), stream.lat_limit_deg - 0.01
    )
    lon = (lon0[arc] + dlon[arc] * di + 180.0) % 360.0 - 180.0
    # S4: background, the Es bump capped below the planted peak, the peak, an F-region bump.
    bg = (0.03 + 0.05 * rng.random(total)).astype(np.float32)
    pk = peak[arc]
    in_win = (alt >= ES_ALTITUDE_KM[0]) & (alt <= ES_ALTITUDE_KM[1])
    bump = (pk * np.exp(-0.5 * ((alt - z[arc]) / _BUMP_KM) ** 2)).astype(np.float32)
    s4 = np.where(es_like[arc] & in_win, np.maximum(np.minimum(bg, 0.9 * pk), bump), bg)
    s4 = np.where(es_like[arc] & in_win, np.minimum(s4, np.float32(0.97) * pk), s4).astype(
        np.float32
    )
    at_peak = es_like[arc] & (i == i_peak[arc])
    s4[at_peak] = pk[at_peak]
    f_bump = f_region[arc] & (alt > 150.0)
    s4 = np.where(
        f_bump,
        np.maximum(
            s4, (f_peak[arc] * np.exp(-0.5 * ((alt - 250.0) / 40.0) ** 2)).astype(np.float32)
        ),
        s4,
    )
    s4 = s4.astype(np.float32)
    s4[(kind == "fill")[arc]] = np.float32(FILL)

    # Identities: LEO 1-6 (C2E1..C2E6) [I], GPS G01-G32 or GLONASS R01-R24.
    leo = rng.integers(1, 7, n_arcs)
    glonass = rng.random(n_arcs) < 0.45
    prn = np.where(glonass, rng.integers(1, 25, n_arcs), rng.integers(1, 33, n_arcs))
    antenna = rng.integers(1, 3, n_arcs)
    start_gps = t_day + start_s
    names = _member_names(stream, year, doy, start_s, n, leo, glonass, prn, antenna)

    planted = pd.DataFrame(
        {
            "member": names,
            "kind": kind.astype(str),
            "reason": [KINDS[k] for k in kind],
            "time_gps_s": start_gps + i_peak,
            "start_time_gps_s": start_gps,
            "leo_id": leo.astype(np.int32),
            "prn_id": prn.astype(np.int32),
            "antenna_id": antenna.astype(np.int32),
            "lattp_s4max": lat0,
            "lontp_s4max": (lon0 + 180.0) % 360.0 - 180.0,
            "alttp_s4max": z,
            "s4max": peak.astype(np.float64),
            "n": n,
            "i_peak": i_peak,
        }
    )
    # The peak sample's track values are the planted ones exactly (di = 0 there).
    planted["lattp_s4max"] = lat[offsets[:-1] + i_peak]
    planted["lontp_s4max"] = lon[offsets[:-1] + i_peak]
    return {
        "arcs": planted,
        "offsets": offsets,
        "s4": s4,
        "alt": alt,
        "lat": lat,
        "lon": lon,
        "azimuth": azimuth,
        "start_gps": start_gps,
        "leo": leo,
        "prn": prn,
        "glonass": glonass,
        "antenna": antenna,
        "rng": rng,
        "year": year,
        "doy": doy,
        "empty": empty,
    }


def _member_names(stream, year, doy, start_s, n, leo, glonass, prn, antenna) -> list[str]:
    """Unique member names; on a clash the antenna number is raised (as COSMIC-1's generator)."""
    hour = (start_s // 3600).astype(int)
    minute = ((start_s % 3600) // 60).astype(int)
    names: list[str] = []
    seen: set[str] = set()
    for k in range(len(leo)):
        system = "R" if glonass[k] else "G"
        ant = int(antenna[k])
        while True:
            if stream.product == "podTc2":
                # podTc2_C2E1.YYYY.DDD.HH.MM.UUUU.GNN.TT_0001.0001_nc [V3] [S9]
                name = (
                    f"podTc2_C2E{leo[k]}.{year:04d}.{doy:03d}.{hour[k]:02d}.{minute[k]:02d}."
                    f"{int(np.ceil(n[k] / 60)):04d}.{system}{prn[k]:02d}.{ant:02d}_{VERSION_SUFFIX}_nc"
                )
            else:
                # scnLv2_YYYY.DDD.LLL.AA.BB.PNN.SCnnn_0001.0001_nc [V3] [S64]; AA.BB written as the
                # start hour and minute [I] (the two real names, both "01.01", are consistent).
                name = (
                    f"scnLv2_{year:04d}.{doy:03d}.{leo[k]:03d}.{hour[k]:02d}.{minute[k]:02d}."
                    f"{system}{prn[k]:02d}.SC{ant:03d}_{VERSION_SUFFIX}_nc"
                )
            if name not in seen:
                break
            ant += 1
        antenna[k] = ant
        seen.add(name)
        names.append(name)
    return names


# --- netCDF-3 classic encoding, one header layout per sample count -----------------------

_NC_DIM, _NC_VAR, _NC_ATT = 10, 11, 12
_NC_CODES = {"S1": 2, ">i1": 1, ">i2": 3, ">i4": 4, ">f4": 5, ">f8": 6}


def _pad4(b: bytes) -> bytes:
    return b + b"\x00" * (-len(b) % 4)


def _name(s: str) -> bytes:
    raw = s.encode()
    return struct.pack(">i", len(raw)) + _pad4(raw)


def _att(name: str, dtype: str, value) -> bytes:
    if dtype == "S1":
        raw = value.encode()
        return _name(name) + struct.pack(">ii", 2, len(raw)) + _pad4(raw)
    arr = np.atleast_1d(np.asarray(value, dtype=dtype))
    return _name(name) + struct.pack(">ii", _NC_CODES[dtype], arr.size) + _pad4(arr.tobytes())


class _Encoder:
    """Encode members of one product; the header of each sample count is built once.

    ``gatts`` is a list of (name, dtype) in file order and every member passes
    its values in that order. The attribute list is packed by one ``struct``
    whose format interleaves the constant structural bytes (name, type, count)
    with the values, so a member costs one ``pack`` call.
    """

    def __init__(
        self,
        dims_extra: list[tuple[str, int]],
        gatts: list[tuple[str, str]],
        variables: list[tuple[str, tuple[str, ...], str, dict]],
    ):
        self.dims_extra = dims_extra
        self.gatts = gatts
        self.variables = variables
        self._cache: dict[tuple[int, tuple[int, ...]], tuple] = {}

    def _layout(self, n: int, str_lengths: tuple[int, ...]):
        key = (n, str_lengths)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        dims = [("time", n), *self.dims_extra]
        dim_ids = {name: k for k, (name, _) in enumerate(dims)}
        head = b"CDF\x01" + struct.pack(">i", 0)
        head += struct.pack(">ii", _NC_DIM, len(dims)) + b"".join(
            _name(d) + struct.pack(">i", size) for d, size in dims
        )
        fmt = [">"]
        prefixes = [struct.pack(">ii", _NC_ATT, len(self.gatts))]
        fmt.append("8s")
        str_iter = iter(str_lengths)
        for name, dtype in self.gatts:
            if dtype == "S1":
                length = next(str_iter)
                prefix = _name(name) + struct.pack(">ii", 2, length)
                fmt.append(f"{len(prefix)}s{length}s{-length % 4}x")
            else:
                size = np.dtype(dtype).itemsize
                prefix = _name(name) + struct.pack(">ii", _NC_CODES[dtype], 1)
                code = {">i2": "h", ">i4": "i", ">f4": "f", ">f8": "d"}[dtype]
                fmt.append(f"{len(prefix)}s{code}{-size % 4}x")
            prefixes.append(prefix)
        packer = struct.Struct("".join(fmt))
        sizes = []
        var_parts = []
        for name, vdims, dtype, vattrs in self.variables:
            shape = [dict(dims)[d] for d in vdims]
            nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
            vsize = nbytes + (-nbytes % 4)
            sizes.append(vsize)
            atts = b"".join(_att(k, dt_, v) for k, (dt_, v) in vattrs.items())
            att_list = (
                struct.pack(">ii", _NC_ATT, len(vattrs)) + atts
                if vattrs
                else struct.pack(">ii", 0, 0)
            )
            var_parts.append(
                _name(name)
                + struct.pack(">i", len(vdims))
                + b"".join(struct.pack(">i", dim_ids[d]) for d in vdims)
                + att_list
                + struct.pack(">ii", _NC_CODES[dtype], vsize)
            )
        var_head = struct.pack(">ii", _NC_VAR, len(self.variables))
        header_len = len(head) + packer.size + len(var_head) + sum(len(p) + 4 for p in var_parts)
        offset = header_len
        var_bytes = bytearray(var_head)
        for part, vsize in zip(var_parts, sizes, strict=True):
            var_bytes += part + struct.pack(">i", offset)
            offset += vsize
        layout = (head, packer, prefixes, bytes(var_bytes))
        self._cache[key] = layout
        return layout

    def encode(self, n: int, values: list, data: list[bytes]) -> bytes:
        """One member: ``values`` of the global attributes, ``data`` of the variables (padded)."""
        raw = [v.encode() if isinstance(v, str) else v for v in values]
        str_lengths = tuple(len(v) for v in raw if isinstance(v, bytes))
        head, packer, prefixes, var_bytes = self._layout(n, str_lengths)
        args = [prefixes[0]]
        for prefix, value in zip(prefixes[1:], raw, strict=True):
            args.append(prefix)
            args.append(value)
        return b"".join((head, packer.pack(*args), var_bytes, *data))


def _scnlv2_encoder() -> _Encoder:
    f4 = {"_FillValue": (">f4", FILL)}
    f8 = {"_FillValue": (">f8", FILL)}

    def attrs(base, units, long_name):
        return {**base, "units": ("S1", units), "long_name": ("S1", long_name)}

    return _Encoder(
        [],
        [
            ("center", "S1"),
            ("timeOfProcessing", "S1"),
            ("missionId", "S1"),
            ("dump_id", "S1"),
            ("leoId", ">i4"),
            ("antenna_id", ">i4"),
            ("occsatId", ">i4"),
            ("startTime", ">f8"),
            ("stopTime", ">f8"),
            ("year", ">i2"),
            ("month", ">i2"),
            ("day", ">i2"),
            ("hour", ">i2"),
            ("minute", ">i2"),
            ("second", ">f4"),
            ("duration", ">f8"),
            ("conId", "S1"),
            ("s4max_L1", ">f4"),
            ("s4max_L2", ">f4"),
            ("alt_s4max_L1", ">f4"),
            ("lat_s4max_L1", ">f4"),
            ("lon_s4max_L1", ">f4"),
            ("lct_s4max_L1", ">f4"),
            ("sigmaphimax_L1", ">f4"),
            ("elevmin", ">f4"),
            ("elevmax", ">f4"),
        ],
        [
            ("time", ("time",), ">f8", attrs({}, "s", "seconds from startTime")),
            ("s4_L1", ("time",), ">f4", attrs(f4, "1", "S4 index, L1, 10-s running window")),
            ("s4_L2", ("time",), ">f4", attrs(f4, "1", "S4 index, L2, 10-s running window")),
            ("sigma_phi_L1", ("time",), ">f4", attrs(f4, "m", "phase scintillation index, L1")),
            ("sigma_phi_L2", ("time",), ">f4", attrs(f4, "m", "phase scintillation index, L2")),
            ("L1_SNR", ("time",), ">f4", attrs(f4, "V/V", "L1 signal-to-noise ratio")),
            (
                "elevation",
                ("time",),
                ">f8",
                attrs(f8, "deg", "elevation angle of the LEO-GNSS link"),
            ),
            ("occheight", ("time",), ">f8", attrs(f8, "km", "tangent point height")),
            ("lat", ("time",), ">f8", attrs(f8, "degrees_north", "tangent point latitude")),
            ("lon", ("time",), ">f8", attrs(f8, "degrees_east", "tangent point longitude")),
            ("slip_L1", ("time",), ">f4", attrs(f4, "1", "cycle slips, L1")),
            ("slip_L2", ("time",), ">f4", attrs(f4, "1", "cycle slips, L2")),
        ],
    )


def _podtc2_encoder() -> _Encoder:
    f4 = {"_FillValue": (">f4", FILL)}
    f8 = {"_FillValue": (">f8", FILL)}

    def attrs(base, units, long_name):
        return {**base, "units": ("S1", units), "long_name": ("S1", long_name)}

    variables = [
        (
            "leveling_offset",
            ("attribute_dimension",),
            ">f8",
            attrs({}, "TEC Units", "Phase/code leveling offset"),
        ),
        ("time", ("time",), ">f8", attrs({}, "s", "Time of GPS measurement (GPS seconds)")),
        ("TEC", ("time",), ">f8", attrs(f8, "TECU", "Total Electron Content along LEO-GPS link")),
        ("S4", ("time",), ">f4", attrs(f4, "Unitless", "S4 scintillation index")),
        ("elevation", ("time",), ">f8", attrs(f8, "deg", "Elevation angle of LEO-GPS link")),
        ("occheight", ("time",), ">f8", attrs(f8, "km", "Occultation perigee point height")),
        (
            "caL1_SNR",
            ("time",),
            ">f4",
            attrs(f4, "volts/volt", "Signal to Noise Ratio on the L1 channel, CA code"),
        ),
    ]
    for who, when in (("LEO", "reception"), ("GPS", "transmission")):
        for axis in "xyz":
            variables.append(
                (
                    f"{axis}_{who}",
                    ("time",),
                    ">f8",
                    attrs(f8, "km", f"{who} {axis} position (ECF) at time of signal {when}"),
                )
            )
    return _Encoder(
        [("attribute_dimension", 1)],
        [
            ("leo_id", ">i4"),
            ("antenna_id", ">i4"),
            ("prn_id", ">i4"),
            ("conid", "S1"),
            ("attflag", ">i4"),
            ("podflag", ">i4"),
            ("duration", ">f8"),
            ("elevmin", ">f8"),
            ("elevmax", ">f8"),
        ],
        variables,
    )


def _tar_header(name: str, size: int, mtime: int) -> bytes:
    """A POSIX ustar header (512 bytes) for a regular file."""
    raw = name.encode()
    if len(raw) > 100:
        raise ValueError(f"member name longer than 100 bytes: {name}")
    h = bytearray(512)
    h[0 : len(raw)] = raw
    h[100:108] = b"0000644\x00"
    h[108:116] = b"0000000\x00"
    h[116:124] = b"0000000\x00"
    h[124:136] = f"{size:011o}\x00".encode()
    h[136:148] = f"{mtime:011o}\x00".encode()
    h[148:156] = b" " * 8
    h[156:157] = b"0"
    h[257:263] = b"ustar\x00"
    h[263:265] = b"00"
    checksum = sum(h)
    h[148:156] = f"{checksum:06o}\x00 ".encode()
    return bytes(h)


class _GzipPipe:
    """gzip-compress blocks in a second thread (zlib releases the GIL), in order.

    The gzip header zlib writes has mtime 0 and no file name, so the same
    blocks always give the same bytes.
    """

    def __init__(self, raw, level: int):
        self._raw = raw
        self._comp = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="gzip-pipe", daemon=True)

    def _run(self) -> None:
        try:
            while (block := self._queue.get()) is not None:
                self._raw.write(self._comp.compress(block))
            self._raw.write(self._comp.flush())
        except BaseException as err:  # re-raised in the writing thread
            self._error = err
            while self._queue.get() is not None:
                pass

    def __enter__(self) -> _GzipPipe:
        self._thread.start()
        return self

    def write(self, block: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(block)

    def __exit__(self, *exc) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error


def write_day_tarball(
    path: str | os.PathLike,
    year: int,
    doy: int,
    stream: SyntheticStream,
    *,
    seed: int,
    truth: PlantedEsClimatology = PLANTED,
    compresslevel: int = 6,
) -> pd.DataFrame:
    """Write one synthetic day tarball, byte-identical for the same arguments.

    Parameters
    ----------
    path : path-like
        Destination ``.tar.gz`` (written atomically).
    year, doy : int
        Day to generate.
    stream : SyntheticStream
        Mission, product, size and defects.
    seed : int
        Master seed.
    truth : PlantedEsClimatology
        Planted Es climatology.
    compresslevel : int, default 6
        gzip level (6 is gzip's and tar's default).

    Returns
    -------
    pandas.DataFrame
        The planted arcs (see :func:`generate_day`), for tests.
    """
    if stream.product not in ("scnLv2", "podTc2"):
        raise ValueError(f"synthetic product must be scnLv2 or podTc2, got {stream.product!r}")
    day = generate_day(year, doy, stream, seed=seed, truth=truth)
    arcs = day["arcs"]
    off = day["offsets"]
    rng = day["rng"]
    total = int(off[-1])
    s4 = day["s4"]
    lat, lon, alt = day["lat"], day["lon"], day["alt"]
    az = day["azimuth"][np.repeat(np.arange(len(arcs)), np.diff(off))]
    # Straight rays through each sample's tangent point, horizontal there (tangent_point docstring).
    px, py, pz = geodetic_to_ecef(lat, lon, alt)
    la, lo = np.radians(lat), np.radians(lon)
    north = (-np.sin(la) * np.cos(lo), -np.sin(la) * np.sin(lo), np.cos(la))
    east = (-np.sin(lo), np.cos(lo), np.zeros_like(lo))
    d = [np.cos(az) * north[k] + np.sin(az) * east[k] for k in range(3)]
    r_p2 = px * px + py * py + pz * pz
    s_leo = np.sqrt((WGS84_A_KM + LEO_ALTITUDE_KM) ** 2 - r_p2)
    s_gnss = np.sqrt(GNSS_RADIUS_KM**2 - r_p2)
    leo_xyz = [p + s_leo * dk for p, dk in zip((px, py, pz), d, strict=True)]
    gnss_xyz = [p - s_gnss * dk for p, dk in zip((px, py, pz), d, strict=True)]
    link = [g - q for g, q in zip(gnss_xyz, leo_xyz, strict=True)]
    link_len = np.sqrt(sum(c * c for c in link))
    leo_len = np.sqrt(sum(c * c for c in leo_xyz))
    elevation = np.degrees(
        np.arcsin(sum(c * q for c, q in zip(link, leo_xyz, strict=True)) / (link_len * leo_len))
    )

    big = {  # big-endian bytes of every per-sample variable, sliced per member below
        "s4": s4.astype(">f4").tobytes(),
        "alt": alt.astype(">f8").tobytes(),
        "elev": elevation.astype(">f8").tobytes(),
    }
    if stream.product == "scnLv2":
        enc = _scnlv2_encoder()
        big["s4_L2"] = np.where(s4 == FILL, s4, s4 * 0.8).astype(">f4").tobytes()
        sig = (0.02 + 0.1 * np.clip(s4, 0, None) * rng.random(total)).astype(np.float32)
        big["sig1"] = np.where(s4 == FILL, np.float32(FILL), sig).astype(">f4").tobytes()
        big["sig2"] = np.where(s4 == FILL, np.float32(FILL), 1.3 * sig).astype(">f4").tobytes()
        big["snr"] = (300.0 + 200.0 * rng.random(total)).astype(">f4").tobytes()
        big["lat"] = lat.astype(">f8").tobytes()
        big["lon"] = lon.astype(">f8").tobytes()
        big["zero"] = np.zeros(total, ">f4").tobytes()
        big["trel"] = (np.arange(total) - np.repeat(off[:-1], np.diff(off))).astype(">f8").tobytes()
    else:
        enc = _podtc2_encoder()
        t_abs = np.repeat(day["start_gps"], np.diff(off)) + (
            np.arange(total) - np.repeat(off[:-1], np.diff(off))
        )
        big["tabs"] = t_abs.astype(">f8").tobytes()
        big["tec"] = (20.0 + 30.0 * rng.random(total)).astype(">f8").tobytes()
        big["snr"] = (300.0 + 200.0 * rng.random(total)).astype(">f4").tobytes()
        for k, axis in enumerate("xyz"):
            big[f"{axis}L"] = leo_xyz[k].astype(">f8").tobytes()
            big[f"{axis}G"] = gnss_xyz[k].astype(">f8").tobytes()
    mtime = int((dt.datetime(year, 1, 1) - dt.datetime(1970, 1, 1)).total_seconds()) + 86400 * doy
    stamp = (dt.datetime(year, 1, 1) + dt.timedelta(days=doy)).strftime("%Y-%m-%d_%H:%M:%S")
    values = _attribute_rows(stream, day, elevation, stamp)
    names = _SCNLV2_ORDER if stream.product == "scnLv2" else _PODTC2_ORDER
    # (bytes of the day, bytes per sample) per variable; None: the fixed leveling_offset.
    columns = [
        None if name == "lev" else (big[name], 4 if name in _FOUR_BYTE else 8) for name in names
    ]
    lev = struct.pack(">d", 350000.0)
    members = arcs["member"].tolist()
    empty = (arcs["kind"] == "empty").to_numpy()
    bounds = off.tolist()
    with atomic_path(path) as tmp, open(tmp, "wb") as raw, _GzipPipe(raw, compresslevel) as gz:
        out: list[bytes] = []
        pending = 0
        written = 0
        for k, name in enumerate(members):
            a, b = bounds[k], bounds[k + 1]
            if empty[k]:
                data = b""
            else:
                chunks = [lev if c is None else c[0][a * c[1] : b * c[1]] for c in columns]
                data = enc.encode(b - a, values[k], chunks)
            pad = -len(data) % 512
            out.append(_tar_header(name, len(data), mtime))
            out.append(data)
            out.append(b"\x00" * pad)
            step = 512 + len(data) + pad
            pending += step
            written += step
            if pending > (1 << 21):
                gz.write(b"".join(out))
                out, pending = [], 0
        # End-of-archive marker, then zeros to a whole 10,240-byte record, as tar writes.
        written += 1024
        out.append(b"\x00" * (1024 + (-written % 10240)))
        gz.write(b"".join(out))
    log.info(
        "wrote %s: %d %s arcs (%s)",
        path,
        len(arcs),
        stream.product,
        ", ".join(f"{k}={int((arcs['kind'] == k).sum())}" for k in KINDS),
    )
    return arcs


#: Variables of a member in file order, as keys of the per-sample byte buffers.
_SCNLV2_ORDER = (
    "trel",
    "s4",
    "s4_L2",
    "sig1",
    "sig2",
    "snr",
    "elev",
    "alt",
    "lat",
    "lon",
    "zero",
    "zero",
)
_PODTC2_ORDER = (
    "lev",
    "tabs",
    "tec",
    "s4",
    "elev",
    "alt",
    "snr",
    "xL",
    "yL",
    "zL",
    "xG",
    "yG",
    "zG",
)
_FOUR_BYTE = frozenset(("s4", "s4_L2", "sig1", "sig2", "snr", "zero"))


def _segment(values: np.ndarray, off: np.ndarray, func) -> np.ndarray:
    """``func.reduceat`` over the non-empty arcs (every arc has >= 30 samples here)."""
    return func.reduceat(values, off[:-1])


def _attribute_rows(
    stream: SyntheticStream, day: dict, elevation: np.ndarray, stamp: str
) -> list[list]:
    """The global attribute values of every member, in encoder order, computed for all arcs at once."""
    arcs = day["arcs"]
    off = day["offsets"]
    n = np.diff(off)
    start = day["start_gps"]
    leo = arcs["leo_id"].to_numpy()
    ant = arcs["antenna_id"].to_numpy()
    prn = arcs["prn_id"].to_numpy()
    con = np.where(day["glonass"], "R", "G")
    el_min = _segment(elevation, off, np.minimum)
    el_max = _segment(elevation, off, np.maximum)
    if stream.product != "scnLv2":
        cols = [
            leo,
            ant,
            prn,
            con,
            np.ones_like(leo),
            np.ones_like(leo),
            (n - 1).astype(float),
            el_min,
            el_max,
        ]
        return [list(row) for row in zip(*(c.tolist() for c in cols), strict=True)]
    s4 = day["s4"]
    valid = s4 != FILL
    # Arc summary of a scnLv2 file: the S4 maximum over the whole arc, where it is [I].
    seg = np.repeat(np.arange(len(n)), n)
    masked = np.where(valid, s4, -np.inf)
    best = _segment(masked, off, np.maximum)
    first = np.flatnonzero(valid & (masked == best[seg]))
    arc_of_first, at = np.unique(seg[first], return_index=True)
    j = np.full(len(n), -1)
    j[arc_of_first] = first[at]
    has = j >= 0
    jj = np.where(has, j, 0)
    lon_j = day["lon"][jj]
    t_j = start + (jj - off[:-1])
    lct = np.mod(np.mod(t_j, 86400.0) / 3600.0 + lon_j / 15.0, 24.0)
    summary = [
        np.where(has, s4[jj], FILL),
        np.where(has, s4[jj] * 0.8, FILL),
        np.where(has, day["alt"][jj], FILL),
        np.where(has, day["lat"][jj], FILL),
        np.where(has, lon_j, FILL),
        np.where(has, lct, FILL),
    ]
    when = np.datetime64("1980-01-06") + (start * 1e3).astype(np.int64).astype("timedelta64[ms]")
    years = when.astype("datetime64[Y]")
    months = when.astype("datetime64[M]")
    days = when.astype("datetime64[D]")
    secs = (when - days).astype("timedelta64[ms]").astype(np.int64) / 1e3
    cal = [
        years.astype(int) + 1970,
        (months - years).astype(int) + 1,
        (days - months).astype(int) + 1,
        (secs // 3600).astype(int),
        ((secs % 3600) // 60).astype(int),
        (secs % 60).astype(np.float32),
    ]
    dump = [f"{day['year']:04d}.{day['doy']:03d}.{k:03d}.01" for k in leo.tolist()]
    cols = [
        ["UCAR/CDAAC"] * len(n),
        [stamp] * len(n),
        [stream.mission] * len(n),
        dump,
        leo.tolist(),
        ant.tolist(),
        prn.tolist(),
        start.tolist(),
        (start + n - 1).tolist(),
        *(c.tolist() for c in cal),
        (n - 1).astype(float).tolist(),
        con.tolist(),
        *(c.tolist() for c in summary),
        [0.05] * len(n),
        el_min.tolist(),
        el_max.tolist(),
    ]
    return [list(row) for row in zip(*cols, strict=True)]
