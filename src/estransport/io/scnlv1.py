"""COSMIC-1 CDAAC ``scnLv1`` day tarballs -> per-arc S4max event tables.

A CDAAC day tarball (``scnLv1_repro2013_{YYYY}_{DDD}.tar.gz``, docs/formats.md §1.1)
holds one netCDF-3 classic file per occultation arc (about 1,500 a day), named
``scnLv1_C00N.YYYY.DDD.HH.MM.UUUU.GNN.TT_SSSS.VVVV_nc`` (§1.2). The per-arc
summary the paper uses (S4max and the tangent-point location and local time at
which it occurred) is stored in each file's *global attributes* (§1.3), so the
reader streams the tarball once (:mod:`estransport.io.tarstream`), decodes only
the header of each member with :mod:`estransport.io.netcdf3`, and never extracts
anything to disk.

Pipeline of one day (:func:`ingest_day`)::

    read_day_tarball -> apply_qc -> qc_table -> Parquet events + CSV QC table

The reader (this module) and the quality control (:mod:`estransport.io.scnlv1_qc`:
reasons, ranges, counts) are separate modules; the QC names are re-exported
here for callers that import them from this module.

Warnings
--------
The calendar attributes ``year`` ... ``second`` from which ``time`` is built
are GPS time, not UTC (docs/formats.md §1.4): they run ahead of UTC by the GPS-UTC
leap-second offset (14 s in 2006-2008, 15 s in 2009-2011, up to 18 s today).
The column is labelled UTC because the workflow bins by hour, month and season,
where this offset is irrelevant; do not use it for second-level timing.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputFileError
from .netcdf3 import HeaderTruncatedError, global_attribute_layout
from .scnlv1_qc import FILL_VALUE, QC_REASONS, apply_qc, qc_table, summarise_qc
from .tarstream import iter_tar_gz

if TYPE_CHECKING:  # imported where a table is returned: the batch ingest runs without pandas
    import pandas as pd

__all__ = [
    "EVENT_COLUMNS",
    "FILL_VALUE",
    "QC_REASONS",
    "UNITS",
    "apply_qc",
    "ingest_day",
    "parse_member_name",
    "qc_table",
    "read_day_tarball",
    "summarise_qc",
]

log = logging.getLogger(__name__)

#: Columns of the event table, in order.
EVENT_COLUMNS = (
    "time",
    "start_time_gps_s",
    "leo_id",
    "prn_id",
    "antenna_id",
    "lattp_s4max",
    "lontp_s4max",
    "alttp_s4max",
    "lcttp_s4max",
    "s4max",
    "s4max9sec",
    "member",
)
#: Units of the event columns (stored in the Parquet metadata via ``df.attrs``).
UNITS = {
    "time": "UTC datetime64[ns] from the GPS calendar attributes year..second (GPS-UTC <= 18 s)",
    "start_time_gps_s": "s since 1980-01-06T00:00:00 GPS",
    "leo_id": "1",
    "prn_id": "1",
    "antenna_id": "1",
    "lattp_s4max": "degrees_north",
    "lontp_s4max": "degrees_east",
    "alttp_s4max": "km",
    "lcttp_s4max": "h",
    "s4max": "1",
    "s4max9sec": "1",
    "member": "",
}
# Global attributes read from every member: (attribute, required).
# start_time and s4max9sec are not used downstream, so a file without them is kept (NaN).
_CALENDAR = ("year", "month", "day", "hour", "minute", "second")
_NUMERIC_ATTRS = (
    ("start_time", False),
    ("leo_id", True),
    ("prn_id", True),
    ("antenna_id", True),
    ("lattp_s4max", True),
    ("lontp_s4max", True),
    ("alttp_s4max", True),
    ("lcttp_s4max", True),
    ("s4max", True),
    ("s4max9sec", False),
)

_MEMBER_SELECT = re.compile(r"scnLv1_.*_nc\Z")
_MEMBER_NAME = re.compile(
    r"scnLv1_(?P<leo>[A-Z0-9]{4})\.(?P<year>\d{4})\.(?P<doy>\d{3})\.(?P<hour>\d{2})"
    r"\.(?P<minute>\d{2})\.(?P<duration>\d{4})\.(?P<gnss>[A-Z])(?P<prn>\d{2})"
    r"\.(?P<antenna>\d{2})_(?P<subtype>\d{4})\.(?P<version>\d{4})_nc\Z"
)
_EPOCH = _dt.datetime(1970, 1, 1)


def _basename(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def parse_member_name(name: str, *, path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Split a CDAAC scnLv1 member name into its fields.

    Template ``scnLv1_IIII.YYYY.DDD.HH.MM.UUUU.GNN.TT_SSSS.VVVV_nc``
    (CDAAC file-format page; docs/formats.md §1.2). Any leading directories of
    the member path are ignored.

    Parameters
    ----------
    name : str
        Member name, e.g. ``"scnLv1_C002.2007.002.00.16.0008.G22.01_2013.3520_nc"``
        or ``"2007.002/scnLv1_..._nc"``.
    path : str or os.PathLike, optional
        Tarball the member comes from, for the error message.

    Returns
    -------
    dict
        ``leo`` (str, e.g. ``"C002"``), ``leo_id`` (int for ``Cnnn`` ids, else
        None), ``year``, ``doy``, ``hour``, ``minute`` (int, start of arc),
        ``duration_min`` (int, minutes), ``gnss_system`` (str, ``"G"`` = GPS),
        ``prn`` (int), ``antenna`` (int), ``subtype`` and ``version`` (str,
        zero-padded as in the name).

    Raises
    ------
    estransport.errors.InputFileError
        If the name does not follow the template or a field is out of range.
    """
    base = _basename(name)
    where = name if path is None else path
    m = _MEMBER_NAME.match(base)
    if m is None:
        raise InputFileError(
            where,
            f"member name {base!r} does not match "
            "scnLv1_IIII.YYYY.DDD.HH.MM.UUUU.GNN.TT_SSSS.VVVV_nc",
            member=name if path is not None else None,
        )
    g = m.groupdict()
    out: dict[str, Any] = {
        "leo": g["leo"],
        "leo_id": int(g["leo"][1:]) if re.fullmatch(r"C\d{3}", g["leo"]) else None,
        "year": int(g["year"]),
        "doy": int(g["doy"]),
        "hour": int(g["hour"]),
        "minute": int(g["minute"]),
        "duration_min": int(g["duration"]),
        "gnss_system": g["gnss"],
        "prn": int(g["prn"]),
        "antenna": int(g["antenna"]),
        "subtype": g["subtype"],
        "version": g["version"],
    }
    ndays = 366 if _dt.date(out["year"], 12, 31).timetuple().tm_yday == 366 else 365
    for key, lo, hi in (("doy", 1, ndays), ("hour", 0, 23), ("minute", 0, 59)):
        if not lo <= out[key] <= hi:
            raise InputFileError(
                where,
                f"member name {base!r}: {key} {out[key]} is outside {lo}..{hi}",
                member=name if path is not None else None,
            )
    return out


