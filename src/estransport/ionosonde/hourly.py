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

from .didbase import read_didbase_table
from .sao import read_sao
from .saoxml import read_saoxml
from .schema import (
    CONFIDENCE_MANUAL,
    CONFIDENCE_UNKNOWN,
    describe_qc,
    make_table,
    sum_qc,
    validate_table,
)
from .stations import Station
from .ukssdc import read_iiwg, read_ukssdc_daily

logger = logging.getLogger(__name__)

#: What :func:`to_hourly` does with several records of one hour.
HOURLY_METHODS = ("nearest", "mean")


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
    fmt = station.format
    if fmt == "iiwg":
        return read_iiwg(path, station.code)
    if fmt == "ukssdc_daily":
        return read_ukssdc_daily(path, station.code, meridian_deg_e=station.meridian_deg)
    if fmt == "sao":
        return read_sao(path, station.code)
    if fmt == "saoxml":
        return read_saoxml(path, station.code)
    if fmt == "didbase":
        return read_didbase_table(path, station.code)
    raise ValueError(f"unknown ionosonde format {fmt!r}")


def filter_confidence(
    df: pd.DataFrame, min_confidence: int, *, keep_unknown: bool
) -> pd.DataFrame:
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
    min_confidence: int,
    keep_unknown_confidence: bool,
    method: str,
    tolerance_min: float,
) -> pd.DataFrame:
    """Confidence filter and hourly reduction of one station's soundings.

    Parameters
    ----------
    table : pandas.DataFrame
        The station's soundings (:mod:`.schema`), any order.
    min_confidence, keep_unknown_confidence
        See :func:`filter_confidence` (``keep_unknown``).
    method, tolerance_min
        See :func:`to_hourly`.

    Returns
    -------
    pandas.DataFrame
        Hourly table (UT), validated against the schema.
    """
    kept = filter_confidence(table, min_confidence, keep_unknown=keep_unknown_confidence)
    hourly = to_hourly(kept, method=method, tolerance_min=tolerance_min)
    validate_table(hourly)
    return hourly


def build_hourly(
    paths: Sequence[str | os.PathLike],
    station: Station,
    *,
    min_confidence: int,
    keep_unknown_confidence: bool,
    method: str,
    tolerance_min: float,
) -> pd.DataFrame:
    """Parse a station's raw files, filter by confidence and reduce to hourly values.

    Parameters
    ----------
    paths : sequence of path-like
        The station's raw files (any order).
    station : Station
        Registry row.
    min_confidence, keep_unknown_confidence
        See :func:`filter_confidence` (``keep_unknown``).
    method, tolerance_min
        See :func:`to_hourly`.

    Returns
    -------
    pandas.DataFrame
        Hourly table (UT), validated against the schema. ``attrs["qc"]`` holds
        the parsers' QC counters summed over the files
        (:data:`~.schema.QC_DESCRIPTIONS`; stored in the Parquet metadata).
    """
    tables = [read_raw(p, station) for p in paths]
    qc = sum_qc(tables)
    table = pd.concat(tables, ignore_index=True) if tables else make_table([])
    kept = filter_confidence(table, min_confidence, keep_unknown=keep_unknown_confidence)
    hourly = to_hourly(kept, method=method, tolerance_min=tolerance_min)
    validate_table(hourly)
    hourly.attrs["qc"] = qc
    if any(qc.values()):
        logger.warning("%s: raw-file QC: %s (details in the warnings above)", station.code,
                       describe_qc(qc))
    logger.info(
        "%s: %d records in %d files; %d dropped below confidence %d; %d hourly rows, "
        "%d with foEs", station.code, len(table), len(paths), len(table) - len(kept),
        min_confidence, len(hourly), int(hourly["foEs_MHz"].notna().sum()),
    )
    return hourly
