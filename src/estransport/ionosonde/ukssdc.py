"""UKSSDC / URSI IIWG station-month files and the UKSSDC 128-byte daily "Data File".

Two layouts of scaled hourly values (docs/formats.md 3.1):

**IIWG / CHARS station-month format** (URSI standard since 1990, [V] layout).
A logical unit is one station-month; a file may hold several. Record 1 is a
99-character header (station name A30, code A5, time meridian I4, latitude
F5.1, longitude F5.1, scaling type A10, editing A10, system A30); records 2-3
are ``30I4`` integers (year, month, days M, number of characteristics, total
measurements, then the number of measurements NM of each day); then the names
(``12A10``), dimensions (``12A10``) and URSI codes (``60A2``) of the
characteristics; the sample times ``HHMMSS`` of each day (``20(3I2)``); and for
each characteristic, the values of each day (``24(I3,A2)``) followed by six
summary lines (medians, counts, quartiles, deciles).

**UKSSDC Data File**: one 128-byte record per day: year I4, month I2, day I2,
then 24 hourly values A5 for 00-23 h local mean time ([V] layout, [S22]).
Station and characteristic are not in the record.

Every assumption that docs/formats.md marks [I] or [GAP] is a module constant
below, so it can be changed in one place once a real file settles it:

* :data:`CELL_LAYOUT` - a 5-character value is ``VVVQD``: a 3-digit integer,
  then the qualifying and the descriptive letter [I] (as URSI tabulations
  write ``38UF``; the Australian ``QVVVD`` order is a different format).
* :data:`BLANK_IS_MISSING` - a blank ``I3`` is a missing value and its letters
  are kept (a letter-only entry) [GAP -> I]. A non-blank, non-integer ``I3``
  is an error rather than a silent "missing".
* :data:`MERIDIAN_IN_DEGREES_EAST` - the IIWG "meridian time used by station"
  ``I4`` is the longitude, in degrees east, of the meridian whose mean time
  the sample times use (``0`` = UT, ``120`` = 120 E time) [I]; UT = local time
  - meridian / 15 h [I]. Values -180..360 are accepted; 180-360 are west
  longitudes written as east ones (345 = 15 W) and are wrapped to
  (-180, 180] first (:func:`wrap_meridian`), so they give the same UT.
* :data:`DAY_STARTS_NEW_LINE` - each day's time list and value list start on a
  new line [I] (the ``*`` repeat per day).
* "Total number of measurements" is the sum of the per-day counts, or that sum
  times the number of characteristics; both are accepted [I].
* :data:`URSI_SCALE` - the integer of URSI code 30 (foEs) is in 0.1 MHz [V];
  codes 32 (fbEs, 0.1 MHz) and 34 (h'Es, km) [I]; 36 (type of Es) is kept as text [I].
* :data:`DATAFILE_MERIDIAN` - the Data File's hours are local **mean** time
  ([V]) of the station's own meridian, i.e. its longitude [I]; the
  ``time_meridian_deg`` column of ``stations.tsv`` overrides it per station.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import logging
import math
import os
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from ._text import make_datetime, parse_fixed, parse_int, read_lines
from .schema import (
    CONFIDENCE_MANUAL,
    CONFIDENCE_UNKNOWN,
    TablePart,
    part_from_records,
    table_from_parts,
)

logger = logging.getLogger(__name__)

#: Layout of a 5-character value cell [I]: value digits, qualifying letter, descriptive letter.
CELL_LAYOUT = "VVVQD"
#: A blank I3 is a missing value with its letters kept [GAP -> I].
BLANK_IS_MISSING = True
#: The IIWG header meridian is in degrees east [I] (see module docstring).
MERIDIAN_IN_DEGREES_EAST = True
#: Each day's time and value lists start on a new line [I].
DAY_STARTS_NEW_LINE = True
#: (table column, divisor) of the URSI codes we keep; value = integer / divisor
#: (a divisor, not a factor of 0.1, so that 45 gives exactly the float nearest 4.5).
URSI_SCALE: dict[str, tuple[str, int | None]] = {
    "30": ("foEs_MHz", 10),  # foEs in 0.1 MHz [V] (UAG-23 via UKSSDC, docs/formats.md 3.0)
    "32": ("fbEs_MHz", 10),  # fbEs in 0.1 MHz [I]
    "34": ("hEs_km", 1),  # h'Es in km [I]
    "36": ("es_type", None),  # type of Es, kept as text [I]
}
#: URSI code of foEs (docs/formats.md 3.0 [V]).
FOES_CODE = "30"
#: Dimension strings accepted for each code (lower case, blanks removed); "" = not given.
DIMENSIONS_ACCEPTED: dict[str, frozenset[str]] = {
    "30": frozenset({"", "0.1mhz", "mhz", "100khz", "mhz/10", ".1mhz"}),
    "32": frozenset({"", "0.1mhz", "mhz", "100khz", "mhz/10", ".1mhz"}),
    "34": frozenset({"", "km"}),
    "36": frozenset(),  # any
}
#: What the Data File's local hours refer to [I]: the station longitude, unless overridden.
DATAFILE_MERIDIAN = "station longitude"
#: Data File record length in characters ([V], [S22]).
DATAFILE_RECORD = 128
#: IIWG header record length in characters (30+5+4+5+5+10+10+30, docs/formats.md 3.1 [I arithmetic]).
IIWG_HEADER = 99
#: Longest line accepted in an IIWG file (24 cells of 5 characters).
IIWG_MAX_LINE = 120
#: Largest number of soundings per day accepted (one a minute).
MAX_PER_DAY = 1440


def wrap_meridian(meridian_deg_e: float) -> float:
    """Wrap a longitude in degrees east to (-180, 180].

    Parameters
    ----------
    meridian_deg_e : float
        Longitude in degrees east, any value (e.g. 0-360 convention: 345 = 15 W).

    Returns
    -------
    float
        The same meridian in (-180, 180] degrees east (345 -> -15, -180 -> 180).
    """
    return 180.0 - (180.0 - meridian_deg_e) % 360.0


def lmt_to_ut(local: dt.datetime, meridian_deg_e: float) -> dt.datetime:
    """Convert a local (mean) time to UT.

    Parameters
    ----------
    local : datetime.datetime
        Local mean time of the meridian ``meridian_deg_e``.
    meridian_deg_e : float
        Longitude of that meridian in degrees east (negative = west); any
        value, wrapped to (-180, 180] first (:func:`wrap_meridian`), so 345
        and -15 give the same UT.

    Returns
    -------
    datetime.datetime
        UT = local - wrapped meridian / 15 h (the Earth turns 15 degrees an
        hour), within 12 h of ``local`` [I].
    """
    return local - dt.timedelta(hours=wrap_meridian(meridian_deg_e) / 15.0)


def parse_cell(path, cell: str, lineno: int, what: str) -> tuple[int | None, str, str]:
    """Split a ``VVVQD`` cell into (integer or None, qualifier, descriptor).

    Parameters
    ----------
    path : path-like
        File, for error messages.
    cell : str
        Five characters (shorter cells are padded with blanks by the caller).
    lineno : int
        1-based line, for error messages.
    what : str
        Description of the cell, for error messages.

    Returns
    -------
    value : int or None
        The integer in the units of the URSI code; None for a blank value.
    qualifier, descriptor : str
        One letter each, or ``""``.

    Raises
    ------
    InputFileError
        If the value part is neither blank nor a non-negative integer, or a
        letter is not A-Z.
    """
    text, q, d = cell[0:3], cell[3:4], cell[4:5]
    if text.strip() == "":
        value = None
        if not BLANK_IS_MISSING:
            raise InputFileError(path, f"{what}: blank value", line=lineno)
    else:
        value = parse_int(path, text, lineno, what)
        if value < 0:
            raise InputFileError(path, f"{what}: negative value {value}", line=lineno)
    for letter, kind in ((q, "qualifying"), (d, "descriptive")):
        if letter not in ("", " ") and not ("A" <= letter <= "Z"):
            raise InputFileError(path, f"{what}: {kind} letter {letter!r} is not A-Z", line=lineno)
    return value, q.strip(), d.strip()


@dataclasses.dataclass
class StationMonth:
    """Header of one IIWG station-month."""

    name: str
    code: str
    meridian_deg_e: int
    lat_deg: float
    lon_deg: float
    scaling: str
    editing: str
    system: str
    year: int
    month: int
    per_day: list[int]
    characteristics: list[str]
    dimensions: list[str]
    codes: list[str]
    line: int


class _Cursor:
    """Line cursor that raises a truncation error naming the file and line."""

    def __init__(self, path, lines: list[str]):
        self.path, self.lines, self.pos = path, lines, 0

    def next(self, what: str) -> tuple[str, int]:
        if self.pos >= len(self.lines):
            raise InputFileError(
                self.path,
                f"file ends where {what} was expected (truncated?)",
                line=len(self.lines),
            )
        line = self.lines[self.pos]
        self.pos += 1
        if len(line) > IIWG_MAX_LINE:
            raise InputFileError(
                self.path, f"{what}: line longer than {IIWG_MAX_LINE} characters", line=self.pos
            )
        return line, self.pos

    def at_end(self) -> bool:
        return all(not self.lines[i].strip() for i in range(self.pos, len(self.lines)))


def _fields(cur: _Cursor, n: int, width: int, per_line: int, what: str):
    """Read ``n`` fixed-width fields, ``per_line`` to a line; yield (text, lineno)."""
    done = 0
    while done < n:
        line, lineno = cur.next(what)
        line = line.ljust(width * per_line)
        take = min(per_line, n - done)
        for i in range(take):
            yield line[i * width : (i + 1) * width], lineno
        done += take


def _read_header(cur: _Cursor) -> StationMonth:
    path = cur.path
    line, lineno = cur.next("the station-month header")
    if len(line) < 49:
        raise InputFileError(
            path,
            f"station-month header is {len(line)} characters; at least 49 are needed",
            line=lineno,
        )
    line = line.ljust(IIWG_HEADER)
    meridian = parse_int(path, line[35:39], lineno, "meridian (I4)")
    if not -180 <= meridian <= 360:
        raise InputFileError(path, f"meridian {meridian} outside -180..360 degrees", line=lineno)
    lat = parse_fixed(path, line[39:44], lineno, "latitude (F5.1)")
    lon = parse_fixed(path, line[44:49], lineno, "longitude (F5.1)")
    if not -90 <= lat <= 90 or not -180 <= lon <= 360:
        raise InputFileError(path, f"latitude {lat} / longitude {lon} out of range", line=lineno)
    ints: list[int] = []
    first = None
    need = 5
    while len(ints) < need:
        row, ln = cur.next("the 30I4 count records")
        first = first or ln
        row = row.ljust(120)
        for i in range(30):
            if len(ints) >= need:
                break
            ints.append(parse_int(path, row[4 * i : 4 * i + 4], ln, "count (I4)"))
            if len(ints) == 3:
                year, month, ndays = ints
                make_datetime(path, ln, year, month, 1)
                if ndays != calendar.monthrange(year, month)[1]:
                    raise InputFileError(
                        path,
                        f"{ndays} days given for {year:04d}-{month:02d}, which has "
                        f"{calendar.monthrange(year, month)[1]}",
                        line=ln,
                    )
                need = 5 + ndays
    year, month, ndays, nchar, total = ints[:5]
    per_day = ints[5:]
    if nchar < 1 or nchar > 120:
        raise InputFileError(path, f"implausible number of characteristics {nchar}", line=first)
    if any(not 0 <= k <= MAX_PER_DAY for k in per_day) or total not in (
        sum(per_day),
        sum(per_day) * nchar,
    ):
        raise InputFileError(
            path,
            f"measurement counts per day {per_day} exceed {MAX_PER_DAY} or do not add "
            f"up to the total {total} (sum of the days, or that times the {nchar} "
            "characteristics)",
            line=first,
        )
    names = [t.strip() for t, _ in _fields(cur, nchar, 10, 12, "the characteristic names")]
    dims = [t.strip() for t, _ in _fields(cur, nchar, 10, 12, "the dimensions")]
    codes = []
    for t, ln in _fields(cur, nchar, 2, 60, "the URSI codes"):
        if not t.strip().isdigit():
            raise InputFileError(path, f"URSI code {t!r} is not a number", line=ln)
        codes.append(f"{int(t):02d}")
    for code, dim in zip(codes, dims, strict=True):
        accepted = DIMENSIONS_ACCEPTED.get(code)
        if accepted and dim.replace(" ", "").lower() not in accepted:
            raise InputFileError(
                path,
                f"dimension {dim!r} of URSI code {code} is not one of {sorted(accepted)}",
                line=lineno,
            )
    return StationMonth(
        name=line[0:30].strip(),
        code=line[30:35].strip(),
        meridian_deg_e=meridian,
        lat_deg=lat,
        lon_deg=lon,
        scaling=line[49:59].strip(),
        editing=line[59:69].strip(),
        system=line[69:99].strip(),
        year=year,
        month=month,
        per_day=per_day,
        characteristics=names,
        dimensions=dims,
        codes=codes,
        line=lineno,
    )


def _confidence(scaling: str) -> int:
    return CONFIDENCE_MANUAL if scaling.lower().startswith("man") else CONFIDENCE_UNKNOWN


def _read_station_month(cur: _Cursor, station: str | None) -> list[dict]:
    path = cur.path
    head = _read_header(cur)
    meridian = head.meridian_deg_e if MERIDIAN_IN_DEGREES_EAST else head.meridian_deg_e * 15
    meridian = wrap_meridian(meridian)  # 345 (= 15 W) must not shift every time by 24 h
    times: list[list[tuple[dt.datetime, int]]] = []
    for day, n in enumerate(head.per_day, start=1):
        day_times = []
        for text, ln in _fields(cur, n, 6, 20, f"the sample times of day {day}"):
            hh, mm, ss = (parse_int(path, text[k : k + 2], ln, "time (I2)") for k in (0, 2, 4))
            local = make_datetime(path, ln, head.year, head.month, day, hh, mm, ss)
            day_times.append((lmt_to_ut(local, meridian), ln))
        times.append(day_times)
    rows: dict[tuple[int, int], dict] = {}
    code_station = station or head.code
    if FOES_CODE not in head.codes:
        raise InputFileError(
            path,
            f"station-month has no foEs (URSI code {FOES_CODE}); codes {head.codes}",
            line=head.line,
        )
    for code, cname in zip(head.codes, head.characteristics, strict=True):
        column, scale = URSI_SCALE.get(code, (None, None))
        for day, n in enumerate(head.per_day, start=1):
            cells = list(_fields(cur, n, 5, 24, f"{cname} values of day {day}"))
            for k, (cell, ln) in enumerate(cells):
                if column is None:
                    continue
                row = rows.setdefault(
                    (day, k),
                    {
                        "time_ut": times[day - 1][k][0],
                        "station": code_station,
                        "confidence": _confidence(head.scaling),
                        "source_file": str(path),
                        "source_line": ln,
                    },
                )
                if column == "es_type":
                    row[column] = cell.strip()
                    continue
                value, q, d = parse_cell(path, cell, ln, f"{cname} day {day} value {k + 1}")
                row[column] = math.nan if value is None else value / scale
                if code == FOES_CODE:
                    row.update(qualifier=q, descriptor=d, source_line=ln)
        for what in (
            "medians",
            "counts",
            "upper quartile",
            "lower quartile",
            "upper decile",
            "lower decile",
        ):
            cur.next(f"{cname} hourly {what}")
    return list(rows.values())


def read_iiwg(path: str | os.PathLike, station: str | None = None) -> pd.DataFrame:
    """Read an IIWG station-month file (one or more station-months) into the ionosonde table.

    Parameters
    ----------
    path : path-like
        IIWG file (LF or CRLF).
    station : str, optional
        Station code for the ``station`` column; default the header's A5 code.

    Returns
    -------
    pandas.DataFrame
        One row per sample time: ``time_ut`` (UT, converted from the header's
        time meridian), ``foEs_MHz`` (MHz, from the 0.1 MHz integers of code
        30), ``hEs_km``/``fbEs_MHz``/``es_type`` when present, letters,
        ``confidence`` (999 for "Manual" scaling, else -1) and ``source_line``
        (line of the foEs value).

    Raises
    ------
    InputFileError
        Naming file and line, for a truncated station-month, a malformed
        header or count, a wrong number of days for the month, counts that do
        not add up, an impossible time, an unknown dimension, a value that is
        neither blank nor an integer, a letter that is not A-Z, or a
        station-month without foEs.
    """
    return table_from_parts([iiwg_part(path, station)])


def iiwg_part(path: str | os.PathLike, station: str | None = None) -> TablePart:
    """The rows of one IIWG file as a :class:`~.schema.TablePart` (see :func:`read_iiwg`)."""
    path = Path(path)
    cur = _Cursor(path, read_lines(path))
    rows: list[dict] = []
    months = 0
    while not cur.at_end():
        rows.extend(_read_station_month(cur, station))
        months += 1
    if months == 0:
        raise InputFileError(path, "no station-month in the file", line=1)
    logger.debug("%s: %d station-months, %d values", path, months, len(rows))
    return part_from_records(rows)


def read_ukssdc_daily(
    path: str | os.PathLike,
    station: str,
    *,
    meridian_deg_e: float,
    code: str = FOES_CODE,
    confidence: int = CONFIDENCE_UNKNOWN,
) -> pd.DataFrame:
    """Read a UKSSDC 128-byte daily Data File (one station, one characteristic).

    Parameters
    ----------
    path : path-like
        Data File: 128-character records, one per line (LF or CRLF), or
        fixed-length records with no line ends.
    station : str
        Station code (not in the record).
    meridian_deg_e : float
        Longitude in degrees east of the meridian whose local mean time the
        hours use (:data:`DATAFILE_MERIDIAN`: the station longitude [I]).
    code : str, default "30"
        URSI code of the characteristic the file holds (not in the record);
        "30" fills ``foEs_MHz`` (0.1 MHz integers).
    confidence : int
        Confidence code for every row (-1 unknown, 999 manual).

    Returns
    -------
    pandas.DataFrame
        24 rows per record, ``time_ut`` = date + hour (LMT) - meridian/15 h,
        with the meridian wrapped to (-180, 180] (:func:`wrap_meridian`).

    Raises
    ------
    InputFileError
        For a record that is not 128 characters, an impossible date, a cell
        that is neither blank nor an integer, or a letter that is not A-Z.
    """
    return table_from_parts(
        [
            ukssdc_daily_part(
                path, station, meridian_deg_e=meridian_deg_e, code=code, confidence=confidence
            )
        ]
    )


def ukssdc_daily_part(
    path: str | os.PathLike,
    station: str,
    *,
    meridian_deg_e: float,
    code: str = FOES_CODE,
    confidence: int = CONFIDENCE_UNKNOWN,
) -> TablePart:
    """The rows of one UKSSDC Data File as a :class:`~.schema.TablePart`
    (see :func:`read_ukssdc_daily`)."""
    path = Path(path)
    if code not in URSI_SCALE or URSI_SCALE[code][1] is None:
        raise ValueError(f"URSI code {code} is not a numeric characteristic we read")
    column, scale = URSI_SCALE[code]
    raw = path.read_bytes()
    if raw and b"\n" not in raw and len(raw) % DATAFILE_RECORD == 0:
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError as err:
            raise InputFileError(
                path, "non-ASCII byte", line=err.start // DATAFILE_RECORD + 1
            ) from None
        lines = [text[i : i + DATAFILE_RECORD] for i in range(0, len(text), DATAFILE_RECORD)]
        for i, rec in enumerate(lines, start=1):
            if any(ord(c) < 32 for c in rec):
                raise InputFileError(path, "control character in a record", line=i)
    else:
        lines = read_lines(path)
    rows = []
    for lineno, rec in enumerate(lines, start=1):
        if not rec.strip():
            continue
        if len(rec) != DATAFILE_RECORD:
            raise InputFileError(
                path,
                f"record is {len(rec)} characters, expected {DATAFILE_RECORD} "
                "(truncated or not a UKSSDC Data File)",
                line=lineno,
            )
        year = parse_int(path, rec[0:4], lineno, "year (I4)")
        month = parse_int(path, rec[4:6], lineno, "month (I2)")
        day = parse_int(path, rec[6:8], lineno, "day (I2)")
        date = make_datetime(path, lineno, year, month, day)
        for hour in range(24):
            cell = rec[8 + 5 * hour : 13 + 5 * hour]
            value, q, d = parse_cell(path, cell, lineno, f"hour {hour:02d}")
            row = {
                "time_ut": lmt_to_ut(date + dt.timedelta(hours=hour), meridian_deg_e),
                "station": station,
                "confidence": confidence,
                "source_file": str(path),
                "source_line": lineno,
                column: math.nan if value is None else value / scale,
            }
            if code == FOES_CODE:
                row.update(qualifier=q, descriptor=d)
            rows.append(row)
    if not rows:
        raise InputFileError(path, "no records in the file", line=1)
    return part_from_records(rows)