class _Problem(Exception):
    """A member that cannot become an event (reason is a QC_REASONS key)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


_INT_KEYS = ("year", "month", "day", "hour", "minute", "leo_id", "prn_id", "antenna_id")
_FLOAT_KEYS = ("second", *(key for key, _ in _NUMERIC_ATTRS if key not in _INT_KEYS))
_NUMBER_TYPES = frozenset({int, float})
if [k for k, _ in _NUMERIC_ATTRS] != [_FLOAT_KEYS[1], *_INT_KEYS[5:], *_FLOAT_KEYS[2:]]:
    # The fast row decoder relies on this order; fail loudly at import, also under -O.
    raise ImportError("estransport.io.scnlv1: _NUMERIC_ATTRS order does not match the row layout")


def _event_row(attrs: Mapping[str, Any]) -> tuple[int, list[float]]:
    """Return (time in ns since 1970 of the GPS calendar, numeric values) of one member."""
    get = attrs.get
    ints = [get(k) for k in _INT_KEYS]
    floats = [get(k) for k in _FLOAT_KEYS]
    # Fast path: every attribute present with the types CDAAC writes (NC_INT -> int).
    if set(map(type, ints)) == {int} and set(map(type, floats)) <= _NUMBER_TYPES:
        y, mo, d, h, mi = ints[:5]
        sec = floats[0]
        try:
            start = _dt.datetime(y, mo, d, h, mi)
        except ValueError as err:
            raise _Problem(
                "corrupt_member", f"invalid calendar attributes {(y, mo, d, h, mi, sec)}: {err}"
            ) from None
        if not 0.0 <= sec < 61.0:
            raise _Problem("corrupt_member", f"invalid calendar attribute second={sec!r}")
        delta = start - _EPOCH
        # Seconds are float32; rounding to the millisecond drops float32 noise (15.399999619).
        ns = (delta.days * 86400 + delta.seconds) * 1_000_000_000 + round(sec * 1000.0) * 1_000_000
        if not -(2**63) < ns < 2**63:
            raise _Problem(
                "corrupt_member",
                f"calendar attributes {(y, mo, d, h, mi, sec)} are outside the years "
                "1678-2261 that datetime64[ns] holds",
            )
        # Same order as _NUMERIC_ATTRS (checked at import below).
        return ns, [floats[1], ints[5], ints[6], ints[7], *floats[2:]]
    return _event_row_checked(attrs)


def _event_row_checked(attrs: Mapping[str, Any]) -> tuple[int, list[float]]:
    """Slow path of :func:`_event_row`: optional attributes absent, odd types, or a problem."""
    fixed = dict(attrs)
    for key, required in _NUMERIC_ATTRS:
        value = fixed.get(key)
        if value is None and required:
            raise _Problem("corrupt_member", f"global attribute '{key}' is missing")
        if value is None:
            fixed[key] = np.nan
        elif not (type(value) in _NUMBER_TYPES or isinstance(value, np.number)):
            raise _Problem(
                "corrupt_member", f"global attribute '{key}' is {value!r}, expected one number"
            )
    for key in _CALENDAR:
        value = fixed.get(key)
        if value is None or not (type(value) in _NUMBER_TYPES or isinstance(value, np.number)):
            raise _Problem("corrupt_member", f"calendar attribute '{key}' missing or not a number")
    for key in _INT_KEYS:
        value = float(fixed[key])
        if not value.is_integer():
            raise _Problem(
                "corrupt_member", f"global attribute '{key}' is {fixed[key]!r}, not an integer"
            )
        fixed[key] = int(value)
    fixed["second"] = float(fixed["second"])
    for key, _ in _NUMERIC_ATTRS:
        fixed[key] = float(fixed[key])
    for key in ("leo_id", "prn_id", "antenna_id"):
        fixed[key] = int(fixed[key])
    # Everything is now int/float of the right kind: the fast path decides the rest.
    return _event_row(fixed)


def recovery_hint(path: str | os.PathLike) -> str:
    """How to replace a damaged day tarball: remove it and rerun, or replace it in the archive.

    The workflow's downloads are write-protected (Snakemake ``protected()``),
    so a plain ``rm`` asks first or fails; the hint gives the command.
    """
    q = shlex.quote(os.fspath(path))
    return (
        f"To recover, remove it and rerun to make the day again (a downloaded day is "
        f"write-protected: chmod u+w {q} && rm {q}); a day of your own archive "
        "(cosmic.source: local) must be replaced there with the tarball from CDAAC."
    )


def _what(err: InputFileError) -> str:
    """The message of an InputFileError without its ``path [member m]: `` prefix."""
    text = str(err)
    where = err.path + (f" [member {err.member}]" if err.member is not None else "") + ": "
    return text[len(where) :] if text.startswith(where) else text


def read_day_tarball(
    path: str | os.PathLike, *, strict: bool = False
) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Read one CDAAC scnLv1 day tarball into a table with one row per arc.

    The gzip stream is inflated once, in a second thread, with zlib-ng where
    installed (:func:`estransport.io.tarstream.iter_tar_gz`, as the COSMIC-2
    reader); nothing is extracted to disk. Only the header of each member is
    read: its layout is matched (:func:`estransport.io.netcdf3.global_attribute_layout`)
    and the members of one layout are decoded together, one array per
    attribute; a member whose attributes are of unusual types, or whose
    calendar is impossible, is decoded alone, with the same result.
    Members are those regular files whose base name matches ``scnLv1_*_nc``,
    at any directory depth (docs/formats.md §1.1); other members are skipped.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.tar.gz`` day file.
    strict : bool, default False
        False: a zero-byte or corrupt member is logged, listed in ``problems``
        and skipped. True: it raises :class:`InputFileError` naming the
        tarball and the member.

    Returns
    -------
    events : pandas.DataFrame
        One row per readable arc, in archive order, columns :data:`EVENT_COLUMNS`:
        ``time`` (datetime64[ns], from the GPS calendar attributes ``year`` ..
        ``second``, labelled UTC; see Warnings), ``start_time_gps_s`` (s since
        the GPS epoch, NaN if absent), ``leo_id``, ``prn_id``, ``antenna_id``
        (int32), ``lattp_s4max`` (degrees N), ``lontp_s4max`` (degrees E,
        wrapped to [-180, 180)), ``alttp_s4max`` (km), ``lcttp_s4max`` (h),
        ``s4max``, ``s4max9sec`` (dimensionless; NaN if absent), all float64,
        and ``member`` (member name). Fill values (-999) are kept; see
        :func:`apply_qc`. ``events.attrs`` holds ``units``, ``source`` and
        ``n_members`` (scnLv1 members seen, including problem ones).
    problems : list of dict
        One ``{"member", "reason", "detail"}`` per skipped member, reason
        ``"empty_member"`` (zero bytes) or ``"corrupt_member"`` (not a
        readable netCDF-3 header, or required attributes missing/invalid).

    Raises
    ------
    estransport.errors.InputFileError
        If the file cannot be opened or is not a complete gzip-compressed tar
        archive (an HTML login or error page, said as such; not gzip; truncated
        gzip stream; bad CRC; corrupt or truncated tar), naming the file and how
        to replace it (:func:`recovery_hint`); with ``strict=True`` also for the
        first problem member in archive order, naming it (once the whole
        archive has been read: a damaged archive is reported first).

    Warnings
    --------
    ``time`` is GPS time (docs/formats.md §1.4), up to 18 s ahead of UTC; fine for
    hourly and seasonal binning only. A member that fails to parse is counted
    as ``corrupt_member`` also when only its calendar attributes are invalid
    (there is then no time to bin it by).
    """
    times, values, members, n_members, problems = _read_day(path, strict=strict)
    events = _events_frame(times, values, members)
    events.attrs = {"units": dict(UNITS), "source": os.fspath(path), "n_members": n_members}
    return events, problems


