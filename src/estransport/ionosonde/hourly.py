"""From raw files to one foEs value per station and UT hour (docs/science.md 7, step 1).

:func:`read_raw` picks the parser of a station's format; :func:`filter_confidence`
keeps the soundings whose autoscaling confidence is high enough;
:func:`to_hourly` reduces soundings of any cadence to at most one row per UT
hour; :func:`build_hourly` chains the three over a station's files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

import pandas as pd

from .didbase import didbase_part
from .sao import sao_part
from .saoxml import saoxml_part
from .schema import (
    CONFIDENCE_MANUAL,
    CONFIDENCE_UNKNOWN,
    TablePart,
    describe_qc,
    sum_qc,
    table_from_parts,
    validate_table,
)
from .stations import Station
from .ukssdc import iiwg_part, ukssdc_daily_part

logger = logging.getLogger(__name__)

#: What :func:`to_hourly` does with several records of one hour.
HOURLY_METHODS = ("nearest", "mean")
#: Whether a record's autoscaling confidence drops its foEs (``ionosonde.confidence_filter``):
#: ``none`` = never (the confidence of SAO analysis flag 10 and GIRO's CS is ARTIST's
#: confidence in the whole ionogram's scaling, driven by the F-region trace and profile,
#: not a judgement of the Es trace; docs/science.md §7); ``ionogram`` = drop a record
#: whose confidence is below ``min_confidence`` (and, unless ``keep_unknown_confidence``,
#: one of unknown confidence).
CONFIDENCE_FILTERS = ("none", "ionogram")
#: Columns of :func:`qc_counts`.
QC_COLUMNS = (
    "station",
    "year",
    "records",
    "values",
    "low_confidence_values",
    "unknown_confidence_values",
    "dropped_low_confidence",
    "dropped_unknown_confidence",
    "dropped_hourly",
    "hourly_values",
)


def read_raw(path: str | os.PathLike, station: Station) -> pd.DataFrame:
    """Read one raw file with the parser of the station's format.

    Parameters
    ----------
    path : path-like
        Raw file.
    station : Station
        Registry row; ``format`` selects the parser, ``code`` fills the
        ``station`` column, ``meridian_deg`` converts Data File local time.

    Returns
    -------
    pandas.DataFrame
        Ionosonde table (:mod:`.schema`).

    Raises
    ------
    estransport.errors.InputFileError
        From the parser, for malformed content.
    ValueError
        For a format no parser reads.
    """
    return table_from_parts([raw_part(path, station)])


def read_raw_files(paths: Sequence[str | os.PathLike], station: Station) -> pd.DataFrame:
    """Read a station's raw files into one table, its dtypes converted once.

    Equals ``pandas.concat([read_raw(p, station) for p in paths], ignore_index=True)``
    (same rows, order and dtypes; :func:`~.schema.table_from_parts`) and raises the
    same error for the first bad file.

    Parameters
    ----------
    paths : sequence of path-like
        Raw files of the station.
    station : Station
        As :func:`read_raw`.

    Returns
    -------
    pandas.DataFrame
        Ionosonde table (:mod:`.schema`); ``attrs["qc"]`` sums the parsers' counters
        where the format has them.
    """
    return table_from_parts([raw_part(p, station) for p in paths])


def raw_part(path: str | os.PathLike, station: Station) -> TablePart:
    """One raw file's rows, not yet a table (:func:`read_raw`; :class:`~.schema.TablePart`)."""
    fmt = station.format
    if fmt == "iiwg":
        return iiwg_part(path, station.code)
    if fmt == "ukssdc_daily":
        return ukssdc_daily_part(path, station.code, meridian_deg_e=station.meridian_deg)
    if fmt == "sao":
        return sao_part(path, station.code)
    if fmt == "saoxml":
        return saoxml_part(path, station.code)
    if fmt == "didbase":
        return didbase_part(path, station.code)
    raise ValueError(f"unknown ionosonde format {fmt!r}")


