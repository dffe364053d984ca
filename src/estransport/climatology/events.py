"""Stream daily event tables (Parquet) one at a time, for the climatology gridders."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ..errors import InputFileError
from ..io.datasets import REMEDY

log = logging.getLogger(__name__)


def year_month(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar year and month (1-12) of datetime64 values.

    Parameters
    ----------
    times : numpy.ndarray of datetime64
        Event times (UTC).

    Returns
    -------
    year, month : numpy.ndarray of int
    """
    tm = times.astype("datetime64[M]")
    ty = tm.astype("datetime64[Y]")
    return ty.astype(int) + 1970, (tm - ty).astype(int) + 1


def iter_event_tables(paths: Iterable[str | os.PathLike], columns: Sequence[str], *,
                      progress_every: int = 100, label: str = "gridded") -> Iterator[dict[str, np.ndarray]]:
    """Yield the requested columns of each non-empty day table, plus ``year`` and ``month``.

    Only one table is in memory at a time, so gridding stays bounded by the grid.

    Parameters
    ----------
    paths : iterable of path-like
        Daily event tables; ``columns`` must include ``time``.
    columns : sequence of str
        Columns to read.
    progress_every : int
        Log progress every this many files.
    label : str
        Verb for the progress message.

    Yields
    ------
    dict of str to numpy.ndarray
        One entry per column, and ``year``, ``month`` (int arrays).

    Raises
    ------
    estransport.errors.InputFileError
        If a table is missing, empty, truncated or lacks a column, naming it.
    """
    import pyarrow.parquet as pq

    paths = list(paths)
    t0 = time.perf_counter()
    n_events = 0
    for k, path in enumerate(paths, 1):
        try:
            table = pq.read_table(path, columns=list(columns))
        except (OSError, ValueError) as err:  # pyarrow.ArrowInvalid derives from ValueError
            raise InputFileError(
                path, f"not a readable event table (truncated or corrupt?): {REMEDY} [{err}]"
            ) from err
        if table.num_rows:
            arrays = {c: table.column(c).to_numpy() for c in columns}
            arrays["year"], arrays["month"] = year_month(arrays["time"])
            n_events += table.num_rows
            yield arrays
        if k % progress_every == 0 or k == len(paths):
            log.info("%s %d/%d day tables, %d events, %.1f s", label, k, len(paths), n_events,
                     time.perf_counter() - t0)


#: Events gathered before one add to a grid (:func:`iter_event_batches`): the cost of an add
#: is one pass over the grid's cells, so adding per batch instead of per day file makes
#: gridding grow with events, not days x cells; 2 million events of 6 columns are about
#: 100 MB, which bounds the memory whatever the period.
EVENTS_PER_ADD = 2_000_000


def iter_event_batches(paths: Iterable[str | os.PathLike], columns: Sequence[str], *,
                       events_per_add: int = EVENTS_PER_ADD, progress_every: int = 100,
                       label: str = "gridded") -> Iterator[dict[str, np.ndarray]]:
    """:func:`iter_event_tables`, with the days' arrays joined into batches of events.

    Parameters
    ----------
    paths, columns, progress_every, label
        As :func:`iter_event_tables`.
    events_per_add : int
        A batch is yielded once it holds at least this many events (the last may be smaller).

    Yields
    ------
    dict of str to numpy.ndarray
        As :func:`iter_event_tables`, the arrays of consecutive days concatenated in
        day order (so a grid adds the same events in the same order).
    """
    pending: list[dict[str, np.ndarray]] = []
    n = 0
    for arrays in iter_event_tables(paths, columns, progress_every=progress_every, label=label):
        pending.append(arrays)
        n += len(arrays["year"])
        if n >= events_per_add:
            yield _join(pending)
            pending, n = [], 0
    if pending:
        yield _join(pending)


def _join(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    if len(parts) == 1:
        return parts[0]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