def _read_day(path: str | os.PathLike, *, strict: bool):
    """:func:`read_day_tarball` as plain arrays: times (ns), values, member names, count, problems."""
    path_s = os.fspath(path)
    problems: list[tuple[int, dict[str, str]]] = []  # (archive position, problem)
    names: list[str] = []
    groups: dict[int, tuple[Any, list[int], list[bytes]]] = {}  # layout -> positions, heads

    def problem(k: int, reason: str, detail: str) -> None:
        problems.append((k, {"member": names[k], "reason": reason, "detail": detail}))

    try:
        for name, data in iter_tar_gz(path_s):
            if not _MEMBER_SELECT.match(_basename(name)):
                continue
            k = len(names)
            names.append(name)
            if not data:
                problem(k, "empty_member", "member is empty (0 bytes)")
                continue
            try:
                layout = global_attribute_layout(data, path=path_s, member=name)
            except HeaderTruncatedError as err:
                problem(k, "corrupt_member", f"{_what(err)} (the member is only {len(data)} bytes)")
                continue
            except InputFileError as err:
                problem(k, "corrupt_member", _what(err))
                continue
            group = groups.get(id(layout))
            if group is None:
                group = groups[id(layout)] = (layout, [], [])
            group[1].append(k)
            group[2].append(data[: layout.end])  # the header is all that is read
    except InputFileError as err:  # the archive itself (the loop body raises none)
        if not os.path.isfile(path_s):
            raise  # "cannot open": nothing to remove
        # tarstream's message says what is wrong and after how many tar members.
        raise InputFileError(path_s, f"{_what(err)}. {recovery_hint(path_s)}") from None

    n = len(names)
    times = np.zeros(n, dtype=np.int64)
    values = np.zeros((n, len(_NUMERIC_ATTRS)), dtype=np.float64)
    ok = np.zeros(n, dtype=bool)
    for layout, index, heads in groups.values():
        done = _decode_group(layout, heads)
        for j, k in enumerate(index):
            if done is not None and done[0][j]:
                times[k], values[k] = done[1][j], done[2][j]
                ok[k] = True
                continue
            try:  # one member at a time: odd types, or a problem to describe
                times[k], values[k] = _event_row(layout.decode(heads[j]))
                ok[k] = True
            except _Problem as prob:
                problem(k, prob.reason, prob.detail)
    problems.sort(key=lambda item: item[0])
    if strict and problems:
        first = problems[0][1]
        raise InputFileError(
            path_s, f"{first['reason']}: {first['detail']}", member=first["member"]
        )
    for _, prob in problems:
        log.warning(
            "%s: skipping member %s: %s (%s)",
            path_s,
            prob["member"],
            prob["reason"],
            prob["detail"],
        )
    keep = np.flatnonzero(ok)
    return times[keep], values[keep], [names[k] for k in keep], n, [p for _, p in problems]


