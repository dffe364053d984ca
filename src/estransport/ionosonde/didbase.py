"""GIRO DIDBase ``DIDBGetValues`` (and FastChar ``getbest``) text export reader.

Layout (docs/formats.md 3.4; verified on a real export, ``realdata/giro_didbase``):

* Header lines start with ``#``. Their number varies with the number of
  characteristics and the export's age, so they are skipped, not counted.
  The last header line names the columns: ``#Time CS <name> QD [<name> QD ...]``.
  Description lines ``# <name> [<unit>] - <text>`` give each characteristic's unit.
* Each data line holds, separated by blanks: the UT time
  ``YYYY-MM-DDTHH:MM:SS.sssZ``, the confidence score CS (0-100 autoscaling,
  999 manual, -1 unknown), then for every characteristic a value and a
  2-character ``QD`` token (qualifying and descriptive letter; ``/``, ``_``
  or ``-`` mean none). Widths differ between characteristics, so columns are
  split on blanks and mapped by the header names, never by position.
* ``---`` is a missing value [V3]; its QD token varies (``//``, ``__``).
* The server reports failures as ``ERROR: ...`` lines (DIDBGetValues) or a
  ``# STATUS: ERROR (...)`` header (FastChar) [V3]. "No measurement data" is not a
  failure: it gives an empty table.
* The header gives the query interval (``# Query for measurement intervals of
  time:`` then ``# <start> - <end>``). Rows outside it, exact duplicates and
  same-time rows of other content are dropped, rows out of order sorted, and a
  header without rows read as an empty table; each with a warning and a count
  in ``attrs["qc"]`` (:data:`QC_KEYS`; the decisions and reasons: docs/formats.md 3.4).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from ._text import MAX_YEAR, MIN_YEAR, implausible_year, make_datetime, read_lines
from .schema import (
    CONFIDENCE_MANUAL,
    TablePart,
    part_from_columns,
    part_from_records,
    table_from_parts,
)

logger = logging.getLogger(__name__)

#: Missing-value token (docs/formats.md 3.4 [V3]).
MISSING = "---"
#: Characteristics whose values are text, not numbers.
TEXT_CHARACTERISTICS = frozenset({"TypeEs"})
#: DIDBase characteristic names mapped to table columns, with the unit each must have.
SCHEMA_COLUMNS = {
    "foEs": ("foEs_MHz", "MHz"),
    "hEs": ("hEs_km", "km"),
    "fbEs": ("fbEs_MHz", "MHz"),
    "TypeEs": ("es_type", None),
}
#: Phrase of a FastChar "no data" status, which yields an empty table (docs/formats.md 3.4 [V3]).
NO_DATA_PHRASE = "no measurement data"

_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d*)?$")
_CS = re.compile(r"^-?\d{1,3}$")
_UNIT_LINE = re.compile(r"^#\s*(\S+)\s*\[([^\]]*)\]\s*-")
_STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z"
#: A header line giving a query interval (docs/formats.md 3.4 [V]: the line after
#: "# Query for measurement intervals of time:").
_INTERVAL_LINE = re.compile(rf"^#\s*({_STAMP})\s+-\s+({_STAMP})\s*$")
#: QC counters of a DIDBase file (``attrs["qc"]``; docs/formats.md 3.4).
QC_KEYS = (
    "outside_query",
    "duplicates_dropped",
    "conflicting_duplicates",
    "out_of_order",
    "header_only",
    "no_data_status",
)


def _parse_time(path, token: str, lineno: int) -> dt.datetime:
    m = _TIME.match(token)
    if not m:
        raise InputFileError(path, f"time {token!r} is not YYYY-MM-DDTHH:MM:SS.sssZ", line=lineno)
    y, mo, d, h, mi, s, frac = m.groups()
    when = make_datetime(path, lineno, int(y), int(mo), int(d), int(h), int(mi), int(s))
    if frac:
        when += dt.timedelta(milliseconds=int(frac.ljust(3, "0")))
    return when


def read_didbase(path: str | os.PathLike) -> pd.DataFrame:
    """Read a DIDBase text export into a wide table, one column per header name.

    Parameters
    ----------
    path : path-like
        ``DIDBGetValues`` or FastChar export (LF or CRLF).

    Returns
    -------
    pandas.DataFrame
        Columns ``time_ut`` (datetime64, UT), ``CS`` (int, confidence score),
        then for each characteristic ``<name>`` (float in the unit of its
        header description, NaN for ``---``; text for ``TypeEs``) and
        ``<name>_QD`` (the 2-character letter token), and ``source_line``
        (1-based). One row per time, sorted by time, inside the header's query
        interval (see :func:`_check_rows`). ``df.attrs["units"]`` maps names to
        units from the header; ``df.attrs["qc"]`` counts the rows dropped or
        sorted and whether the file had no data rows (:data:`QC_KEYS`).

    Raises
    ------
    InputFileError
        Naming file and line, for a server error message, a missing or
        malformed ``#Time CS ...`` header, a data line with the wrong number of
        fields, a malformed or impossible time, a year outside 1930-2100
        (:data:`~._text.MIN_YEAR`, :data:`~._text.MAX_YEAR`; checked before the
        conversion to ``datetime64``), a CS outside -1..100 and 999,
        a value that is not a number, or a QD token that is not 2 characters.
    """
    lines = read_lines(path, allow_tabs=True)
    header: list[str] | None = None
    fast: re.Pattern | None = None
    units: dict[str, str] = {}
    records: list[tuple] = []
    linenos: list[int] = []
    intervals: list[tuple[dt.datetime, dt.datetime, int]] = []
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.upper().startswith("ERROR:"):
            raise InputFileError(path, f"server error message: {stripped}", line=lineno)
        if stripped.startswith("#"):
            if records:
                raise InputFileError(path, "header line after data lines", line=lineno)
            if "STATUS:" in stripped.upper() and "ERROR" in stripped.upper():
                if NO_DATA_PHRASE in stripped.lower():
                    logger.warning("%s: the server reports no data (%s)", path, stripped)
                    wide = _wide(path, [], [], ["Time", "CS"], units, lineno)
                    wide.attrs["qc"] = {**dict.fromkeys(QC_KEYS, 0), "no_data_status": 1}
                    return wide
                raise InputFileError(path, f"server error status: {stripped}", line=lineno)
            m = _UNIT_LINE.match(stripped)
            if m:
                units[m.group(1)] = m.group(2).strip()
            m = _INTERVAL_LINE.match(stripped)
            if m:
                intervals.append(
                    (
                        _parse_time(path, m.group(1), lineno),
                        _parse_time(path, m.group(2), lineno),
                        lineno,
                    )
                )
            if stripped[1:].lstrip().startswith("Time"):
                header = _parse_header(path, stripped[1:].split(), lineno)
                header_line = lineno
                fast = _line_pattern(header)
            continue
        if header is None:
            raise InputFileError(
                path,
                "data line before the '#Time CS ...' column header; not a DIDBase export",
                line=lineno,
            )
        m = fast.match(stripped)
        if m is None:  # slow path: find and name the offending field
            tokens = stripped.split()
            if len(tokens) != len(header):
                raise InputFileError(
                    path,
                    f"{len(tokens)} fields where the header {' '.join(header)!r} has "
                    f"{len(header)} (truncated or misaligned line?)",
                    line=lineno,
                )
            _parse_data(path, header, tokens, lineno)
            raise InputFileError(path, "malformed data line", line=lineno)
        records.append(m.groups())
        linenos.append(lineno)
    if header is None:
        raise InputFileError(
            path, "no '#Time CS ...' column header; not a DIDBase export", line=len(lines)
        )
    wide = _wide(path, records, linenos, header, units, header_line)
    qc = dict.fromkeys(QC_KEYS, 0)
    if not records:
        qc["header_only"] = 1
        logger.warning(
            "%s: a header and no data rows: either the station has no data for the query, "
            "or the download was cut right after the header. If data are expected, delete "
            "the file (it is write-protected) and run again to download it afresh",
            path,
        )
    else:
        wide = _check_rows(path, wide, intervals, qc)
    wide.attrs.update(units=dict(units), header_line=header_line, qc=qc)
    return wide


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"


def _check_rows(
    path,
    df: pd.DataFrame,
    intervals: list[tuple[dt.datetime, dt.datetime, int]],
    qc: dict[str, int],
) -> pd.DataFrame:
    """Drop rows outside the query interval and exact duplicates, resolve same-time rows,
    and sort by time; count each case in ``qc`` and warn, naming lines (docs/formats.md 3.4).

    Rows of one time with other content: the most confident is kept (CS 999, manual
    scaling, first; then the highest CS; then the first line).
    """
    if intervals:
        t = df["time_ut"]
        inside = np.zeros(len(df), dtype=bool)
        for lo, hi, _line in intervals:
            inside |= ((t >= lo) & (t <= hi)).to_numpy()
        if not inside.all():
            out = df.loc[~inside]
            shown = "; ".join(f"{lo} - {hi} (line {line})" for lo, hi, line in intervals)
            qc["outside_query"] = len(out)
            logger.warning(
                "%s: %s outside the query interval %s dropped, the first at line %d (%s): "
                "they belong to another query; check the file if that is unexpected",
                path,
                _rows(len(out)),
                shown,
                out["source_line"].iloc[0],
                out["time_ut"].iloc[0],
            )
            df = df.loc[inside]
    content = [c for c in df.columns if c != "source_line"]
    copy = df.duplicated(subset=content, keep="first").to_numpy()
    if copy.any():
        first = df.loc[copy].iloc[0]
        key = pd.util.hash_pandas_object(df[content], index=False).to_numpy()  # NaN-safe
        original = df["source_line"].to_numpy()[key == key[np.flatnonzero(copy)[0]]][0]
        qc["duplicates_dropped"] = int(copy.sum())
        logger.warning(
            "%s: %s exact duplicate %s dropped, the first at line %d (a copy of line %d)",
            path,
            int(copy.sum()),
            "row" if copy.sum() == 1 else "rows",
            first["source_line"],
            original,
        )
        df = df.loc[~copy]
    times = df["time_ut"].to_numpy()
    back = times[1:] < np.maximum.accumulate(times)[:-1]
    if back.any():
        k = int(np.flatnonzero(back)[0]) + 1
        qc["out_of_order"] = int(back.sum())
        logger.warning(
            "%s: %s out of time order (the first at line %d goes back to %s); sorted by time",
            path,
            _rows(int(back.sum())),
            df["source_line"].iloc[k],
            df["time_ut"].iloc[k],
        )
        df = df.sort_values("time_ut", kind="stable")
    same = df["time_ut"].duplicated(keep=False).to_numpy()
    if same.any():
        # the most confident scaling of each time: manual (999), then the highest CS, then
        # the first line
        best = df.sort_values(
            ["time_ut", "CS", "source_line"], ascending=[True, False, True], kind="stable"
        ).drop_duplicates("time_ut", keep="first")
        n = len(df) - len(best)
        when = df["time_ut"].to_numpy()[same][0]
        group = df.loc[df["time_ut"] == when, "source_line"].tolist()
        kept = int(best.loc[best["time_ut"] == when, "source_line"].iloc[0])
        qc["conflicting_duplicates"] = n
        logger.warning(
            "%s: %s share a time with a row of other content and %s dropped; of each time "
            "the most confident row is kept (CS 999 manual, then the highest CS, then the "
            "first line). First: %s at %s, kept line %d",
            path,
            _rows(n),
            "was" if n == 1 else "were",
            pd.Timestamp(when),
            " and ".join(f"line {x}" for x in group),
            kept,
        )
        df = best
    return df.reset_index(drop=True)


def _line_pattern(header: list[str]) -> re.Pattern:
    """One regex that accepts a well-formed data line and captures every field."""
    parts = [r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)", r"(-?\d{1,3})"]
    for name in header[2::2]:
        value = r"(\S+)" if name in TEXT_CHARACTERISTICS else r"(---|-?\d+(?:\.\d*)?)"
        parts += [value, r"(\S{2})"]
    return re.compile("^" + r"\s+".join(parts) + "$")


def _parse_header(path, tokens: list[str], lineno: int) -> list[str]:
    if len(tokens) < 2 or tokens[0] != "Time" or tokens[1] != "CS":
        raise InputFileError(
            path, f"column header {' '.join(tokens)!r} does not start with 'Time CS'", line=lineno
        )
    rest = tokens[2:]
    if len(rest) % 2 or any(q != "QD" for q in rest[1::2]):
        raise InputFileError(
            path,
            f"column header {' '.join(tokens)!r} is not 'Time CS (<name> QD)...'",
            line=lineno,
        )
    names = rest[0::2]
    if len(set(names)) != len(names) or "QD" in names:
        raise InputFileError(path, f"repeated characteristic in header {names}", line=lineno)
    return tokens


def _parse_data(path, header: list[str], tokens: list[str], lineno: int) -> list:
    when = _parse_time(path, tokens[0], lineno)
    if not _CS.match(tokens[1]):
        raise InputFileError(path, f"confidence score {tokens[1]!r} is not an integer", line=lineno)
    cs = int(tokens[1])
    if not (-1 <= cs <= 100 or cs == CONFIDENCE_MANUAL):
        raise InputFileError(
            path, f"confidence score {cs} outside 0-100, 999 (manual), -1 (unknown)", line=lineno
        )
    row: list = [when, cs]
    for i in range(2, len(header), 2):
        name, value, qd = header[i], tokens[i], tokens[i + 1]
        if value == MISSING:
            row.append(np.nan if name not in TEXT_CHARACTERISTICS else "")
        elif name in TEXT_CHARACTERISTICS:
            row.append(value)
        elif _NUMBER.match(value):
            row.append(float(value))
        else:
            raise InputFileError(path, f"{name} value {value!r} is not a number", line=lineno)
        if len(qd) != 2:
            raise InputFileError(path, f"{name} QD token {qd!r} is not 2 characters", line=lineno)
        row.append(qd)
    row.append(lineno)
    return row


def _wide(
    path,
    records: list[tuple],
    linenos: list[int],
    header: list[str],
    units: dict[str, str],
    header_line: int = 1,
) -> pd.DataFrame:
    names = header[2::2]
    columns = ["time_ut", "CS"]
    for name in names:
        columns += [name, f"{name}_QD"]
    df = pd.DataFrame(records, columns=columns, dtype=object)
    lines = np.asarray(linenos, dtype=np.int32)
    stamps = df["time_ut"].astype(str)
    # The year range is checked before the conversion: pandas would accept 1924 or 2150
    # and fail on 3024 with an error naming neither file nor line (_text.MAX_YEAR).
    years = np.fromiter((int(s[:4]) for s in stamps), dtype=np.int64, count=len(stamps))
    bad_year = np.flatnonzero((years < MIN_YEAR) | (years > MAX_YEAR))
    if len(bad_year):
        k = int(bad_year[0])
        raise InputFileError(path, implausible_year(int(years[k])), line=int(lines[k]))
    times = pd.to_datetime(stamps, format="%Y-%m-%dT%H:%M:%S.%fZ", errors="coerce")
    if len(df) and times.isna().any():  # impossible dates, or no milliseconds: check one by one
        for k in np.flatnonzero(times.isna().to_numpy()):
            times.iloc[k] = pd.Timestamp(_parse_time(path, df["time_ut"].iloc[k], int(lines[k])))
    df["time_ut"] = times.astype("datetime64[ns]")
    cs = pd.to_numeric(df["CS"]).astype("int16") if len(df) else df["CS"].astype("int16")
    bad = ~(cs.between(-1, 100) | (cs == CONFIDENCE_MANUAL))
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputFileError(
            path,
            f"confidence score {cs.iloc[k]} outside 0-100, 999 (manual), -1 (unknown)",
            line=int(lines[k]),
        )
    df["CS"] = cs
    for name in names:
        if name in TEXT_CHARACTERISTICS:
            df[name] = df[name].astype(str).replace(MISSING, "")
        else:
            df[name] = pd.to_numeric(df[name].replace(MISSING, np.nan)).astype("float64")
        df[f"{name}_QD"] = df[f"{name}_QD"].astype(str)
    df["source_line"] = lines
    df.attrs["units"] = dict(units)
    df.attrs["header_line"] = header_line
    df.attrs["qc"] = dict.fromkeys(QC_KEYS, 0)
    return df


def _letter(ch: str) -> str:
    return ch if ch.isalpha() and ch.isupper() else ""


def read_didbase_table(
    path: str | os.PathLike, station: str, characteristic: str = "foEs"
) -> pd.DataFrame:
    """Read a DIDBase export into the ionosonde table (:mod:`.schema`).

    Parameters
    ----------
    path : path-like
        DIDBase export with at least the ``characteristic`` column.
    station : str
        Station code for the ``station`` column.
    characteristic : str, default "foEs"
        The DIDBase name whose values fill ``foEs_MHz`` and whose QD letters
        fill ``qualifier``/``descriptor``. ``hEs``, ``fbEs`` and ``TypeEs`` fill
        their columns when present.

    Returns
    -------
    pandas.DataFrame
        One row per row of :func:`read_didbase` (one per time); ``confidence``
        is the CS column unchanged (no filtering here: see
        :func:`estransport.ionosonde.hourly.filter_confidence`). ``attrs["qc"]``
        as :func:`read_didbase`.

    Raises
    ------
    InputFileError
        If the file is malformed (see :func:`read_didbase`), lacks the
        ``characteristic`` column, or gives a unit other than MHz/km for a
        mapped column.
    """
    return table_from_parts([didbase_part(path, station, characteristic)])


def didbase_part(path: str | os.PathLike, station: str, characteristic: str = "foEs") -> TablePart:
    """The rows of one DIDBase export as a :class:`~.schema.TablePart`
    (see :func:`read_didbase_table`)."""
    path = Path(path)
    wide = read_didbase(path)
    units = wide.attrs.get("units", {})
    header_line = wide.attrs.get("header_line", 1)
    qc = dict(wide.attrs["qc"])
    if wide.empty and characteristic not in wide.columns:
        return part_from_records([], {"qc": qc})
    if characteristic not in wide.columns:
        names = [
            c
            for c in wide.columns
            if c not in ("time_ut", "CS", "source_line") and not c.endswith("_QD")
        ]
        raise InputFileError(
            path, f"no {characteristic} column; the export has {names}", line=header_line
        )
    mapping = {characteristic: ("foEs_MHz", "MHz")}
    for name, target in SCHEMA_COLUMNS.items():
        if name != "foEs" and name in wide.columns:
            mapping[name] = target
    for name, (_col, unit) in mapping.items():
        given = units.get(name)
        if unit is not None and given is not None and given.lower() != unit.lower():
            raise InputFileError(
                path, f"{name} is in [{given}], expected [{unit}]", line=header_line
            )
    qd = wide[f"{characteristic}_QD"].astype(str)
    n = len(wide)
    columns = {
        "time_ut": wide["time_ut"].to_numpy(),
        "station": [station] * n,
        "qualifier": [_letter(t[0]) for t in qd],
        "descriptor": [_letter(t[1]) for t in qd],
        "confidence": wide["CS"].to_numpy(),
        "source_file": [str(path)] * n,
        "source_line": wide["source_line"].to_numpy(),
    }
    for name, (col, _unit) in mapping.items():
        columns[col] = wide[name].to_numpy()
    return part_from_columns(columns, {"qc": qc})
