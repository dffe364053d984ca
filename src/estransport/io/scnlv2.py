"""COSMIC-2 and Spire scintillation day tarballs -> per-arc Es-height S4max event tables.

The current missions have no ``scnLv1`` product (docs/formats.md §2). What CDAAC
distributes instead are per-sample products, one small netCDF-3 file per arc and
one ``.tar.gz`` per day:

* ``scnLv2`` (level 2): S4 (``s4_L1``) and sigma-phi every second, with the
  tangent-point height ``occheight`` and position ``lat``/``lon`` of each
  sample, about 9,000 files a day for COSMIC-2; files exist only while the
  receiver's S4 exceeds its threshold (docs/formats.md §2.3);
* ``podTc2`` (level 1b): 1 Hz ``S4`` with the LEO and GNSS positions
  (``x_LEO`` ... ``z_GPS``, ECEF km) of every sample, on every link
  (docs/formats.md §2.4).

Neither gives an S4max *at Es heights*: the arc attribute ``s4max_L1`` of
``scnLv2`` is the maximum over the whole arc, dominated at low latitudes by
F-region scintillation. So the S4max of an arc is computed here: the largest S4
among the samples whose tangent point lies in the Es altitude window. The
tangent point is the product's own (``occheight``, ``lat``, ``lon``) or, where
the file gives satellite positions, computed from them
(:mod:`estransport.physics.tangent_point`); ``tangent_point`` chooses.

The result has the columns of the COSMIC-1 event table
(:data:`estransport.io.scnlv1.EVENT_COLUMNS`) plus ``mission``, so that the
quality control, gridding and figures are shared. Differences of meaning:

* ``time`` is the time of the selected sample (COSMIC-1: start of the arc);
* ``lcttp_s4max`` is the mean local solar time at the tangent point, computed
  from ``time`` and the longitude;
* ``s4max9sec`` is NaN (no such quantity in these products).

An arc without any valid sample (every S4 or tangent point a fill value, or
no tangent point at all, e.g. a link above the LEO's horizon) becomes a row of
-999 fills (QC reason ``fill_value``); an arc whose valid samples all lie
outside the window keeps its overall S4 maximum and tangent point (QC reason
``altitude_out_of_range``). Every member thus ends under exactly one reason of
:data:`estransport.io.scnlv1_qc.QC_REASONS`.

Warnings
--------
Sample times are GPS seconds, labelled UTC like the COSMIC-1 table (GPS runs
18 s ahead of UTC since 2017): fine for hourly and seasonal binning only.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputFileError
from ..physics.tangent_point import local_solar_time, tangent_points
from .netcdf3 import HeaderSelector
from .scnlv1 import EVENT_COLUMNS as SCNLV1_COLUMNS
from .scnlv1 import UNITS as SCNLV1_UNITS
from .tarstream import iter_tar_gz

__all__ = [
    "EVENT_COLUMNS",
    "GPS_EPOCH_UNIX_S",
    "PRODUCTS",
    "TANGENT_POINT_MODES",
    "UNITS",
    "ingest_scint_day",
    "ingest_scint_days",
    "parse_member_name",
    "read_scint_day",
]

log = logging.getLogger(__name__)

#: Columns of the event table: the COSMIC-1 columns, then the mission.
EVENT_COLUMNS = (*SCNLV1_COLUMNS, "mission")
#: Units of the event columns (stored in the Parquet metadata).
UNITS = {
    **SCNLV1_UNITS,
    "time": "UTC datetime64[ns] of the selected sample, from GPS seconds (GPS-UTC <= 18 s)",
    "lcttp_s4max": "h (mean local solar time at the tangent point)",
    "s4max9sec": "1 (not in these products: NaN)",
    "mission": "",
}
#: Products this reader understands (docs/formats.md §2.3, §2.4; Spire's ``podTec`` [GAP -> I]).
PRODUCTS = ("scnLv2", "podTc2", "podTec")
#: Where the tangent point of a sample comes from.
TANGENT_POINT_MODES = ("auto", "computed", "product")

#: 1980-01-06T00:00:00 (start of GPS time) in seconds since 1970-01-01, not counting leap seconds.
GPS_EPOCH_UNIX_S = 315_964_800
#: CDAAC fill value (docs/formats.md §1.3; -999 in podTc2 [V3] [S9]; scnLv2 assumed alike [I]).
FILL_VALUE = -999.0
#: A ``time`` larger than this (s) is absolute GPS seconds, a smaller one counts from
#: ``startTime`` [I]: podTc2 stores absolute GPS seconds [V3] [S9], Spire scnLv2 seconds
#: from ``startTime`` [V3] [S65]; 1e8 s after the GPS epoch is 1983.
ABSOLUTE_TIME_MIN_S = 1.0e8

# Names read from each member (docs/formats.md §2.3, §2.4). First found wins.
_S4_NAMES = ("s4_L1", "S4")
_POSITION_NAMES = ("x_LEO", "y_LEO", "z_LEO", "x_GPS", "y_GPS", "z_GPS")
_PRODUCT_TP_NAMES = ("occheight", "lat", "lon")
_VARIABLES = ("time", *_S4_NAMES, *_POSITION_NAMES, *_PRODUCT_TP_NAMES)
_START_NAMES = ("startTime", "start_time")
_LEO_NAMES = ("leoId", "leo_id")
_PRN_NAMES = ("occsatId", "prn_id")
_ANTENNA_NAMES = ("antenna_id",)
_ATTRIBUTES = (*_START_NAMES, *_LEO_NAMES, *_PRN_NAMES, *_ANTENNA_NAMES)

_STAMP_C2 = re.compile(
    r"(?P<product>[A-Za-z0-9]{6})_(?P<year>\d{4})\.(?P<doy>\d{3})\.(?P<leo>\d{3})\.(?P<f1>\d{2})"
    r"\.(?P<f2>\d{2})\.(?P<gnss>[A-Z])(?P<prn>\d{2})\.(?P<antenna>[A-Z]{2}\d{3})"
    r"_(?P<subtype>\d{4})\.(?P<version>\d{4})_nc\Z"
)
_STAMP_CLASSIC = re.compile(
    r"(?P<product>[A-Za-z0-9]{6})_(?P<leo>[A-Z0-9]{4})\.(?P<year>\d{4})\.(?P<doy>\d{3})"
    r"\.(?P<hour>\d{2})\.(?P<minute>\d{2})\.(?P<duration>\d{4})\.(?P<gnss>[A-Z])(?P<prn>\d{2})"
    r"\.(?P<antenna>\d{2})_(?P<subtype>\d{4})\.(?P<version>\d{4})_nc\Z"
)


def parse_member_name(name: str) -> dict[str, Any]:
    """Split a CDAAC per-arc member name of the current missions into its fields.

    Two templates are known (docs/formats.md §2.2):

    * ``scnLv2_YYYY.DDD.LLL.AA.BB.PNN.SCnnn_SSSS.VVVV_nc``, as seen for COSMIC-2
      and Spire ``scnLv2`` [V3] [S64] [S65] (``LLL`` the LEO number,
      ``AA``/``BB`` two two-digit fields of unknown meaning [GAP], ``PNN`` the
      GNSS system letter and PRN, ``SCnnn`` the antenna);
    * ``PPPPPP_IIII.YYYY.DDD.HH.MM.UUUU.GNN.TT_SSSS.VVVV_nc``, the CDAAC
      template of ``scnLv1``, ``scnLv2`` [V] [S14] and ``podTc2`` [V] [S15].

    Parameters
    ----------
    name : str
        Member name; leading directories are ignored.

    Returns
    -------
    dict
        ``product``, ``year``, ``doy``, ``leo`` (str), ``gnss_system``,
        ``prn`` (int), ``antenna`` (str), ``subtype``, ``version``, and
        ``hour``/``minute``/``duration_min`` for the classic template (None
        for the other).

    Raises
    ------
    ValueError
        If the name follows neither template.
    """
    base = name.rsplit("/", 1)[-1]
    m = _STAMP_C2.match(base) or _STAMP_CLASSIC.match(base)
    if m is None:
        raise ValueError(f"member name {base!r} follows no known CDAAC template")
    g = m.groupdict()
    return {
        "product": g["product"],
        "year": int(g["year"]),
        "doy": int(g["doy"]),
        "leo": g["leo"],
        "gnss_system": g["gnss"],
        "prn": int(g["prn"]),
        "antenna": g["antenna"],
        "subtype": g["subtype"],
        "version": g["version"],
        "hour": int(g["hour"]) if g.get("hour") else None,
        "minute": int(g["minute"]) if g.get("minute") else None,
        "duration_min": int(g["duration"]) if g.get("duration") else None,
    }


class _Group:
    """The members of one header layout (one sample count): decoded together as 2-D arrays."""

    __slots__ = ("layout", "index", "data")

    def __init__(self, layout):
        self.layout = layout
        self.index: list[int] = []  # archive position of each member
        self.data: list[bytes] = []


def _decode_group(layout, bufs: list[bytes]):
    """Attributes (per member) and variables (members x samples) of one group, native floats."""
    if layout.size is not None:
        attrs, arrays = layout.decode_batch(bufs)
        return attrs, arrays
    # Record variables: the sample count can differ between files; one file at a time.
    rows = [layout.extract(b) for b in bufs]
    attrs = tuple(
        None
        if any(r[0][k] is None for r in rows)
        else np.array([r[0][k] for r in rows], dtype=float)
        for k in range(len(layout.attributes))
    )
    arrays = []
    for k in range(len(layout.variables)):
        cols = [r[1][k] for r in rows]
        if any(c is None for c in cols) or len({c.shape[0] for c in cols}) != 1:
            arrays.append(None if any(c is None for c in cols) else cols)
        else:
            arrays.append(np.stack([c.astype(np.float64) for c in cols]))
    return attrs, tuple(arrays)


class _Arcs:
    """Per-arc results of a day, filled group by group, in archive order at the end."""

    def __init__(self, n: int):
        self.ok = np.zeros(n, dtype=bool)
        self.values = {
            key: np.full(n, np.nan)
            for key in ("time", "start", "lat", "lon", "alt", "s4", "leo", "prn", "antenna")
        }


def _group_events(
    attrs, arrays, mode: str, altitude_km: tuple[float, float]
) -> tuple[dict[str, np.ndarray], np.ndarray, list[str]]:
    """Pick the Es-height S4max sample of every arc of one group.

    Returns the per-arc values, a per-arc "corrupt" mask and, for a corrupt
    group, why (the same reason for all of its members).
    """
    (t, s4_l1, s4_plain, *rest) = arrays
    positions, product_tp = rest[:6], rest[6:9]
    s4 = s4_l1 if s4_l1 is not None else s4_plain
    if t is None or s4 is None:
        return {}, None, ["variable " + ("time" if t is None else "s4_L1 or S4") + " is missing"]
    if isinstance(t, list) or isinstance(s4, list):
        return {}, None, ["time and S4 differ in length between files of one layout"]
    m = s4.shape[0]
    have_pos = all(isinstance(a, np.ndarray) for a in positions)
    have_tp = all(isinstance(a, np.ndarray) for a in product_tp)
    if mode == "computed" or (mode == "auto" and have_pos):
        if not have_pos:
            return {}, None, ["tangent_point 'computed' needs x/y/z_LEO and x/y/z_GPS"]
        pos = [np.where(p == FILL_VALUE, np.nan, p) for p in positions]
        lat, lon, alt = tangent_points(pos[:3], pos[3:])
    else:
        if not have_tp:
            return (
                {},
                None,
                ["no tangent point: neither occheight/lat/lon nor x/y/z_LEO, x/y/z_GPS"],
            )
        alt, lat, lon = product_tp
    if not (t.shape == s4.shape == lat.shape == lon.shape == alt.shape):
        return {}, None, ["time, S4 and the tangent point differ in length"]
    start = attrs[0] if attrs[0] is not None else attrs[1]
    leo = attrs[2] if attrs[2] is not None else attrs[3]
    prn = attrs[4] if attrs[4] is not None else attrs[5]
    antenna = attrs[6]
    if leo is None or prn is None or antenna is None:
        return {}, None, ["global attribute leoId/occsatId/antenna_id (or leo_id/prn_id) missing"]
    bad = np.zeros(m, dtype=bool)
    for ids in (leo, prn, antenna):
        bad |= ~np.isfinite(ids) | (ids != np.round(ids))
    n = s4.shape[1]
    t = t.astype(np.float64)
    with np.errstate(invalid="ignore"):
        first = np.where(t[:, 0] == FILL_VALUE, np.nan, t[:, 0]) if n else np.full(m, np.nan)
        relative = np.abs(first) < ABSOLUTE_TIME_MIN_S
    if relative.any():
        if start is None:
            return {}, None, ["time counts from startTime, which is missing"]
        t = t + np.where(relative, start, 0.0)[:, None]
    if start is None:
        start = t[:, 0] if n else np.full(m, np.nan)
    with np.errstate(invalid="ignore"):
        valid = (
            np.isfinite(s4)
            & (s4 != FILL_VALUE)
            & np.isfinite(t)
            & np.isfinite(lat)
            & (lat != FILL_VALUE)
            & np.isfinite(lon)
            & (lon != FILL_VALUE)
            & np.isfinite(alt)
            & (alt != FILL_VALUE)
        )
        in_window = valid & (alt >= altitude_km[0]) & (alt <= altitude_km[1])
    rows = np.arange(m)
    if n:
        pick_w = np.argmax(np.where(in_window, s4, -np.inf), axis=1)
        pick_v = np.argmax(np.where(valid, s4, -np.inf), axis=1)
        has_w = in_window[rows, pick_w]
        pick = np.where(has_w, pick_w, pick_v)
        has = valid[rows, pick]
    else:
        pick = np.zeros(m, dtype=np.int64)
        has = np.zeros(m, dtype=bool)

    def take(values: np.ndarray) -> np.ndarray:
        return np.where(has, values[rows, pick] if n else FILL_VALUE, FILL_VALUE)

    values = {
        "time": np.where(has, t[rows, pick] if n else np.nan, np.asarray(start, float)),
        "start": np.asarray(start, float),
        "lat": take(lat),
        "lon": take(lon),
        "alt": take(alt),
        "s4": take(s4),
        "leo": leo,
        "prn": prn,
        "antenna": antenna,
    }
    return values, bad, []


def read_scint_day(
    path: str | os.PathLike,
    *,
    product: str,
    mission: str,
    altitude_km: tuple[float, float],
    tangent_point: str,
    strict: bool,
) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Read one day tarball of per-sample scintillation arcs into one row per arc.

    The gzip stream is inflated once, in a second thread
    (:func:`estransport.io.tarstream.iter_tar_gz`), and nothing is extracted to
    disk. Members are the regular files whose base name starts with
    ``{product}_`` and ends with ``_nc``, at any depth; others are skipped.
    Only the selected attributes and variables of each member are decoded
    (:class:`estransport.io.netcdf3.HeaderSelector`), and the choice of each
    arc's sample is made for the whole day at once.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.tar.gz`` day file.
    product : {"scnLv2", "podTc2", "podTec"}
        Product the tarball holds (the member-name prefix).
    mission : str
        Mission name written in the ``mission`` column, e.g. ``"cosmic2"``.
    altitude_km : (float, float)
        Inclusive Es window of tangent-point altitude (km) the S4max is taken in.
    tangent_point : {"auto", "computed", "product"}
        ``computed``: from the LEO and GNSS positions (straight line, WGS-84);
        ``product``: the file's ``occheight``, ``lat``, ``lon``; ``auto``:
        computed where a file has positions, else the product's.
    strict : bool
        False: a zero-byte or unreadable member is logged, listed in
        ``problems`` and skipped. True: it raises, naming the member.

    Returns
    -------
    events : pandas.DataFrame
        One row per readable arc, in archive order, columns
        :data:`EVENT_COLUMNS` (see the module docstring for their meaning);
        fill values are kept for :func:`estransport.io.scnlv1_qc.apply_qc`.
        ``attrs`` holds ``units``, ``source`` and ``n_members``.
    problems : list of dict
        ``{"member", "reason", "detail"}`` per skipped member, reason
        ``empty_member`` or ``corrupt_member``.

    Raises
    ------
    estransport.errors.InputFileError
        If the file is not a complete gzip tar archive (naming the file), or,
        with ``strict``, for the first problem member (naming it).
    estransport.errors.ConfigError
        If ``product`` or ``tangent_point`` is not one of the known values.
    """
    if product not in PRODUCTS:
        raise ConfigError("product", f"must be one of {list(PRODUCTS)}, got {product!r}")
    if tangent_point not in TANGENT_POINT_MODES:
        raise ConfigError(
            "tangent_point", f"must be one of {list(TANGENT_POINT_MODES)}, got {tangent_point!r}"
        )
    path_s = os.fspath(path)
    prefix = f"{product}_"
    selector = HeaderSelector(_ATTRIBUTES, _VARIABLES)
    groups: dict[tuple[int, int], _Group] = {}
    names: list[str] = []
    problems: list[dict[str, str]] = []

    def problem(name: str, reason: str, detail: str) -> None:
        if strict:
            raise InputFileError(path_s, f"{reason}: {detail}", member=name)
        log.warning("%s: skipping member %s: %s (%s)", path_s, name, reason, detail)
        problems.append({"member": name, "reason": reason, "detail": detail})

    n_members = 0
    for name, data in iter_tar_gz(path_s):
        base = name.rsplit("/", 1)[-1]
        if not (base.startswith(prefix) and base.endswith("_nc")):
            continue
        n_members += 1
        if not data:
            problem(name, "empty_member", "member is empty (0 bytes)")
            continue
        try:
            layout = selector.layout(data, path=path_s, member=name)
        except InputFileError as err:
            problem(name, "corrupt_member", _what(err))
            continue
        group = groups.get((id(layout), len(data)))
        if group is None:
            group = groups[(id(layout), len(data))] = _Group(layout)
        group.index.append(len(names))
        group.data.append(data)
        names.append(name)
    arcs = _Arcs(len(names))
    for group in groups.values():
        index = np.array(group.index, dtype=np.int64)
        attrs, arrays = _decode_group(group.layout, group.data)
        values, bad, why = _group_events(attrs, arrays, tangent_point, altitude_km)
        if why:
            for k in index:
                problem(names[k], "corrupt_member", why[0])
            continue
        for k in index[bad]:
            problem(names[k], "corrupt_member", "leoId, occsatId or antenna_id is not an integer")
        keep = ~bad
        arcs.ok[index[keep]] = True
        for key, col in values.items():
            arcs.values[key][index[keep]] = np.asarray(col, dtype=np.float64)[keep]
    events = _events_frame(arcs, names, mission)
    events.attrs = {"units": dict(UNITS), "source": path_s, "n_members": n_members}
    return events, problems


