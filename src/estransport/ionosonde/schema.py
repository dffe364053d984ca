"""The one table schema that every ionosonde parser produces.

One row is one sounding (or one tabulated hourly value) of one station:

==============  ===============  ==========================================================
column          dtype            meaning
==============  ===============  ==========================================================
time_ut         datetime64[ns]   time of the sounding, UT (timezone-naive, always UT)
station         str              station code of ``config/stations.tsv``
foEs_MHz        float64          foEs in MHz; NaN where the record has no value
qualifier       str              URSI qualifying letter (QL), ``""`` if none
descriptor      str              URSI descriptive letter (DL), ``""`` if none
confidence      int16            0-100 autoscaling confidence, 999 manual scaling, -1 unknown
hEs_km          float64          h'Es in km; NaN where absent
fbEs_MHz        float64          fbEs in MHz; NaN where absent
es_type         str              type of Es as the source gives it, ``""`` if absent
source_file     str              file the row was read from
source_line     int32            1-based line of that file (first line of a multi-line record)
==============  ===============  ==========================================================

The confidence convention is GIRO's (docs/formats.md 3.4, [V]): 0-100 is the
autoscaling confidence score, 999 means manually scaled and -1 unknown.
Letter-only entries (a descriptive letter in place of a value, docs/formats.md 3.0)
are rows with ``foEs_MHz`` NaN and the letters kept.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputFileError

#: Column order of the table.
COLUMNS: tuple[str, ...] = (
    "time_ut",
    "station",
    "foEs_MHz",
    "qualifier",
    "descriptor",
    "confidence",
    "hEs_km",
    "fbEs_MHz",
    "es_type",
    "source_file",
    "source_line",
)

#: dtype of each column; ``str`` is pandas' string dtype (object-backed before pandas 3).
DTYPES: dict[str, str] = {
    "time_ut": "datetime64[ns]",
    "station": "str",
    "foEs_MHz": "float64",
    "qualifier": "str",
    "descriptor": "str",
    "confidence": "int16",
    "hEs_km": "float64",
    "fbEs_MHz": "float64",
    "es_type": "str",
    "source_file": "str",
    "source_line": "int32",
}
#: The string columns.
STRING_COLUMNS = tuple(c for c, t in DTYPES.items() if t == "str")

#: Plausible range of each numeric column; values outside are read errors, not data.
#: foEs and fbEs: ionosondes sound 0.5-30 MHz, 50 MHz leaves a margin; h'Es: the
#: ionosphere below 1000 km.
PHYSICAL_RANGES: dict[str, tuple[float, float]] = {
    "foEs_MHz": (0.0, 50.0),
    "fbEs_MHz": (0.0, 50.0),
    "hEs_km": (0.0, 1000.0),
}

#: Confidence code for manually scaled values (GIRO convention, docs/formats.md 3.4 [V]).
CONFIDENCE_MANUAL = 999
#: Confidence code for "unknown" (GIRO convention, docs/formats.md 3.4 [V]).
CONFIDENCE_UNKNOWN = -1

_DEFAULTS: dict[str, Any] = {
    "foEs_MHz": np.nan,
    "qualifier": "",
    "descriptor": "",
    "confidence": CONFIDENCE_UNKNOWN,
    "hEs_km": np.nan,
    "fbEs_MHz": np.nan,
    "es_type": "",
}


#: What each parser QC counter (``table.attrs["qc"]``) counts, for messages
#: (docs/formats.md 3.2 and 3.4 give the decision behind each).
QC_DESCRIPTIONS: dict[str, str] = {
    "duplicates_dropped": "exact duplicate(s) dropped",
    "conflicting_duplicates": "same-time row(s) of other content dropped (most confident kept)",
    "out_of_order": "row(s) out of time order (sorted)",
    "outside_query": "row(s) outside the header's query interval dropped",
    "header_only": "header-only file(s) (no data rows)",
    "no_data_status": "file(s) the server marked 'no measurement data'",
}


def sum_qc(tables: Iterable[pd.DataFrame | TablePart]) -> dict[str, int]:
    """Add up the parsers' QC counters (``attrs["qc"]``) of several tables.

    Parameters
    ----------
    tables : iterable of pandas.DataFrame or TablePart
        Parser outputs; one without ``attrs["qc"]`` counts nothing.

    Returns
    -------
    dict of str to int
        Every key of :data:`QC_DESCRIPTIONS`, with the sum over the tables.
    """
    total = dict.fromkeys(QC_DESCRIPTIONS, 0)
    for table in tables:
        for key, n in table.attrs.get("qc", {}).items():
            total[key] = total.get(key, 0) + int(n)
    return total


def describe_qc(qc: Mapping[str, int]) -> str:
    """The non-zero QC counters as text, e.g. ``"1 header-only file(s) (no data rows)"``."""
    return "; ".join(f"{n} {QC_DESCRIPTIONS.get(k, k)}" for k, n in qc.items() if n)


def empty_table() -> pd.DataFrame:
    """An empty table with the schema's columns and dtypes.

    Returns
    -------
    pandas.DataFrame
        Zero rows, columns :data:`COLUMNS`.
    """
    return pd.DataFrame({c: pd.Series([], dtype=DTYPES[c]) for c in COLUMNS})


@dataclasses.dataclass
class TablePart:
    """One file's rows as columns, range-checked but not yet a table.

    A parser builds one part per file (:func:`part_from_records`,
    :func:`part_from_columns`); :func:`table_from_parts` turns any number of parts into
    one table with a single dtype conversion. Building a table (a frame of typed
    columns, a sort) costs one to a few milliseconds whatever the number of rows, far
    more than parsing a one-record SAO file, so a set of small files (one SAO file per
    ionogram) is read far faster as one table than file by file
    (``tools/benchmark_sao.py``).

    Attributes
    ----------
    columns : dict of str to list or numpy.ndarray
        Every column of :data:`COLUMNS`, ``n`` values each, in the file's record order.
    n : int
        Number of rows.
    attrs : dict
        What the table of this file alone carries in ``attrs`` (e.g. ``qc``).
    """

    columns: dict[str, Any]
    n: int
    attrs: dict[str, Any] = dataclasses.field(default_factory=dict)


def part_from_records(
    records: Iterable[Mapping[str, Any]], attrs: Mapping[str, Any] | None = None
) -> TablePart:
    """One file's row dictionaries (as :func:`make_table` takes them) as a :class:`TablePart`.

    Absent optional columns are filled; ``attrs``, the result and the range check are
    as in :func:`part_from_columns`.
    """
    rows = list(records)
    # an absent key takes the default; a key given as None stays None (as {**_DEFAULTS, **row})
    columns = {c: [r.get(c, _DEFAULTS.get(c)) for r in rows] for c in COLUMNS}
    return part_from_columns(columns, attrs)


def part_from_columns(
    columns: Mapping[str, Any], attrs: Mapping[str, Any] | None = None
) -> TablePart:
    """One file's whole columns as a :class:`TablePart`, filling absent optional columns.

    Parameters
    ----------
    columns : mapping of str to array_like
        Equal-length columns, as :func:`table_from_columns` takes them.
    attrs : mapping, optional
        The file's table attributes (e.g. ``{"qc": ...}``).

    Returns
    -------
    TablePart

    Raises
    ------
    InputFileError
        For the first row (in record order) with a value outside :data:`PHYSICAL_RANGES`.
    """
    n = len(next(iter(columns.values())))
    data = {c: columns[c] if c in columns else [_DEFAULTS[c]] * n for c in COLUMNS}
    part = TablePart(data, n, dict(attrs or {}))
    _check_part_ranges(part)
    return part


#: Below this many rows a list column is range-checked in Python: converting it to
#: NumPy costs more than a short loop (one-record SAO files).
_PYTHON_CHECK_ROWS = 64


def _check_part_ranges(part: TablePart) -> None:
    """:func:`check_physical_ranges` on a part's columns: the same first row, same message."""
    for col, (lo, hi) in PHYSICAL_RANGES.items():
        values = part.columns[col]
        if part.n < _PYTHON_CHECK_ROWS and isinstance(values, list):
            bad = [k for k, v in enumerate(values) if not (v is None or v != v or lo <= v <= hi)][
                :1
            ]
        else:
            v = np.asarray(values, dtype=float)
            bad = np.flatnonzero(~np.isnan(v) & ((v < lo) | (v > hi)))
        if len(bad):
            k = int(bad[0])
            raise InputFileError(
                str(part.columns["source_file"][k]),
                f"{col} = {float(values[k]):g} outside the physical range {lo}-{hi}",
                line=int(part.columns["source_line"][k]),
            )


