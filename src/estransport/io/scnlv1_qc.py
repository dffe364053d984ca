"""Quality control of COSMIC scnLv1 event tables: reasons, ranges and counts.

Every scnLv1 member of a day tarball ends under exactly one reason of
:data:`QC_REASONS`: the reader (:func:`estransport.io.scnlv1.read_day_tarball`)
sets aside the members it cannot turn into an event (``empty_member``,
``corrupt_member``); :func:`apply_qc` tests the rest in order (docs/science.md §2;
docs/formats.md §1.3); :func:`qc_table` writes the day's counts and
:func:`summarise_qc` adds the days up.

This module reads no configuration: the ranges come in as explicit keyword
arguments (the workflow step unpacks ``cosmic.qc``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputFileError

if TYPE_CHECKING:  # imported where used: the batch ingest runs without pandas
    import pandas as pd

__all__ = ["FILL_VALUE", "QC_REASONS", "apply_qc", "qc_table", "summarise_qc"]

#: CDAAC fill value for missing/invalid attributes (docs/formats.md §1.3).
FILL_VALUE = -999.0

#: Order of the per-day QC table rows; every member lands in exactly one of them.
QC_REASONS = (
    "empty_member",
    "corrupt_member",
    "fill_value",
    "position_out_of_range",
    "s4max_out_of_range",
    "altitude_out_of_range",
    "kept",
)

#: Event columns whose -999 fill (or a non-finite value) rejects an arc.
FILL_CHECK_COLUMNS = ("s4max", "alttp_s4max", "lattp_s4max", "lontp_s4max", "lcttp_s4max")


def apply_qc(
    events: pd.DataFrame,
    *,
    altitude_km: tuple[float, float],
    s4max_range: tuple[float, float],
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Keep the arcs whose S4max is an Es-height, non-fill, plausible value.

    Each arc is tested against the reasons in order and counted once, under
    the first reason it fails (docs/science.md §2; docs/formats.md §1.3):

    1. ``fill_value``: any of ``s4max``, ``alttp_s4max``, ``lattp_s4max``,
       ``lontp_s4max``, ``lcttp_s4max`` is -999 or not finite;
    2. ``position_out_of_range``: an impossible tangent point, ``|lattp_s4max| > 90``
       degrees or ``lcttp_s4max`` outside 0-24 h (a corrupt value that gridding
       would otherwise clip into the polar row; longitudes are wrapped on reading);
    3. ``s4max_out_of_range``: ``s4max`` outside ``s4max_range`` (inclusive);
    4. ``altitude_out_of_range``: ``alttp_s4max`` outside ``altitude_km``
       (inclusive; the Es heights).

    Parameters
    ----------
    events : pandas.DataFrame
        Event table from :func:`estransport.io.scnlv1.read_day_tarball`.
    altitude_km : (float, float)
        Inclusive tangent-point altitude range of Es, km (``cosmic.qc.altitude_km``).
    s4max_range : (float, float)
        Inclusive plausible S4max range, dimensionless (``cosmic.qc.s4max``).

    Returns
    -------
    kept : pandas.DataFrame
        The arcs that pass, index reset, ``attrs`` copied from ``events``.
    qc_counts : dict of str to int
        Rejected arcs per reason (all four keys present).

    Raises
    ------
    ValueError
        If a range is empty (min above max).
    """
    keep, counts = qc_mask(
        {name: events[name].to_numpy(dtype=np.float64) for name in FILL_CHECK_COLUMNS},
        altitude_km=altitude_km,
        s4max_range=s4max_range,
    )
    kept = events.loc[keep].reset_index(drop=True)
    kept.attrs = dict(events.attrs)
    return kept, counts


def qc_mask(
    columns: Mapping[str, np.ndarray],
    *,
    altitude_km: tuple[float, float],
    s4max_range: tuple[float, float],
) -> tuple[np.ndarray, dict[str, int]]:
    """The tests of :func:`apply_qc` on plain arrays: which arcs pass, and the rejected counts.

    Parameters
    ----------
    columns : mapping of str to numpy.ndarray
        The :data:`FILL_CHECK_COLUMNS` (float64, one value per arc).
    altitude_km, s4max_range : (float, float)
        As :func:`apply_qc`.

    Returns
    -------
    keep : numpy.ndarray of bool
        True for the arcs that pass.
    qc_counts : dict of str to int
        Rejected arcs per reason, as :func:`apply_qc`.

    Raises
    ------
    ValueError
        If a range is empty (min above max).
    """
    if altitude_km[0] > altitude_km[1] or s4max_range[0] > s4max_range[1]:
        raise ValueError(f"empty QC range: altitude_km={altitude_km}, s4max_range={s4max_range}")
    vals = np.column_stack([columns[name] for name in FILL_CHECK_COLUMNS]).astype(np.float64)
    fill = ((vals == FILL_VALUE) | ~np.isfinite(vals)).any(axis=1)
    s4, alt, lat, _, lct = vals.T
    with np.errstate(invalid="ignore"):
        bad_pos = ~fill & ((np.abs(lat) > 90.0) | (lct < 0.0) | (lct > 24.0))
        bad_s4 = ~fill & ~bad_pos & ((s4 < s4max_range[0]) | (s4 > s4max_range[1]))
        bad_alt = ~fill & ~bad_pos & ~bad_s4 & ((alt < altitude_km[0]) | (alt > altitude_km[1]))
    keep = ~(fill | bad_pos | bad_s4 | bad_alt)
    counts = {
        "fill_value": int(fill.sum()),
        "position_out_of_range": int(bad_pos.sum()),
        "s4max_out_of_range": int(bad_s4.sum()),
        "altitude_out_of_range": int(bad_alt.sum()),
    }
    return keep, counts


