"""CDAAC specifics for COSMIC-1 ``scnLv1`` day tarballs (docs/formats.md §1.1).

One tarball per processing stream and day of year holds all of that day's
scintillation arcs. The reprocessed ``repro2013`` stream is preferred and
``postProc`` is the fallback for days that ``repro2013`` does not cover, as in
pysatCDAAC. The same layout (``{YYYY}/{DDD}/scnLv1_{stream}_{YYYY}_{DDD}.tar.gz``)
is expected of a local archive (config ``cosmic.source: local``).
"""

from __future__ import annotations

import calendar
import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from estransport.errors import ConfigError, DownloadError
from estransport.io.atomic import atomic_path
from estransport.io.download import download_batch, download_first_found, is_gzip_tar

logger = logging.getLogger(__name__)

SCNLV1_URL_TEMPLATE = (
    "{base_url}/{stream}/level1b/{year:04d}/{doy:03d}/scnLv1_{stream}_{year:04d}_{doy:03d}.tar.gz"
)
"""URL of one ``scnLv1`` day tarball on the CDAAC server.

Fields: ``base_url`` (the COSMIC-1 root, e.g.
``https://data.cosmic.ucar.edu/gnss-ro/cosmic1``, no trailing slash), ``stream``
(``repro2013`` or ``postProc``), ``year`` (4 digits) and ``doy`` (day of year,
zero-padded to 3 digits). Verified against docs/formats.md §1.1 [V] [S1], which
follows pysatCDAAC's download code, and the third-party downloads of Tian et al.
[V3] [S5] that use the same ``{prefix}_{year}_{doy}.tar.gz`` pattern.
"""

_LOCAL_NAME = "scnLv1_{stream}_{year:04d}_{doy:03d}.tar.gz"


def days_of_period(years: Sequence[int], *, day_step: int) -> list[tuple[int, int]]:
    """The days of a COSMIC period, one day tarball each: every ``day_step``-th day of each year.

    Parameters
    ----------
    years : sequence of int
        Calendar years (``cosmic.years``).
    day_step : int
        Use day of year 1, 1 + day_step, ... of every year (``cosmic.day_step``;
        1 = every day, as the paper).

    Returns
    -------
    list of (int, int)
        ``(year, doy)`` pairs in order; 366 days in leap years.
    """
    if day_step < 1:
        raise ValueError(f"day_step must be at least 1, got {day_step}")
    out = []
    for year in years:
        ndays = 366 if calendar.isleap(year) else 365
        out.extend((year, doy) for doy in range(1, ndays + 1, day_step))
    return out


def _check_day(year: int, doy: int) -> None:
    if not 1 <= doy <= 366:
        raise ValueError(f"day of year must be 1-366, got {doy} (year {year})")


def _check_streams(streams: Sequence[str]) -> None:
    if isinstance(streams, str) or not streams:
        raise ConfigError("cosmic.cdaac.streams", f"must be a non-empty list, got {streams!r}")


def scnlv1_day_urls(year: int, doy: int, base_url: str, streams: Sequence[str]) -> list[str]:
    """URLs of one day's ``scnLv1`` tarball, one per stream, in the order given.

    Parameters
    ----------
    year : int
        Calendar year, e.g. 2008.
    doy : int
        Day of year, 1-366.
    base_url : str
        Root of the COSMIC-1 tree (``cosmic.cdaac.base_url``); a trailing
        slash is ignored.
    streams : sequence of str
        Processing streams in order of preference (``cosmic.cdaac.streams``).

    Returns
    -------
    list of str
        One URL per stream, built from :data:`SCNLV1_URL_TEMPLATE`.
    """
    _check_day(year, doy)
    _check_streams(streams)
    base = base_url.rstrip("/")
    return [
        SCNLV1_URL_TEMPLATE.format(base_url=base, stream=s, year=year, doy=doy) for s in streams
    ]