#: Attributes decoded a whole group at a time: the calendar, then _NUMERIC_ATTRS.
_COLUMNS = (*_CALENDAR, *(key for key, _ in _NUMERIC_ATTRS))
#: Years whose times fit datetime64[ns] (1677-09-21 .. 2262-04-11), whole years only.
_NS_YEARS = (1678, 2261)


def _decode_group(layout, heads: list[bytes]):
    """The members of one header layout at once, where :func:`_event_row`'s fast path holds.

    Returns None when the layout lacks a required attribute or has one of another
    kind than CDAAC writes (then every member is decoded alone), else
    ``(done, ns, values)``: per member whether it was decoded here (False:
    decode it alone, e.g. an invalid calendar, to name the problem), the time
    (ns since 1970) and the numeric values, exactly as :func:`_event_row`
    computes them.
    """
    cols = dict(zip(_COLUMNS, layout.columns(heads, _COLUMNS), strict=True))
    required = {*_CALENDAR, *(key for key, need in _NUMERIC_ATTRS if need)}
    for key in _COLUMNS:
        col = cols[key]
        # Absent and required, or present but not one number: each member names its problem.
        if col is None and (key in required or key in layout.names):
            return None
        # Integer attributes must be stored as integers (NC_BYTE/SHORT/INT), as the fast path wants.
        if col is not None and key in _INT_KEYS and col.dtype.kind != "i":
            return None
    m = len(heads)
    y, mo, d, h, mi = (cols[key].astype(np.int64) for key in _CALENDAR[:5])
    sec = cols["second"].astype(np.float64)
    with np.errstate(invalid="ignore"):
        done = (
            (y >= _NS_YEARS[0])
            & (y <= _NS_YEARS[1])
            & (mo >= 1)
            & (mo <= 12)
            & (d >= 1)
            & (h >= 0)
            & (h <= 23)
            & (mi >= 0)
            & (mi <= 59)
            & (sec >= 0.0)
            & (sec < 61.0)
        )
    months = np.where(done, (y - 1970) * 12 + mo - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]").astype(np.int64)
    days_in_month = (months + 1).astype("datetime64[D]").astype(np.int64) - first
    done &= d <= days_in_month
    days = first + np.where(done, d - 1, 0)
    ms = np.rint(np.where(done, sec, 0.0) * 1000.0).astype(np.int64)
    # As _event_row: whole seconds of the calendar, plus the seconds rounded to the millisecond.
    ns = (days * 86400 + h * 3600 + mi * 60) * 1_000_000_000 + ms * 1_000_000
    values = np.empty((m, len(_NUMERIC_ATTRS)), dtype=np.float64)
    for i, (key, _) in enumerate(_NUMERIC_ATTRS):
        col = cols[key]
        values[:, i] = np.nan if col is None else col.astype(np.float64)
    return done, ns, values


