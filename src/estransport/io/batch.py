"""Several days in one process: a per-day ingest run over a batch, failed days recorded.

Shared by the COSMIC-1 batch (:func:`estransport.io.scnlv1.ingest_days`) and the
current missions' batch (:func:`estransport.io.scnlv2.ingest_scint_days`), so that
both go on past a day they cannot read and record it the same way (issue 12). It
imports nothing heavy: a COSMIC-1 ingest job stays without pandas.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence

from ..errors import InputFileError

log = logging.getLogger(__name__)

#: ``ingest_one(tarball, events_path, qc_path)``: one day, QC ranges and the like bound.
IngestOne = Callable[[str | os.PathLike, str | os.PathLike, str | os.PathLike], object]
#: ``record_failed(tarball, events_path, qc_path, error) -> label``: a failed day's tables.
RecordFailed = Callable[[str | os.PathLike, str | os.PathLike, str | os.PathLike, Exception], str]


def ingest_batch(
    tarballs: Sequence[str | os.PathLike],
    events_paths: Sequence[str | os.PathLike],
    qc_paths: Sequence[str | os.PathLike],
    ingest_one: IngestOne,
    record_failed: RecordFailed,
) -> list[str]:
    """Run ``ingest_one`` for every day of a batch; a day that fails is recorded, the others go on.

    Each day's outputs are those of ``ingest_one`` alone (it writes them atomically,
    as soon as the day is done), so a batch killed midway leaves whole days only.
    A day whose tarball cannot be read (:class:`~estransport.errors.InputFileError`
    or :class:`OSError`: missing, truncated, not gzip, a bad member with ``strict``)
    does not stop the others: ``record_failed`` writes its event table empty and its
    QC table with zero members plus one ``day_failed`` row
    (:func:`~estransport.io.scnlv1_qc.failed_day_rows`), which
    :func:`~estransport.io.scnlv1_qc.summarise_qc` counts as ``days_failed``.

    Parameters
    ----------
    tarballs, events_paths, qc_paths : sequence of path-like
        One entry per day, in the same order.
    ingest_one : callable
        The per-day ingest of the reader.
    record_failed : callable
        Writes a failed day's tables in the reader's schema; returns its ``YYYY-DDD`` label.

    Returns
    -------
    list of str
        The failed days' labels (``YYYY-DDD``), empty when every day was read.

    Raises
    ------
    ValueError
        If the lists differ in length; nothing is written.
    """
    if not (len(tarballs) == len(events_paths) == len(qc_paths)):
        raise ValueError("one events path and one QC path per tarball")
    failed = []
    for tarball, events_path, qc_path in zip(tarballs, events_paths, qc_paths, strict=True):
        try:
            ingest_one(tarball, events_path, qc_path)
        except (InputFileError, OSError) as err:
            # One unreadable day must not cost the batch's other days; it is recorded.
            label = record_failed(tarball, events_path, qc_path, err)
            log.error("day %s failed, recorded as day_failed in its QC table: %s", label, err)
            failed.append(label)
    return failed