def _concat_column(chunks: list) -> Any:
    """One column of several parts: NumPy arrays joined, anything else as one list."""
    if len(chunks) == 1:
        return chunks[0]
    if all(isinstance(c, np.ndarray) for c in chunks):
        return np.concatenate(chunks)
    return list(itertools.chain.from_iterable(chunks))


def _typed(values: Any, dtype: str) -> Any:
    """A column converted straight to its dtype: the values ``Series.astype(dtype)`` gives,
    at a fraction of the cost of building an object frame and converting it (which is
    what made a table per small file slow)."""
    if dtype == "str":
        return pd.array(values if isinstance(values, list) else list(values), dtype="str")
    return np.asarray(values).astype(dtype)


def table_from_parts(parts: Iterable[TablePart]) -> pd.DataFrame:
    """One table from the parts of several files, its dtypes converted once.

    The result equals ``pandas.concat`` of the files' own tables (each sorted by time)
    with ``ignore_index=True``: the same rows in the same order (file by file, each
    file sorted by time, stable, NaT last) and the same dtypes.

    Parameters
    ----------
    parts : iterable of TablePart
        In the order the files' tables would be concatenated.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` with :data:`DTYPES`. ``attrs``: a single part's own;
        for several, ``qc`` is the sum of the parts' counters (:func:`sum_qc`) if any
        part has one.
    """
    parts = list(parts)
    full = [p for p in parts if p.n]
    if not full:
        table = empty_table()
    else:
        table = pd.DataFrame(
            {c: _typed(_concat_column([p.columns[c] for p in full]), DTYPES[c]) for c in COLUMNS},
            copy=False,
        )
        times = table["time_ut"].to_numpy()
        keys = [times.view("i8"), np.isnat(times)]
        if len(full) > 1:
            keys.append(np.repeat(np.arange(len(full)), [p.n for p in full]))
        order = np.lexsort(keys)  # stable: by file, then NaT last, then time
        if (np.diff(order) != 1).any():
            table = table.take(order)
        table = table.reset_index(drop=True)
    if len(parts) == 1:
        table.attrs.update(parts[0].attrs)
    elif any("qc" in p.attrs for p in parts):
        table.attrs["qc"] = sum_qc(parts)
    return table