def _events_frame(arcs: _Arcs, names: list[str], mission: str) -> pd.DataFrame:
    """The event table of the readable arcs, in archive order."""
    ok = arcs.ok
    v = {key: col[ok] for key, col in arcs.values.items()}
    fill = np.float64(FILL_VALUE)
    lon = v["lon"].copy()
    has = lon != fill
    lon[has] = (lon[has] + 180.0) % 360.0 - 180.0
    utc_hours = np.mod(v["time"], 86400.0) / 3600.0
    lct = np.where(has, local_solar_time(utc_hours, np.where(has, lon, 0.0)), fill)
    ns = np.round((np.nan_to_num(v["time"], nan=0.0) + GPS_EPOCH_UNIX_S) * 1e3).astype(np.int64)
    members = [n for n, k in zip(names, ok, strict=True) if k]
    return pd.DataFrame(
        {
            "time": (ns * 1_000_000).view("datetime64[ns]"),
            "start_time_gps_s": v["start"],
            "leo_id": v["leo"].astype(np.int32),
            "prn_id": v["prn"].astype(np.int32),
            "antenna_id": v["antenna"].astype(np.int32),
            "lattp_s4max": v["lat"],
            "lontp_s4max": lon,
            "alttp_s4max": v["alt"],
            "lcttp_s4max": lct,
            "s4max": v["s4"],
            "s4max9sec": np.full(len(members), np.nan),
            "member": pd.Series(members, dtype=str),
            "mission": pd.Series([mission] * len(members), dtype=str),
        },
        columns=list(EVENT_COLUMNS),
    )