def _event_columns(times: np.ndarray, data: np.ndarray) -> dict[str, np.ndarray]:
    """The event columns but ``member``: times (ns since 1970), values (members x _NUMERIC_ATTRS)."""
    names = [key for key, _ in _NUMERIC_ATTRS]
    data = np.asarray(data, dtype=np.float64).reshape(len(times), len(names))
    col = {key: data[:, i] for i, key in enumerate(names)}
    lon = col["lontp_s4max"].copy()
    valid = np.isfinite(lon) & (lon != FILL_VALUE)
    # Wrap to [-180, 180) but leave -999 fills recognisable for apply_qc.
    lon[valid] = (lon[valid] + 180.0) % 360.0 - 180.0
    return {
        "time": np.asarray(times, dtype=np.int64).view("datetime64[ns]"),
        "start_time_gps_s": col["start_time"],
        "leo_id": col["leo_id"].astype(np.int32),
        "prn_id": col["prn_id"].astype(np.int32),
        "antenna_id": col["antenna_id"].astype(np.int32),
        "lattp_s4max": col["lattp_s4max"],
        "lontp_s4max": lon,
        "alttp_s4max": col["alttp_s4max"],
        "lcttp_s4max": col["lcttp_s4max"],
        "s4max": col["s4max"],
        "s4max9sec": col["s4max9sec"],
    }