def download_scnlv1_day(
    year: int,
    doy: int,
    dest: str | os.PathLike,
    *,
    base_url: str,
    streams: Sequence[str],
    retries: int,
    backoff_s: float,
    timeout_s: float,
    missing_day: str,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Download one day's ``scnLv1`` tarball, trying each stream in turn.

    A stream is skipped only when the server says the file does not exist
    (HTTP 404/410). Any other failure (server errors that outlast the retries,
    a login page, a corrupt tarball) is raised at once, so that a flaky
    ``repro2013`` never silently turns into a ``postProc`` day.

    Parameters
    ----------
    year : int
        Calendar year.
    doy : int
        Day of year, 1-366.
    dest : str or os.PathLike
        Destination file; written atomically and only if the tarball is a
        complete gzip tar (:func:`~estransport.io.download.is_gzip_tar`).
    base_url : str
        Root of the COSMIC-1 tree on the server (``cosmic.cdaac.base_url``).
    streams : sequence of str
        Streams in order of preference, e.g. ``["repro2013", "postProc"]``.
    retries : int
        Extra attempts per URL after a transient failure.
    backoff_s : float
        First retry delay in seconds; doubles on every retry.
    timeout_s : float
        Socket timeout per connect/read, in seconds.
    missing_day : {"error", "empty"}
        What to do when every stream answers 404/410 (CDAAC has no file for
        some days). ``"error"`` raises; ``"empty"`` writes a valid gzip tar
        with no members at ``dest``, logs a warning, and lets ingest record the
        day with zero members (counted as ``days_without_data`` in the QC
        summary), so a multi-year run is not stopped by the archive's gaps.
    sleep : callable, default time.sleep
        Called with each backoff delay in seconds; injectable for tests.

    Returns
    -------
    str or None
        The URL that was downloaded (records which stream the day came from),
        or None when an empty day was written for a missing day.

    Raises
    ------
    estransport.errors.DownloadError
        If every stream answered 404/410 (the message names the day and every
        URL tried), or on any non-fallback failure.
    """
    urls = scnlv1_day_urls(year, doy, base_url, streams)
    return download_first_stream(
        list(zip(streams, urls, strict=True)),
        dest,
        day=f"{year:04d}-{doy:03d}",
        what=f"COSMIC scnLv1 day {year:04d}-{doy:03d}",
        missing_day=missing_day,
        key="cosmic",
        retries=retries,
        backoff_s=backoff_s,
        timeout_s=timeout_s,
        sleep=sleep,
    )


def download_first_stream(
    stream_urls: Sequence[tuple[str, str]],
    dest: str | os.PathLike,
    *,
    day: str,
    what: str,
    missing_day: str,
    key: str,
    retries: int,
    backoff_s: float,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Download one day's tarball from the first stream that has it (every CDAAC mission).

    A stream is skipped only when the server says the file does not exist
    (HTTP 404/410); every other failure is raised at once, so that a flaky
    preferred stream never silently becomes another stream's day. The file is
    streamed to a temporary name, checked (length, whole gzip stream and every
    tar header: :func:`estransport.io.download.is_gzip_tar`) and only then
    renamed onto ``dest``.

    Parameters
    ----------
    stream_urls : sequence of (str, str)
        ``(stream, url)`` in order of preference.
    dest : str or os.PathLike
        Destination file.
    day : str
        The day, ``YYYY-DDD``, for messages.
    what : str
        The item for messages, e.g. ``"COSMIC scnLv1 day 2008-100"``.
    missing_day : {"error", "empty"}
        A day no stream has: raise, or write a valid member-less tarball
        (:func:`write_empty_day`; the ingest counts it under ``days_without_data``).
    key : str
        Configuration section named in messages (``cosmic`` or ``cosmic.missions.<name>``).
    retries : int
        Extra attempts per URL after a transient failure.
    backoff_s : float
        First retry delay in seconds; doubles on every retry.
    timeout_s : float
        Socket timeout per connect/read, in seconds.
    sleep : callable, default time.sleep
        Backoff sleep in seconds (injectable for tests).

    Returns
    -------
    str or None
        The URL downloaded, or None when an empty day was written.

    Raises
    ------
    estransport.errors.ConfigError
        ``missing_day`` is neither ``"error"`` nor ``"empty"``.
    estransport.errors.DownloadError
        Every stream answered 404/410 (with ``missing_day: error``; the message
        lists the URLs tried), or any non-fallback failure.
    """
    if missing_day not in ("error", "empty"):
        raise ConfigError(
            f"{key}.cdaac.missing_day", f"must be 'error' or 'empty', got {missing_day!r}"
        )
    url, missing = download_first_found(
        list(stream_urls),
        dest,
        what=what,
        validate=is_gzip_tar,
        retries=retries,
        backoff_s=backoff_s,
        timeout_s=timeout_s,
        sleep=sleep,
    )
    if url is not None:
        stream = next(label for label, candidate in stream_urls if candidate == url)
        logger.info("%s taken from stream %s", what, stream)
        return url
    tried = "\n".join(f"  - {m}" for m in missing)
    if missing_day == "empty":
        write_empty_day(dest)
        logger.warning(
            "%s is in no stream; wrote an empty day tarball %s (%s.cdaac.missing_day = empty). "
            "Tried:\n%s",
            what,
            dest,
            key,
            tried,
        )
        return None
    raise DownloadError(
        stream_urls[-1][1],
        f"day {day} not found on the server in any stream; tried:\n{tried}\n"
        "CDAAC has no file for some days; check the day, remove it from the run, or set "
        f"{key}.cdaac.missing_day: empty to record it as a day without data.",
        what=what,
    )


def download_scnlv1_days(
    days: Sequence[tuple[int, int]],
    dests: Sequence[str | os.PathLike],
    *,
    base_url: str,
    streams: Sequence[str],
    retries: int,
    backoff_s: float,
    timeout_s: float,
    missing_day: str,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str | None]:
    """Download a batch of days (one Snakemake job), each as :func:`download_scnlv1_day` does.

    A day that fails does not stop the others; a rerun after a failed batch
    fetches only the days that were not finished
    (:func:`estransport.io.download.download_batch`).

    Parameters
    ----------
    days : sequence of (int, int)
        (year, day of year) of each day.
    dests : sequence of str or os.PathLike
        Destination tarball of each day, in the same order.
    base_url, streams, retries, backoff_s, timeout_s, missing_day, sleep
        As for :func:`download_scnlv1_day` (seconds for the times).

    Returns
    -------
    list of str or None
        Per day: the URL downloaded, None for an empty day written for a missing
        day, or ``"kept"`` for a day restored from an earlier attempt.

    Raises
    ------
    estransport.errors.DownloadError
        After every day was tried, if any failed; the message lists each day's
        failure (with the URLs tried).
    """
    if len(days) != len(dests):
        raise ValueError(f"{len(days)} days but {len(dests)} destinations")

    def fetch(i: int, dest: Path) -> str | None:
        year, doy = days[i]
        return download_scnlv1_day(
            year,
            doy,
            dest,
            base_url=base_url,
            streams=streams,
            retries=retries,
            backoff_s=backoff_s,
            timeout_s=timeout_s,
            missing_day=missing_day,
            sleep=sleep,
        )

    (y0, d0), (y1, d1) = days[0], days[-1]
    return download_batch(
        list(dests), fetch, what=f"COSMIC scnLv1 days {y0:04d}-{d0:03d} to {y1:04d}-{d1:03d}"
    )


def write_empty_day(dest: str | os.PathLike) -> None:
    """Write a valid, member-less gzip tar atomically (a day with no data at the source).

    Parameters
    ----------
    dest : str or os.PathLike
        Destination ``.tar.gz``.
    """
    import gzip
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w"):
        pass
    with atomic_path(dest) as tmp:
        tmp.write_bytes(gzip.compress(raw.getvalue(), mtime=0))


def local_archive_candidates(
    root: str | os.PathLike | None, year: int, doy: int, streams: Sequence[str]
) -> list[str]:
    """The paths where a local archive with the CDAAC layout may hold one day, one per stream.

    The layout is ``{root}/{YYYY}/{DDD}/scnLv1_{stream}_{YYYY}_{DDD}.tar.gz``.

    Parameters
    ----------
    root : str or os.PathLike
        Archive root (``cosmic.local_archive``).
    year : int
        Calendar year.
    doy : int
        Day of year, 1-366.
    streams : sequence of str
        Streams in order of preference (``cosmic.cdaac.streams``).

    Returns
    -------
    list of str
        One path per stream, in the order of ``streams``.

    Raises
    ------
    estransport.errors.ConfigError
        If ``root`` is unset or ``streams`` is empty.
    """
    if root is None or os.fspath(root) == "":
        raise ConfigError("cosmic.local_archive", "must be set when cosmic.source is 'local'")
    _check_day(year, doy)
    _check_streams(streams)
    day_dir = os.path.join(os.fspath(root), f"{year:04d}", f"{doy:03d}")
    return [
        os.path.join(day_dir, _LOCAL_NAME.format(stream=s, year=year, doy=doy)) for s in streams
    ]


def local_archive_path(
    root: str | os.PathLike | None, year: int, doy: int, streams: Sequence[str]
) -> str:
    """Path of one day's tarball in a local archive with the CDAAC layout.

    The first stream whose file exists wins (:func:`local_archive_candidates`);
    if none exists, the first stream's path is returned. At most one
    :func:`os.path.exists` call per stream; nothing is read.

    Parameters
    ----------
    root, year, doy, streams
        As :func:`local_archive_candidates`.

    Returns
    -------
    str
        Path of the tarball to read.

    Raises
    ------
    estransport.errors.ConfigError
        If ``root`` is unset or ``streams`` is empty.
    """
    candidates = local_archive_candidates(root, year, doy, streams)
    for path in candidates:
        if os.path.exists(path):
            return path
    return candidates[0]


def scan_local_archive(
    root: str | os.PathLike | None, days: Sequence[tuple[int, int]], streams: Sequence[str]
) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], list[str]]]:
    """Which days of a period a local archive holds, and where the others were looked for.

    Called once while the workflow's DAG is built, so that every missing day
    is known before any job runs: at most one :func:`os.path.exists` call per
    day and stream (about 2,200 days for 2006-2011), nothing is read.

    Parameters
    ----------
    root : str or os.PathLike
        Archive root (``cosmic.local_archive``).
    days : sequence of (int, int)
        ``(year, doy)`` pairs of the period (:func:`days_of_period`).
    streams : sequence of str
        Streams in order of preference (``cosmic.cdaac.streams``).

    Returns
    -------
    found : dict of (int, int) to str
        The tarball of each day the archive holds (first stream found).
    missing : dict of (int, int) to list of str
        For each day it does not hold, the paths looked for (one per stream).
    """
    found: dict[tuple[int, int], str] = {}
    missing: dict[tuple[int, int], list[str]] = {}
    for year, doy in days:
        candidates = local_archive_candidates(root, year, doy, streams)
        path = next((p for p in candidates if os.path.exists(p)), None)
        if path is None:
            missing[(year, doy)] = candidates
        else:
            found[(year, doy)] = path
    return found, missing
