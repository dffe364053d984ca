"""Stream daily event tables (Parquet), many files per pyarrow dataset call, for the climatology gridders."""

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


#: Day tables read by one pyarrow dataset call (:func:`_iter_day_tables`): one call per
#: file costs about 1-4 ms of Python and footer parsing a file (tools/benchmark_throughput.py,
#: "event storage"), a dataset call over many about a third of that; 256 days of
#: 1,500-2,500 events are at most about 30 MB of columns, which bounds the memory.
FILES_PER_READ = 256


def _read_one(path: str | os.PathLike, columns: Sequence[str]):
    """One day table's columns, or InputFileError naming it."""
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path, columns=list(columns))
    except (OSError, ValueError) as err:  # pyarrow.ArrowInvalid derives from ValueError
        raise InputFileError(
            path, f"not a readable event table (truncated or corrupt?): {REMEDY} [{err}]"
        ) from err


def _iter_day_tables(paths: Sequence[str | os.PathLike], columns: Sequence[str]):
    """Yield ``(table, rows per day)`` for consecutive groups of day tables, in path order.

    Each group is read by one :func:`pyarrow.dataset.dataset` call (rows in file
    order); its per-file row counts come from the footers the dataset has read.
    If the call fails, the group is read file by file, so that the error names
    the file (:class:`~estransport.errors.InputFileError`).
    """
    import pyarrow as pa
    import pyarrow.dataset as pads

    size = FILES_PER_READ  # read at call time (the tests make it small)
    for start in range(0, len(paths), size):
        group = [os.fspath(p) for p in paths[start : start + size]]
        try:
            dataset = pads.dataset(group, format="parquet")
            table = dataset.to_table(columns=list(columns))
            fragments = list(dataset.get_fragments())
            # A dataset fills a column a file lacks with nulls: that file is an error here.
            complete = all(set(columns) <= set(f.physical_schema.names) for f in fragments)
            counts = [f.metadata.num_rows for f in fragments]
        except (OSError, ValueError):  # ArrowInvalid is a ValueError
            complete = False
        if not complete:  # file by file, so that the error names the file
            tables = [_read_one(p, columns) for p in group]
            table, counts = pa.concat_tables(tables), [t.num_rows for t in tables]
        yield table, counts


def _arrays(table, columns: Sequence[str]) -> dict[str, np.ndarray]:
    arrays = {c: table.column(c).to_numpy() for c in columns}
    arrays["year"], arrays["month"] = year_month(arrays["time"])
    return arrays


def iter_event_tables(
    paths: Iterable[str | os.PathLike],
    columns: Sequence[str],
    *,
    progress_every: int = 100,
    label: str = "gridded",
) -> Iterator[dict[str, np.ndarray]]:
    """Yield the requested columns of each non-empty day table, plus ``year`` and ``month``.

    The tables are read :data:`FILES_PER_READ` at a time, so memory stays bounded by
    a group of days, whatever the period.

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
    for table, _ in _iter_days(paths, columns, progress_every=progress_every, label=label):
        yield _arrays(table, columns)


def _iter_days(paths, columns, *, progress_every: int, label: str):
    """``(table, rows)`` of each non-empty day table (zero-copy slices), logging progress."""
    paths = list(paths)
    t0 = time.perf_counter()
    n_events = k = 0
    for table, counts in _iter_day_tables(paths, columns):
        offset = 0
        for rows in counts:
            k += 1
            if rows:
                n_events += rows
                yield table.slice(offset, rows), rows
            offset += rows
            if k % progress_every == 0 or k == len(paths):
                log.info(
                    "%s %d/%d day tables, %d events, %.1f s",
                    label,
                    k,
                    len(paths),
                    n_events,
                    time.perf_counter() - t0,
                )


#: Events gathered before one add to a grid (:func:`iter_event_batches`): the cost of an add
#: is one pass over the grid's cells, so adding per batch instead of per day file makes
#: gridding grow with events, not days x cells; 2 million events of 6 columns are about
#: 100 MB, which bounds the memory whatever the period.
EVENTS_PER_ADD = 2_000_000


def iter_event_batches(
    paths: Iterable[str | os.PathLike],
    columns: Sequence[str],
    *,
    events_per_add: int = EVENTS_PER_ADD,
    progress_every: int = 100,
    label: str = "gridded",
) -> Iterator[dict[str, np.ndarray]]:
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
        day order (so a grid adds the same events in the same order, in the same
        batches, however the files are read).
    """
    import pyarrow as pa

    pending = []
    n = 0
    for table, rows in _iter_days(paths, columns, progress_every=progress_every, label=label):
        pending.append(table)
        n += rows
        if n >= events_per_add:
            yield _arrays(pa.concat_tables(pending), columns)
            pending, n = [], 0
    if pending:
        yield _arrays(pa.concat_tables(pending), columns)