def _events_frame(times: np.ndarray, data: np.ndarray, members: list[str]) -> pd.DataFrame:
    """The event table (pandas) of :func:`_event_columns` and the member names."""
    import pandas as pd

    columns = _event_columns(times, data)
    columns["member"] = pd.Series(members, dtype=str)
    return pd.DataFrame(columns, columns=list(EVENT_COLUMNS))


#: pandas' description of each event column (``pandas_type``, ``numpy_type``) in the
#: ``pandas`` Parquet metadata, as ``DataFrame.to_parquet`` writes it (pyarrow's
#: ``pandas_compat.construct_metadata``); test_scnlv1_ingest checks the bytes agree.
_PANDAS_TYPES = {
    "time": ("datetime", "datetime64[ns]"),
    **{c: ("int32", "int32") for c in ("leo_id", "prn_id", "antenna_id")},
    "member": ("object", "str"),
}


def _write_events(
    path: str | os.PathLike,
    times: np.ndarray,
    data: np.ndarray,
    members: list[str],
    attrs: Mapping[str, Any],
) -> None:
    """Write the event table as ``write_parquet(_events_frame(...))`` would, byte for byte.

    pyarrow directly, without pandas (a third of a second of import per job):
    the same arrays (NaN stored as null, as ``Table.from_pandas`` does; built from
    their buffers, as ``pyarrow.array`` would import pandas), the same
    ``pandas`` and ``PANDAS_ATTRS`` schema metadata, zstd, written atomically.
    """
    import json
    from importlib.metadata import version

    import pyarrow as pa
    import pyarrow.parquet as pq

    from .atomic import atomic_path

    columns = _event_columns(times, data)
    arrays = [_arrow_array(columns[c]) for c in EVENT_COLUMNS[:-1]]
    text = [m.encode("utf-8") for m in members]
    offsets = np.zeros(len(text) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in text], out=offsets[1:])
    arrays.append(
        pa.Array.from_buffers(
            pa.large_string(),
            len(text),
            [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(text))],
        )
    )
    described = [
        {"name": c, "field_name": c, "pandas_type": t, "numpy_type": n, "metadata": None}
        for c, (t, n) in ((c, _PANDAS_TYPES.get(c, ("float64", "float64"))) for c in EVENT_COLUMNS)
    ]
    attrs = dict(attrs)
    pandas_meta = {
        "index_columns": [],
        "column_indexes": [],
        "columns": described,
        "attributes": attrs,
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": version("pandas"),
    }
    table = pa.Table.from_arrays(arrays, names=list(EVENT_COLUMNS)).replace_schema_metadata(
        {"pandas": json.dumps(pandas_meta), "PANDAS_ATTRS": json.dumps(attrs)}
    )
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def _arrow_array(values: np.ndarray):
    """A pyarrow array of a numeric or datetime64[ns] column, NaN as null (``from_pandas``).

    Built from the buffers: ``pyarrow.array`` imports pandas when it is installed.
    """
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    kind = {"f": pa.float64(), "i": pa.int32(), "M": pa.timestamp("ns")}[values.dtype.kind]
    nulls = np.isnan(values) if values.dtype.kind == "f" else None
    validity, count = None, 0
    if nulls is not None and nulls.any():
        validity, count = pa.py_buffer(np.packbits(~nulls, bitorder="little")), int(nulls.sum())
    return pa.Array.from_buffers(
        kind, len(values), [validity, pa.py_buffer(values.view(np.uint8))], null_count=count
    )