def filter_confidence(df: pd.DataFrame, min_confidence: int, *, keep_unknown: bool) -> pd.DataFrame:
    """Keep records whose confidence is high enough; manual scaling (999) is always kept.

    Parameters
    ----------
    df : pandas.DataFrame
        Ionosonde table (:mod:`.schema`).
    min_confidence : int
        Lowest autoscaling confidence score kept (0-100; GIRO's CS).
    keep_unknown : bool
        Keep records of unknown confidence (-1), e.g. tabulated hourly values.

    Returns
    -------
    pandas.DataFrame
        The kept rows (a copy, index reset).
    """
    c = df["confidence"]
    keep = (c == CONFIDENCE_MANUAL) | ((c >= min_confidence) & (c <= 100))
    if keep_unknown:
        keep |= c == CONFIDENCE_UNKNOWN
    return df.loc[keep].reset_index(drop=True)


def apply_confidence_filter(
    df: pd.DataFrame, *, confidence_filter: str, min_confidence: int, keep_unknown: bool
) -> pd.DataFrame:
    """The records the configured confidence rule keeps.

    Parameters
    ----------
    df : pandas.DataFrame
        Ionosonde table (:mod:`.schema`).
    confidence_filter : {"none", "ionogram"}
        :data:`CONFIDENCE_FILTERS`; ``none`` keeps every record.
    min_confidence, keep_unknown
        See :func:`filter_confidence` (used with ``ionogram`` only).

    Returns
    -------
    pandas.DataFrame
        The kept rows (a copy, index reset).

    Raises
    ------
    ValueError
        For a ``confidence_filter`` not in :data:`CONFIDENCE_FILTERS`.
    """
    if confidence_filter not in CONFIDENCE_FILTERS:
        raise ValueError(
            f"confidence_filter {confidence_filter!r} is not one of {', '.join(CONFIDENCE_FILTERS)}"
        )
    if confidence_filter == "none":
        return df.reset_index(drop=True)
    return filter_confidence(df, min_confidence, keep_unknown=keep_unknown)


def qc_counts(
    table: pd.DataFrame,
    kept: pd.DataFrame,
    hourly: pd.DataFrame,
    *,
    station: str,
    confidence_filter: str,
    min_confidence: int,
    keep_unknown: bool,
) -> pd.DataFrame:
    """foEs values dropped by each rule, per UT year: what the hourly step did to a station.

    Parameters
    ----------
    table : pandas.DataFrame
        The station's soundings as read.
    kept : pandas.DataFrame
        The soundings the confidence rule kept (:func:`apply_confidence_filter`).
    hourly : pandas.DataFrame
        The hourly table (:func:`to_hourly` of ``kept``).
    station : str
        Station code.
    confidence_filter, min_confidence, keep_unknown
        The rule applied (:func:`apply_confidence_filter`).

    Returns
    -------
    pandas.DataFrame
        One row per UT year, :data:`QC_COLUMNS`: ``records`` (soundings read),
        ``values`` (soundings with a foEs value), ``low_confidence_values`` (values
        whose autoscaling confidence, 0-100, is below ``min_confidence``: counted
        whatever the filter, so that ``none`` shows what ``ionogram`` would drop),
        ``unknown_confidence_values`` (values of confidence -1),
        ``dropped_low_confidence`` and ``dropped_unknown_confidence`` (values the
        confidence rule dropped), ``dropped_hourly`` (values left after the
        confidence rule that the hourly reduction did not use: another record was
        nearer the hour, or beyond the tolerance) and ``hourly_values`` (hours with
        a value).
    """

    def year_counts(mask, frame):
        years = frame["time_ut"].dt.year
        return mask.groupby(years).sum() if len(frame) else pd.Series(dtype=int)

    has = table["foEs_MHz"].notna()
    c = table["confidence"]
    low = has & (c >= 0) & (c <= 100) & (c < min_confidence)
    unknown = has & (c == CONFIDENCE_UNKNOWN)
    on = confidence_filter == "ionogram"
    counts = (
        pd.DataFrame(
            {
                "records": year_counts(pd.Series(True, index=table.index), table),
                "values": year_counts(has, table),
                "low_confidence_values": year_counts(low, table),
                "unknown_confidence_values": year_counts(unknown, table),
                "dropped_low_confidence": year_counts(low & on, table),
                "dropped_unknown_confidence": year_counts(
                    unknown & (on and not keep_unknown), table
                ),
                "kept_values": year_counts(kept["foEs_MHz"].notna(), kept),
                "hourly_values": year_counts(hourly["foEs_MHz"].notna(), hourly),
            }
        )
        .fillna(0)
        .astype(int)
    )
    counts["dropped_hourly"] = counts["kept_values"] - counts["hourly_values"]
    counts = counts.rename_axis("year").reset_index()
    counts.insert(0, "station", station)
    return counts[list(QC_COLUMNS)]