def make_table(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a schema table from row dictionaries, filling absent optional columns.

    Parameters
    ----------
    records : iterable of mapping
        Each mapping has at least ``time_ut`` (datetime, UT), ``station``,
        ``source_file`` and ``source_line``; ``foEs_MHz`` (MHz), ``hEs_km`` (km),
        ``fbEs_MHz`` (MHz), letters, ``confidence`` and ``es_type`` default to
        missing.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` with :data:`DTYPES`, sorted by time (stable).

    Raises
    ------
    InputFileError
        For the first row with a value outside :data:`PHYSICAL_RANGES`.
    """
    return table_from_parts([part_from_records(records)])


def table_from_columns(columns: Mapping[str, Any]) -> pd.DataFrame:
    """Build a schema table from whole columns (faster than :func:`make_table` for big files).

    Parameters
    ----------
    columns : mapping of str to array_like
        Equal-length columns; absent optional columns are filled as in :func:`make_table`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` with :data:`DTYPES`, sorted by time (stable).

    Raises
    ------
    InputFileError
        For the first row with a value outside :data:`PHYSICAL_RANGES`.
    """
    return table_from_parts([part_from_columns(columns)])


def check_physical_ranges(df: pd.DataFrame) -> None:
    """Reject values outside :data:`PHYSICAL_RANGES`, naming the file and line they came from.

    A digit lost or gained in a fixed-width field turns 4.5 MHz into 45 or 450;
    a range check is what stops such a value from passing silently.

    Raises
    ------
    InputFileError
        For the first row with a value outside its range.
    """
    for col, (lo, hi) in PHYSICAL_RANGES.items():
        v = df[col].to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isnan(v) & ((v < lo) | (v > hi)))
        if len(bad):
            k = int(bad[0])
            raise InputFileError(
                df["source_file"].iloc[k],
                f"{col} = {v[k]:g} outside the physical range {lo}-{hi}",
                line=int(df["source_line"].iloc[k]),
            )


def validate_table(df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` follows the schema (columns, dtypes, value ranges).

    Parameters
    ----------
    df : pandas.DataFrame
        A table produced by a parser.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself.

    Raises
    ------
    ValueError
        If a column is missing or has the wrong dtype, or a value is out of
        its physical range (:data:`PHYSICAL_RANGES`; confidence not in -1..100 or 999).
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"ionosonde table lacks columns {missing}")
    for col in COLUMNS:
        ok = (
            pd.api.types.is_string_dtype(df[col])
            if DTYPES[col] == "str"
            else str(df[col].dtype) == DTYPES[col]
        )
        if not ok:
            raise ValueError(f"column {col} has dtype {df[col].dtype}, expected {DTYPES[col]}")
    for col, (lo, hi) in PHYSICAL_RANGES.items():
        v = df[col].dropna()
        if ((v < lo) | (v > hi)).any():
            raise ValueError(f"{col} outside {lo}-{hi}")
    c = df["confidence"]
    if not (c.between(-1, 100) | (c == CONFIDENCE_MANUAL)).all():
        raise ValueError("confidence outside -1..100 and not 999")
    return df