def _write_qc_csv(path: str | os.PathLike, label: str, reasons: list[str], counts) -> None:
    """Write a QC table (``day,reason,count``) as ``write_csv(qc_table(...))`` would."""
    import csv
    import io

    from .atomic import atomic_path

    text = io.StringIO()
    out = csv.writer(text, lineterminator="\n")
    out.writerow(("day", "reason", "count"))
    out.writerows(
        (label, reason, int(count)) for reason, count in zip(reasons, counts, strict=True)
    )
    with atomic_path(path) as tmp:
        tmp.write_text(text.getvalue(), encoding="utf-8")


_DAY_IN_PATH = re.compile(r"(?<!\d)(\d{4})[/_.-](\d{3})(?!\d)")


def _day_label(tarball: str, events) -> str:
    """``YYYY-DDD`` from the path (``.../2007/002.tar.gz``, ``..._2007_002.tar.gz``) or the data.

    ``events``: an event table, or its ``time`` column as datetime64[ns] values.
    """
    tail = "/".join(Path(tarball).parts[-2:])
    found = _DAY_IN_PATH.findall(tail)
    if found:
        year, doy = found[-1]
        return f"{year}-{doy}"
    times = np.asarray(events["time"] if hasattr(events, "columns") else events, "datetime64[ns]")
    if len(times):
        # The most common day of the data (the first of equals), as ``YYYY-DDD``.
        years = times.astype("datetime64[Y]")
        doys = (times.astype("datetime64[D]") - years.astype("datetime64[D]")).astype(np.int64) + 1
        keys, counts = np.unique((years.astype(np.int64) + 1970) * 1000 + doys, return_counts=True)
        key = int(keys[np.argmax(counts)])
        return f"{key // 1000:04d}-{key % 1000:03d}"
    return Path(tarball).name