def qc_summary(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Station-year QC counts of every station, a total per station and a grand total.

    Parameters
    ----------
    tables : sequence of pandas.DataFrame
        :func:`qc_counts` tables (one per station).

    Returns
    -------
    pandas.DataFrame
        :data:`QC_COLUMNS`; after each station's years a row with ``year`` = ``all``,
        and a last row with ``station`` and ``year`` = ``all``. ``year`` is text.
    """
    rows = []
    counts = [c for c in QC_COLUMNS if c not in ("station", "year")]
    for t in tables:
        if not len(t):
            continue
        t = t.astype({"year": str})
        total = t[counts].sum().to_frame().T.assign(station=t["station"].iloc[0], year="all")
        rows += [t, total]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=list(QC_COLUMNS))
    if len(out):
        per_station = out.loc[out["year"] == "all", counts].sum()
        grand = per_station.to_frame().T.assign(station="all", year="all")
        out = pd.concat([out, grand], ignore_index=True)
    out[counts] = out[counts].astype(int)
    return out[list(QC_COLUMNS)]


def to_hourly(df: pd.DataFrame, *, method: str, tolerance_min: float) -> pd.DataFrame:
    """Reduce soundings of any cadence to at most one row per station and UT hour.

    Each record belongs to the nearest full UT hour (records in
    [HH:00 - 30 min, HH:00 + 30 min) to HH:00) if it lies within
    ``tolerance_min`` of it.

    Parameters
    ----------
    df : pandas.DataFrame
        Ionosonde table (:mod:`.schema`).
    method : {"nearest", "mean"}
        ``nearest``: keep the record with a value closest to the hour (URSI
        tabulations give the value at the hour); a record without a value is
        kept only if no record of that hour has one. ``mean``: the mean foEs of
        the hour's records with values, with the letters and provenance of the
        one nearest the hour.
    tolerance_min : float
        Largest distance in minutes between a record and its hour (0-30).

    Returns
    -------
    pandas.DataFrame
        Same columns; ``time_ut`` keeps each chosen record's own time (for
        ``mean``, the time of the nearest record).

    Raises
    ------
    ValueError
        For a ``method`` not in :data:`HOURLY_METHODS` or ``tolerance_min`` outside 0-30.
    """
    if method not in HOURLY_METHODS:
        raise ValueError(f"hourly method {method!r} is not 'nearest' or 'mean'")
    if not 0 <= tolerance_min <= 30:
        raise ValueError(f"tolerance_min {tolerance_min} outside 0-30 minutes")
    if df.empty:
        return df.copy()
    work = df.copy()
    hour = (work["time_ut"] + pd.Timedelta(minutes=30)).dt.floor("h")
    offset = (work["time_ut"] - hour).abs() / pd.Timedelta(minutes=1)
    work = work.assign(_hour=hour, _offset=offset, _novalue=work["foEs_MHz"].isna())
    work = work.loc[work["_offset"] <= tolerance_min]
    work = work.sort_values(["station", "_hour", "_novalue", "_offset"], kind="stable")
    first = work.drop_duplicates(["station", "_hour"], keep="first").copy()
    if method == "mean":
        means = work.groupby(["station", "_hour"])["foEs_MHz"].mean()
        keys = list(zip(first["station"], first["_hour"], strict=True))
        first["foEs_MHz"] = means.loc[keys].to_numpy()
    out = first.drop(columns=["_hour", "_offset", "_novalue"])
    return out.sort_values(["station", "time_ut"], kind="stable").reset_index(drop=True)


def hourly_from_table(
    table: pd.DataFrame,
    *,
    confidence_filter: str,
    min_confidence: int,
    keep_unknown_confidence: bool,
    method: str,
    tolerance_min: float,
) -> pd.DataFrame:
    """Confidence rule and hourly reduction of one station's soundings.

    Parameters
    ----------
    table : pandas.DataFrame
        The station's soundings (:mod:`.schema`), any order.
    confidence_filter, min_confidence, keep_unknown_confidence
        See :func:`apply_confidence_filter` (``keep_unknown``).
    method, tolerance_min
        See :func:`to_hourly`.

    Returns
    -------
    pandas.DataFrame
        Hourly table (UT), validated against the schema.
    """
    kept = apply_confidence_filter(
        table,
        confidence_filter=confidence_filter,
        min_confidence=min_confidence,
        keep_unknown=keep_unknown_confidence,
    )
    hourly = to_hourly(kept, method=method, tolerance_min=tolerance_min)
    validate_table(hourly)
    return hourly


def hourly_and_qc(
    paths: Sequence[str | os.PathLike],
    station: Station,
    *,
    confidence_filter: str,
    min_confidence: int,
    keep_unknown_confidence: bool,
    method: str,
    tolerance_min: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse a station's raw files, apply the confidence rule, reduce to hourly values.

    Parameters
    ----------
    paths : sequence of path-like
        The station's raw files (any order).
    station : Station
        Registry row.
    confidence_filter, min_confidence, keep_unknown_confidence
        See :func:`apply_confidence_filter` (``keep_unknown``).
    method, tolerance_min
        See :func:`to_hourly`.

    Returns
    -------
    hourly : pandas.DataFrame
        Hourly table (UT), validated against the schema. ``attrs["qc"]`` holds
        the parsers' QC counters summed over the files
        (:data:`~.schema.QC_DESCRIPTIONS`; stored in the Parquet metadata).
    qc : pandas.DataFrame
        :func:`qc_counts` per UT year (the values each rule of this step dropped).
    """
    parts = [raw_part(p, station) for p in paths]
    parser_qc = sum_qc(parts)
    table = table_from_parts(parts)  # dtypes converted once for all files
    kept = apply_confidence_filter(
        table,
        confidence_filter=confidence_filter,
        min_confidence=min_confidence,
        keep_unknown=keep_unknown_confidence,
    )
    hourly = to_hourly(kept, method=method, tolerance_min=tolerance_min)
    validate_table(hourly)
    hourly.attrs["qc"] = parser_qc
    if any(parser_qc.values()):
        logger.warning(
            "%s: raw-file QC: %s (details in the warnings above)",
            station.code,
            describe_qc(parser_qc),
        )
    qc = qc_counts(
        table,
        kept,
        hourly,
        station=station.code,
        confidence_filter=confidence_filter,
        min_confidence=min_confidence,
        keep_unknown=keep_unknown_confidence,
    )
    logger.info(
        "%s: %d records in %d files, %d with foEs; %d below confidence %d (%s: %d dropped), "
        "%d of unknown confidence (%d dropped); %d not used by the hourly reduction; "
        "%d hourly rows, %d with foEs",
        station.code,
        len(table),
        len(paths),
        int(qc["values"].sum()),
        int(qc["low_confidence_values"].sum()),
        min_confidence,
        confidence_filter,
        int(qc["dropped_low_confidence"].sum()),
        int(qc["unknown_confidence_values"].sum()),
        int(qc["dropped_unknown_confidence"].sum()),
        int(qc["dropped_hourly"].sum()),
        len(hourly),
        int(hourly["foEs_MHz"].notna().sum()),
    )
    return hourly, qc


def build_hourly(
    paths: Sequence[str | os.PathLike],
    station: Station,
    *,
    confidence_filter: str,
    min_confidence: int,
    keep_unknown_confidence: bool,
    method: str,
    tolerance_min: float,
) -> pd.DataFrame:
    """Parse a station's raw files, apply the confidence rule and reduce to hourly values.

    Parameters
    ----------
    paths : sequence of path-like
        The station's raw files (any order).
    station : Station
        Registry row.
    confidence_filter, min_confidence, keep_unknown_confidence
        See :func:`apply_confidence_filter` (``keep_unknown``).
    method, tolerance_min
        See :func:`to_hourly`.

    Returns
    -------
    pandas.DataFrame
        Hourly table (UT), validated against the schema, with the parsers' QC counters
        in ``attrs["qc"]`` (:func:`hourly_and_qc`).
    """
    return hourly_and_qc(
        paths,
        station,
        confidence_filter=confidence_filter,
        min_confidence=min_confidence,
        keep_unknown_confidence=keep_unknown_confidence,
        method=method,
        tolerance_min=tolerance_min,
    )[0]