def _what(err: InputFileError) -> str:
    """The message of an InputFileError without its ``path [member m]: `` prefix."""
    text = str(err)
    where = err.path + (f" [member {err.member}]" if err.member is not None else "") + ": "
    return text[len(where) :] if text.startswith(where) else text


def check_altitude_window(altitude_km: Sequence[float]) -> tuple[float, float]:
    """The Es window as a (min, max) pair of floats, min <= max.

    Raises
    ------
    estransport.errors.ConfigError
        If it is not two numbers in order.
    """
    try:
        lo, hi = (float(v) for v in altitude_km)
    except (TypeError, ValueError):
        raise ConfigError(
            "cosmic.qc.altitude_km", f"expected (min, max), got {altitude_km!r}"
        ) from None
    if not lo <= hi:
        raise ConfigError("cosmic.qc.altitude_km", f"min {lo} is above max {hi}")
    return lo, hi


def ingest_scint_day(
    tarball: str | os.PathLike,
    events_path: str | os.PathLike,
    qc_path: str | os.PathLike,
    *,
    product: str,
    mission: str,
    altitude_km: tuple[float, float],
    s4max_range: tuple[float, float],
    tangent_point: str,
    strict: bool,
    config: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Read a day tarball, apply the COSMIC QC and write the event and QC tables.

    Parameters
    ----------
    tarball : path-like
        Day tarball of ``product``.
    events_path : path-like
        Output Parquet: the arcs that pass QC, columns :data:`EVENT_COLUMNS`.
    qc_path : path-like
        Output CSV: the per-day QC table (one row per reason, the mission's day).
    product, mission, altitude_km, tangent_point, strict
        See :func:`read_scint_day`.
    s4max_range : (float, float)
        Inclusive plausible S4max range (dimensionless).
    config : mapping, optional
        Configuration recorded as a hash in the provenance.

    Returns
    -------
    pandas.DataFrame
        The kept events, as written.
    """
    from ..provenance import provenance_attrs
    from .atomic import write_csv, write_parquet
    from .scnlv1 import _day_label
    from .scnlv1_qc import apply_qc, qc_table

    tarball = os.fspath(tarball)
    window = check_altitude_window(altitude_km)
    events, problems = read_scint_day(
        tarball,
        product=product,
        mission=mission,
        altitude_km=window,
        tangent_point=tangent_point,
        strict=strict,
    )
    n_members = events.attrs["n_members"]
    kept, counts = apply_qc(events, altitude_km=window, s4max_range=tuple(s4max_range))
    label = _day_label(tarball, events)
    table = qc_table(label, n_members, problems, counts, len(kept))
    table.insert(0, "mission", mission)
    kept.attrs = {
        **events.attrs,
        "day": label,
        "mission": mission,
        "product": product,
        "tangent_point": tangent_point,
        "qc": {"altitude_km": list(window), "s4max_range": list(s4max_range)},
        "time_scale": "GPS seconds of the selected sample (GPS-UTC up to 18 s), labelled UTC",
        "provenance": provenance_attrs(dict(config or {}), [tarball], step="ingest_scint_day"),
    }
    write_parquet(kept, events_path)
    write_csv(table, qc_path)
    log.info(
        "%s (%s %s): %d members, %d kept; %s",
        tarball,
        mission,
        label,
        n_members,
        len(kept),
        ", ".join(f"{r}={c}" for r, c in zip(table["reason"], table["count"], strict=True)),
    )
    return kept


def ingest_scint_days(
    tarballs: Sequence[str | os.PathLike],
    events_paths: Sequence[str | os.PathLike],
    qc_paths: Sequence[str | os.PathLike],
    *,
    product: str,
    mission: str,
    altitude_km: tuple[float, float],
    s4max_range: tuple[float, float],
    tangent_point: str,
    strict: bool,
    config: Mapping[str, Any] | None = None,
) -> list[str]:
    """:func:`ingest_scint_day` for several days of a mission in one process (one job a batch).

    Each day's outputs are exactly those of :func:`ingest_scint_day`; a day whose
    tarball cannot be read is recorded as ``day_failed`` and the others go on
    (:func:`estransport.io.batch.ingest_batch`, shared with COSMIC-1).

    Parameters
    ----------
    tarballs, events_paths, qc_paths : sequence of path-like
        One entry per day, in the same order.
    product, mission, altitude_km, s4max_range, tangent_point, strict, config
        As :func:`ingest_scint_day`.

    Returns
    -------
    list of str
        The failed days (:func:`~estransport.io.batch.ingest_batch`).

    Raises
    ------
    estransport.errors.ConfigError
        If the Es window is not (min, max) in order; nothing is written.
    ValueError
        If the lists differ in length or the S4max range is empty; nothing is written.
    """
    import functools

    from .atomic import write_csv, write_parquet
    from .batch import ingest_batch
    from .scnlv1 import _day_label
    from .scnlv1_qc import failed_day_table

    window = check_altitude_window(altitude_km)
    if s4max_range[0] > s4max_range[1]:
        raise ValueError(f"empty QC range: s4max_range={s4max_range}")
    one = functools.partial(
        ingest_scint_day,
        product=product,
        mission=mission,
        altitude_km=window,
        s4max_range=s4max_range,
        tangent_point=tangent_point,
        strict=strict,
        config=config,
    )

    def record_failed(tarball, events_path, qc_path, err) -> str:
        empty = _events_frame(_Arcs(0), [], mission)
        label = _day_label(os.fspath(tarball), empty)
        empty.attrs = {"units": dict(UNITS), "day": label, "day_failed": str(err)}
        write_parquet(empty, events_path)
        table = failed_day_table(label)
        table.insert(0, "mission", mission)  # as ingest_scint_day writes a day's QC table
        write_csv(table, qc_path)
        return label

    return ingest_batch(tarballs, events_paths, qc_paths, one, record_failed)