def ingest_day(
    tarball: str | os.PathLike,
    events_path: str | os.PathLike,
    qc_path: str | os.PathLike,
    *,
    altitude_km: tuple[float, float],
    s4max_range: tuple[float, float],
    strict: bool,
    config: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Read a day tarball, apply QC and write the event table and the QC table.

    Parameters
    ----------
    tarball : path-like
        CDAAC scnLv1 day tarball (``.tar.gz``).
    events_path : path-like
        Output Parquet file: the arcs that pass QC, columns :data:`EVENT_COLUMNS`,
        units in the Parquet metadata (``df.attrs["units"]``).
    qc_path : path-like
        Output CSV file: the per-day QC table (:func:`~estransport.io.scnlv1_qc.qc_table`).
    altitude_km : (float, float)
        Inclusive Es range of the tangent-point altitude, km (``cosmic.qc.altitude_km``).
    s4max_range : (float, float)
        Inclusive plausible S4max range, dimensionless (``cosmic.qc.s4max``).
    strict : bool
        Passed to :func:`read_day_tarball` (``cosmic.ingest.strict``).
    config : mapping, optional
        Configuration recorded as a hash in the provenance attributes.

    Returns
    -------
    pandas.DataFrame
        The kept events, as written.

    Raises
    ------
    estransport.errors.InputFileError
        From :func:`read_day_tarball`.
    ValueError
        If a QC range is empty (min above max); nothing is written.
    """
    limits = _limits(altitude_km, s4max_range)
    times, values, members, attrs = _ingest(
        tarball, events_path, qc_path, limits=limits, strict=strict, config=config
    )
    kept = _events_frame(times, values, members)
    kept.attrs = attrs
    return kept


def _limits(altitude_km, s4max_range) -> dict[str, tuple[float, float]]:
    """The QC ranges as float pairs; ValueError if one is empty (checked before any read)."""
    limits = {
        "altitude_km": (float(altitude_km[0]), float(altitude_km[1])),
        "s4max_range": (float(s4max_range[0]), float(s4max_range[1])),
    }
    if any(lo > hi for lo, hi in limits.values()):
        raise ValueError(f"empty QC range: {limits}")
    return limits


def _ingest(tarball, events_path, qc_path, *, limits, strict, config):
    """:func:`ingest_day` without pandas; returns the kept times, values, members and attrs."""
    from ..provenance import provenance_attrs
    from .scnlv1_qc import FILL_CHECK_COLUMNS, qc_mask, qc_rows

    tarball = os.fspath(tarball)
    times, values, members, n_members, problems = _read_day(tarball, strict=strict)
    columns = _event_columns(times, values)
    keep, counts = qc_mask({c: columns[c] for c in FILL_CHECK_COLUMNS}, **limits)
    index = np.flatnonzero(keep)
    times, values, members = times[index], values[index], [members[k] for k in index]
    label = _day_label(tarball, columns["time"])
    reasons, table = qc_rows(n_members, problems, counts, len(members))
    attrs = {
        "units": dict(UNITS),
        "source": tarball,
        "n_members": n_members,
        "day": label,
        "qc": {k: list(v) for k, v in limits.items()},
        "time_scale": "GPS calendar attributes (GPS-UTC up to 18 s), labelled UTC",
        # The step of one day, whatever the batch it ran in: the tables stay byte-identical.
        "provenance": provenance_attrs(config, [tarball], step="ingest_scnlv1_day"),
    }
    _write_events(events_path, times, values, members, attrs)
    _write_qc_csv(qc_path, label, reasons, table)
    log.info(
        "%s (%s): %d members, %d kept; rejected: %s",
        tarball,
        label,
        n_members,
        len(members),
        ", ".join(f"{r}={c}" for r, c in zip(reasons[1:-1], table[1:-1], strict=True)),
    )
    return times, values, members, attrs


def ingest_days(
    tarballs: list[str | os.PathLike],
    events_paths: list[str | os.PathLike],
    qc_paths: list[str | os.PathLike],
    *,
    altitude_km: tuple[float, float],
    s4max_range: tuple[float, float],
    strict: bool,
    config: Mapping[str, Any] | None = None,
) -> list[str]:
    """:func:`ingest_day` for several days in one process (one job per batch of days).

    Each day's outputs are exactly those of :func:`ingest_day` and are written
    atomically as soon as the day is done. A day whose tarball cannot be read
    (missing, truncated, not gzip, or a bad member with ``strict=True``) does not
    stop the others: its event table is written empty and its QC table has zero
    members plus one ``day_failed`` row (:func:`~estransport.io.scnlv1_qc.failed_day_table`),
    which :func:`~estransport.io.scnlv1_qc.summarise_qc` counts as ``days_failed``.

    Parameters
    ----------
    tarballs, events_paths, qc_paths : list of path-like
        One entry per day, in the same order.
    altitude_km, s4max_range, strict, config
        As :func:`ingest_day`.

    Returns
    -------
    list of str
        The failed days' labels (``YYYY-DDD``), empty when every day was read.

    Raises
    ------
    ValueError
        If the lists differ in length or a QC range is empty; nothing is written.
    """
    from .batch import ingest_batch
    from .scnlv1_qc import failed_day_rows

    if altitude_km[0] > altitude_km[1] or s4max_range[0] > s4max_range[1]:
        raise ValueError(f"empty QC range: altitude_km={altitude_km}, s4max_range={s4max_range}")
    limits = _limits(altitude_km, s4max_range)

    def one(tarball, events_path, qc_path):
        _ingest(tarball, events_path, qc_path, limits=limits, strict=strict, config=config)

    def record_failed(tarball, events_path, qc_path, err) -> str:
        none = np.zeros(0, np.int64)
        label = _day_label(os.fspath(tarball), none.view("datetime64[ns]"))
        attrs = {"units": dict(UNITS), "day": label, "day_failed": str(err)}
        _write_events(events_path, none, np.zeros((0, len(_NUMERIC_ATTRS))), [], attrs)
        _write_qc_csv(qc_path, label, *failed_day_rows())
        return label

    return ingest_batch(tarballs, events_paths, qc_paths, one, record_failed)