def qc_table(
    day_label: str,
    n_members: int,
    problems: Sequence[Mapping[str, str]],
    qc_counts: Mapping[str, int],
    n_kept: int,
) -> pd.DataFrame:
    """The per-day QC table: how many members ended under each reason.

    Parameters
    ----------
    day_label : str
        Day, e.g. ``"2007-002"`` (year-day of year).
    n_members : int
        scnLv1 members in the tarball, problem ones included.
    problems : sequence of dict
        From :func:`estransport.io.scnlv1.read_day_tarball` (their ``reason`` is counted).
    qc_counts : mapping of str to int
        From :func:`apply_qc`.
    n_kept : int
        Arcs that passed QC.

    Returns
    -------
    pandas.DataFrame
        Columns ``day``, ``reason``, ``count``; rows ``total_members`` then
        :data:`QC_REASONS` in order. The reason rows sum to ``total_members``.

    Raises
    ------
    ValueError
        If the counts do not add up (a bug, not a data problem).
    """
    import pandas as pd

    reasons, counts = qc_rows(n_members, problems, qc_counts, n_kept)
    return pd.DataFrame(
        {
            "day": [day_label] * len(reasons),
            "reason": reasons,
            "count": np.array(counts, dtype=np.int64),
        }
    )


def qc_rows(
    n_members: int,
    problems: Sequence[Mapping[str, str]],
    qc_counts: Mapping[str, int],
    n_kept: int,
) -> tuple[list[str], list[int]]:
    """The ``reason`` and ``count`` columns of :func:`qc_table` (same arguments, no day)."""
    counts = dict.fromkeys(QC_REASONS, 0)
    for prob in problems:
        counts[prob["reason"]] += 1
    for reason, count in qc_counts.items():
        counts[reason] += int(count)
    counts["kept"] = int(n_kept)
    if sum(counts.values()) != n_members:
        raise ValueError(f"QC counts {counts} do not add up to {n_members} members")
    return ["total_members", *QC_REASONS], [int(n_members), *counts.values()]


#: QC-table row of a day whose tarball could not be read (:func:`failed_day_table`).
DAY_FAILED = "day_failed"


def failed_day_table(day_label: str) -> pd.DataFrame:
    """The QC table of a day whose tarball could not be read at all.

    Zero members under every reason, plus one ``day_failed`` row (count 1), so
    that :func:`summarise_qc` reports it (``days_failed``) apart from a day
    without data.

    Parameters
    ----------
    day_label : str
        Day, e.g. ``"2007-002"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``day``, ``reason``, ``count``.
    """
    import pandas as pd

    reasons, counts = failed_day_rows()
    return pd.DataFrame(
        {
            "day": [day_label] * len(reasons),
            "reason": reasons,
            "count": np.array(counts, dtype=np.int64),
        }
    )


def failed_day_rows() -> tuple[list[str], list[int]]:
    """The ``reason`` and ``count`` columns of :func:`failed_day_table`."""
    reasons = ["total_members", *QC_REASONS, DAY_FAILED]
    return reasons, [0] * (len(reasons) - 1) + [1]


def summarise_qc(paths: Iterable[str | os.PathLike]) -> pd.DataFrame:
    """Sum per-day QC tables into one table for the whole period.

    Parameters
    ----------
    paths : iterable of path-like
        Per-day QC CSV files written by :func:`estransport.io.scnlv1.ingest_day`.

    Returns
    -------
    pandas.DataFrame
        Columns ``reason`` and ``count``: first ``days`` (number of day files)
        and ``days_without_data`` (days whose tarball had no members), then
        ``total_members`` and each of :data:`QC_REASONS`, summed over days.
        When any day could not be read (:func:`failed_day_table`), a last row
        ``days_failed`` counts them (those days are also in ``days_without_data``);
        without failures the table is as before, row for row.

    Raises
    ------
    estransport.errors.InputFileError
        If a file cannot be read, lacks the ``reason``/``count`` columns, or
        holds an unknown reason or a negative or non-integer count.
    """
    import pandas as pd

    reasons = ["total_members", *QC_REASONS]
    totals = dict.fromkeys(reasons, 0)
    days = empty_days = failed_days = 0
    for path in paths:
        try:
            table = pd.read_csv(path)
        except (OSError, ValueError) as err:
            raise InputFileError(path, f"cannot read QC table: {err}") from None
        missing = {"reason", "count"} - set(table.columns)
        if missing:
            raise InputFileError(path, f"QC table lacks column(s) {sorted(missing)}")
        unknown = set(table["reason"]) - set(reasons) - {DAY_FAILED}
        if unknown:
            raise InputFileError(path, f"QC table has unknown reason(s) {sorted(unknown)}")
        counts = pd.to_numeric(table["count"], errors="coerce").to_numpy(dtype=np.float64)
        if not (np.isfinite(counts) & (counts >= 0) & (counts == np.round(counts))).all():
            raise InputFileError(path, "QC table has a missing, negative or non-integer count")
        day_counts = dict(zip(table["reason"], counts, strict=True))
        failed_days += int(day_counts.pop(DAY_FAILED, 0) > 0)
        for reason, count in day_counts.items():
            totals[reason] += int(count)
        days += 1
        # A day tarball with no members: a gap in the archive (cosmic.cdaac.missing_day: empty).
        if day_counts.get("total_members", 0) == 0:
            empty_days += 1
    rows = ["days", "days_without_data", *reasons]
    values = [days, empty_days, *totals.values()]
    if failed_days:
        rows.append("days_failed")
        values.append(failed_days)
    return pd.DataFrame({"reason": rows, "count": np.array(values, dtype=np.int64)})
