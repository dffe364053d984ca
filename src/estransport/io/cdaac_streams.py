"""CDAAC layout of the current missions' day tarballs: COSMIC-2 and Spire (docs/formats.md §2.1).

CDAAC publishes, per mission, processing stream, product level and day, one
``.tar.gz`` per product::

    {base_url}/{stream}/{level}/{YYYY}/{DDD}/{product}_{tag}_{YYYY}_{DDD}.tar.gz

with ``base_url`` the mission's root (``.../gnss-ro/cosmic2``,
``.../gnss-ro/spire/noaa``) and ``tag`` the stream's short name in file names
(``provisional/spaceWeather`` -> ``prov1``). A day missing from one stream
(HTTP 404/410) is tried in the next; any other failure stops, as for COSMIC-1
(:func:`estransport.io.cdaac.download_scnlv1_day`, whose verified, atomic,
resumable download this module reuses). A local archive in the same day layout
is read in place.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence

from ..errors import ConfigError
from .cdaac import download_first_stream

__all__ = [
    "PRODUCT_LEVELS",
    "STREAM_TAGS",
    "DAY_URL_TEMPLATE",
    "day_file_name",
    "day_urls",
    "download_day",
    "local_day_path",
]

log = logging.getLogger(__name__)

DAY_URL_TEMPLATE = "{base_url}/{stream}/{level}/{year:04d}/{doy:03d}/{name}"
"""URL of one day tarball: COSMIC-2 ``podTc2`` and ``ionPrf`` URLs of this form are
verified [V] [S15] [V3] [S9]; the ``scnLv2`` instance under ``rapid/level2`` is
[V3] [S9] (directory listing) with the file name inferred [I]."""

#: Stream directory -> short name used in file names [V3] [S9]; "prov1" also [V] [S15].
STREAM_TAGS = {
    "nrt": "nrt",
    "rapid": "rapid",
    "postProc": "postProc",
    "provisional/spaceWeather": "prov1",
}
#: Product -> level directory: scnLv2 level 2 [V] [S14]; podTc2 level 1b [V] [S15];
#: Spire's podTec level 1b [V3] [S67].
PRODUCT_LEVELS = {"scnLv2": "level2", "podTc2": "level1b", "podTec": "level1b"}


def _check(product: str, streams: Sequence[str], key: str) -> None:
    if product not in PRODUCT_LEVELS:
        raise ConfigError(
            f"{key}.product", f"must be one of {sorted(PRODUCT_LEVELS)}, got {product!r}"
        )
    if isinstance(streams, str) or not streams:
        raise ConfigError(f"{key}.cdaac.streams", f"must be a non-empty list, got {streams!r}")
    unknown = [s for s in streams if s not in STREAM_TAGS]
    if unknown:
        raise ConfigError(
            f"{key}.cdaac.streams", f"unknown stream(s) {unknown}; known: {sorted(STREAM_TAGS)}"
        )


def day_file_name(product: str, stream: str, year: int, doy: int) -> str:
    """``{product}_{tag}_{YYYY}_{DDD}.tar.gz`` of one stream and day."""
    return f"{product}_{STREAM_TAGS[stream]}_{year:04d}_{doy:03d}.tar.gz"


def day_urls(
    year: int, doy: int, *, base_url: str, product: str, streams: Sequence[str], key: str = "cosmic"
) -> list[str]:
    """URLs of one day's tarball, one per stream, in the order given.

    Parameters
    ----------
    year, doy : int
        Day (day of year 1-366).
    base_url : str
        Mission root, e.g. ``https://data.cosmic.ucar.edu/gnss-ro/cosmic2``;
        a trailing slash is ignored.
    product : str
        ``scnLv2``, ``podTc2`` or ``podTec`` (:data:`PRODUCT_LEVELS`).
    streams : sequence of str
        Streams in order of preference (:data:`STREAM_TAGS`).
    key : str
        Configuration key named in errors, e.g. ``cosmic.missions.cosmic2``.

    Returns
    -------
    list of str
    """
    if not 1 <= doy <= 366:
        raise ValueError(f"day of year must be 1-366, got {doy} (year {year})")
    _check(product, streams, key)
    base = base_url.rstrip("/")
    level = PRODUCT_LEVELS[product]
    return [
        DAY_URL_TEMPLATE.format(
            base_url=base,
            stream=s,
            level=level,
            year=year,
            doy=doy,
            name=day_file_name(product, s, year, doy),
        )
        for s in streams
    ]


def download_day(
    year: int,
    doy: int,
    dest: str | os.PathLike,
    *,
    mission: str,
    base_url: str,
    product: str,
    streams: Sequence[str],
    retries: int,
    backoff_s: float,
    timeout_s: float,
    missing_day: str,
    key: str = "cosmic",
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Download one day's tarball, trying each stream in turn.

    A stream is skipped only when the server says the file does not exist
    (HTTP 404/410); every other failure is raised at once, so that a flaky
    preferred stream never silently becomes another stream's day. The file is
    streamed to a temporary name, checked (length, whole gzip stream and every
    tar header: :func:`estransport.io.download.is_gzip_tar`) and only then
    renamed onto ``dest``.

    Parameters
    ----------
    year, doy : int
        Day.
    dest : path-like
        Destination file.
    mission : str
        Mission name, for messages.
    base_url, product, streams
        See :func:`day_urls`.
    retries, backoff_s, timeout_s
        Passed to :func:`estransport.io.download.download`.
    missing_day : {"error", "empty"}
        A day no stream has: raise, or write a valid member-less tarball (the
        ingest counts it under ``days_without_data``).
    key : str
        Configuration key named in errors.
    sleep : callable
        Backoff sleep (injectable for tests).

    Returns
    -------
    str or None
        The URL used, or None when an empty day was written.

    Raises
    ------
    estransport.errors.DownloadError
        Every stream answered 404/410 (with ``missing_day: error``; the
        message lists the URLs tried), or any non-fallback failure.
    """
    urls = day_urls(year, doy, base_url=base_url, product=product, streams=streams, key=key)
    return download_first_stream(
        list(zip(streams, urls, strict=True)),
        dest,
        day=f"{year:04d}-{doy:03d}",
        what=f"{mission} {product} day {year:04d}-{doy:03d}",
        missing_day=missing_day,
        key=key,
        retries=retries,
        backoff_s=backoff_s,
        timeout_s=timeout_s,
        sleep=sleep,
    )


def local_day_path(
    root: str | os.PathLike | None,
    year: int,
    doy: int,
    *,
    product: str,
    streams: Sequence[str],
    key: str = "cosmic",
) -> str:
    """Path of one day's tarball in a local archive with the CDAAC day layout.

    The layout is ``{root}/{YYYY}/{DDD}/{product}_{tag}_{YYYY}_{DDD}.tar.gz``;
    the first stream whose file exists wins, else the first stream's path is
    returned so that Snakemake names the missing input. At most one
    :func:`os.path.exists` per stream (this runs once per day while the DAG
    is built).

    Raises
    ------
    estransport.errors.ConfigError
        If ``root`` is unset, or the product or streams are unknown.
    """
    if root is None or os.fspath(root) == "":
        raise ConfigError(f"{key}.local_archive", "must be set when the source is 'local'")
    _check(product, streams, key)
    day_dir = os.path.join(os.fspath(root), f"{year:04d}", f"{doy:03d}")
    candidates = [os.path.join(day_dir, day_file_name(product, s, year, doy)) for s in streams]
    for path in candidates:
        if os.path.exists(path):
            return path
    return candidates[0]
