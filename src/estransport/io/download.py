"""Honest, safe HTTP downloads with the standard library only.

:func:`download` streams one URL to a temporary file beside the destination,
checks that the body is as long as the server announced, optionally validates
the content, and only then renames it onto the destination (docs/architecture.md,
"Downloads are honest and safe"). Transient failures are retried with
exponential backoff; permanent ones (404, 403, a login page) fail at once with
a message that names the URL and the HTTP status.

The module is source-agnostic: CDAAC (:mod:`estransport.io.cdaac`) and the
ionosonde archives (GIRO, UKSSDC) use the same function with their own
validator. :func:`is_gzip_tar` is the validator for tarballs.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import logging
import os
import tarfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from pathlib import Path

from estransport import __version__
from estransport.errors import DownloadError, InputFileError, TruncatedFileError
from estransport.io.atomic import atomic_path
from estransport.io.sniff import SNIFF_BYTES, looks_like_html

logger = logging.getLogger(__name__)

#: Bytes read per ``read`` call while streaming (1 MiB).
CHUNK_BYTES = 1 << 20

#: HTTP statuses worth retrying: server-side trouble and rate limiting.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

#: Upper bound, in seconds, on a server's ``Retry-After`` that we honour.
MAX_RETRY_AFTER_S = 600.0

#: Some servers refuse the default ``Python-urllib`` agent; say who we are instead.
USER_AGENT = f"estransport/{__version__} (Python urllib; research workflow)"

_GZIP_MAGIC = b"\x1f\x8b"


class NotFound(DownloadError):
    """The server says the resource does not exist (HTTP 404 or 410).

    Raised at once, without retries, so that callers can fall back to another
    URL (e.g. CDAAC's ``postProc`` stream when ``repro2013`` has no such day).

    Attributes
    ----------
    status : int
        The HTTP status (404 or 410).
    """

    def __init__(self, url: str, message: str, *, status: int, what: str | None = None):
        self.status = status
        super().__init__(url, message, what=what)


class _Transient(Exception):
    """Internal: a failure worth retrying; ``delay_s`` overrides the backoff if set."""

    def __init__(self, message: str, delay_s: float | None = None):
        self.delay_s = delay_s
        super().__init__(message)


def download(
    url: str,
    dest: str | os.PathLike,
    *,
    retries: int = 4,
    backoff_s: float = 2.0,
    timeout_s: float = 120,
    validate: Callable[[Path], None] | None = None,
    what: str | None = None,
    session_log: logging.Logger = logger,
    sleep: Callable[[float], None] = time.sleep,
    allow_html: bool = False,
) -> Path:
    """Download ``url`` to ``dest`` atomically, with retries and checks.

    The body is streamed to the fixed temporary name beside ``dest``
    (``.tmp-<name>``, :func:`estransport.io.atomic.temporary_path`; one left by
    a killed download is removed first), its length is compared with
    ``Content-Length``, ``validate`` is run on it, and only then is it renamed
    onto ``dest``. On any failure no new file is left at ``dest`` and the
    temporary file is removed. Messages name the URL and ``what``, never the
    temporary file.

    Parameters
    ----------
    url : str
        The URL to fetch (``http``, ``https`` or ``file``). Redirects are
        followed.
    dest : str or os.PathLike
        Destination file; parent directories are created.
    retries : int, default 4
        Extra attempts after a transient failure, so at most ``retries + 1``
        requests are made.
    backoff_s : float, default 2.0
        Delay before the first retry, in seconds; retry ``k`` (0-based) waits
        ``backoff_s * 2**k`` seconds. A ``Retry-After`` header on a 429/503
        reply lengthens the wait (capped at :data:`MAX_RETRY_AFTER_S`).
    timeout_s : float, default 120
        Socket timeout in seconds, applied to the connection and to each read
        (not to the whole transfer, so a slow but steady download is fine).
    validate : callable, optional
        Called as ``validate(tmp_path)`` on the complete temporary file. It
        raises :class:`~estransport.errors.InputFileError` or
        :class:`~estransport.errors.DownloadError` if the content is unusable.
        A :class:`~estransport.errors.TruncatedFileError` (the content ends
        before its format says it should) is a body cut in transit and is
        retried like a short ``Content-Length``: it is how a cut is found when
        the server sent no ``Content-Length``, or announced less than it sent
        (urllib stops reading at the announced length). Other validation
        failures are not retried: the server sent a complete body that is
        wrong, and asking again would give the same body.
    what : str, optional
        Human description of the item for messages, e.g.
        ``"COSMIC scnLv1 day 2008-100 (repro2013)"``.
    session_log : logging.Logger, optional
        Logger for progress messages (start, retries, completion).
    sleep : callable, default time.sleep
        Called with the backoff delay in seconds; injectable for tests.
    allow_html : bool, default False
        Accept an HTML body. By default an HTML reply is taken to be a login
        or error page, since none of the archives we read serve data as HTML.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    NotFound
        HTTP 404 or 410 (not retried).
    estransport.errors.DownloadError
        HTTP 401/403 or another non-retryable 4xx (not retried); an HTML page
        where data was expected (not retried); a body that fails ``validate``;
        or a transient failure (5xx, 408, 429, timeout, connection reset,
        a body shorter than its ``Content-Length`` or cut short as the
        validator found) that persisted through every retry.

    Notes
    -----
    Only the standard library is used (:mod:`urllib.request`), so proxies
    configured through ``http_proxy``/``https_proxy``/``no_proxy`` are honoured.
    """
    dest = Path(dest)
    attempts = retries + 1
    last_error = "no attempt made"
    session_log.info("downloading %s -> %s", url, dest)
    for attempt in range(1, attempts + 1):
        try:
            with atomic_path(dest) as tmp:
                nbytes, seconds, sha256, final_url, announced = _fetch_once(
                    url, tmp, timeout_s=timeout_s, what=what, allow_html=allow_html
                )
                if validate is not None:
                    _run_validator(
                        validate, tmp, url=url, what=what, received=nbytes, announced=announced
                    )
        except _Transient as err:
            last_error = str(err)
            if attempt == attempts:
                break
            delay = backoff_s * 2 ** (attempt - 1)
            if err.delay_s is not None:
                delay = max(delay, min(err.delay_s, MAX_RETRY_AFTER_S))
            session_log.warning(
                "attempt %d/%d for %s failed (%s); retrying in %.1f s",
                attempt,
                attempts,
                url,
                last_error,
                delay,
            )
            sleep(delay)
            continue
        rate = nbytes / seconds if seconds > 0 else float("inf")
        session_log.info(
            "downloaded %s: %d bytes in %.2f s (%.2f MB/s), attempt %d/%d, sha256 %s%s",
            dest.name,
            nbytes,
            seconds,
            rate / 1e6,
            attempt,
            attempts,
            sha256,
            "" if final_url == url else f" (redirected to {final_url})",
        )
        return dest
    raise DownloadError(
        url,
        f"failed after {attempts} attempt(s); last error: {last_error}. Nothing was saved: "
        f"rerun later, or fetch the URL by hand and save it as {dest}",
        what=what,
    )


def _fetch_once(
    url: str, tmp: Path, *, timeout_s: float, what: str | None, allow_html: bool
) -> tuple[int, float, str, str, int | None]:
    """One request streamed into ``tmp``.

    Returns
    -------
    tuple
        (bytes received, elapsed seconds, sha256 hex digest, final URL after
        redirects, ``Content-Length`` or None if the server sent none).

    Raises
    ------
    _Transient
        For anything worth retrying.
    NotFound, DownloadError
        For permanent failures.
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as resp:
            final_url = resp.geturl()
            status = getattr(resp, "status", None)
            if status is not None and status != 200:
                # urllib raises for >= 400 itself; 204/206 and friends are not a file.
                raise DownloadError(url, f"unexpected HTTP status {status}", what=what)
            content_type = resp.headers.get("Content-Type", "") or ""
            length_header = resp.headers.get("Content-Length")
            expected = _parse_length(length_header)
            digest = hashlib.sha256()
            received = 0
            with open(tmp, "wb") as out:
                first = True
                while chunk := resp.read(CHUNK_BYTES):
                    if first:
                        first = False
                        if not allow_html:
                            _reject_html(url, content_type, chunk, what=what)
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
            if first and not allow_html and content_type.lower().startswith("text/html"):
                _reject_html(url, content_type, b"", what=what)
    except urllib.error.HTTPError as err:
        err.close()  # HTTPError holds the response socket open
        raise _classify_http_error(url, err, what=what) from None
    except urllib.error.URLError as err:
        # Connection refused/reset, DNS failure, timeout while connecting.
        if isinstance(err.reason, OSError):
            raise _Transient(f"connection error: {err.reason}") from None
        raise DownloadError(url, f"cannot open URL: {err.reason}", what=what) from None
    except (TimeoutError, ConnectionError) as err:
        raise _Transient(f"{type(err).__name__}: {err or 'timed out'}") from None
    except http.client.HTTPException as err:
        # IncompleteRead (chunked body cut short), RemoteDisconnected, BadStatusLine.
        raise _Transient(f"{type(err).__name__}: {err!r}") from None
    elapsed = time.monotonic() - start
    if expected is not None and received != expected:
        raise _Transient(
            f"truncated body: received {received} of {expected} bytes announced by Content-Length"
        )
    if expected is None:
        logger.debug("%s: no Content-Length header; body size %d bytes unchecked", url, received)
    return received, elapsed, digest.hexdigest(), final_url, expected


def _parse_length(header: str | None) -> int | None:
    """``Content-Length`` as an int, or None if absent or malformed."""
    if header is None:
        return None
    try:
        value = int(header.strip())
    except ValueError:
        return None
    return value if value >= 0 else None


def _reject_html(url: str, content_type: str, head: bytes, *, what: str | None) -> None:
    """Raise if the reply is an HTML page (login, auth wall or error page)."""
    if content_type.lower().startswith("text/html") or looks_like_html(head):
        raise DownloadError(
            url,
            "server returned an HTML page instead of data (HTTP 200, Content-Type "
            f"{content_type or 'unset'!r}); it looks like a login/error page. Check "
            "the URL and whether the archive needs a login, or fetch the file by hand.",
            what=what,
        )


def _classify_http_error(url: str, err: urllib.error.HTTPError, *, what: str | None) -> Exception:
    """Map an HTTP error status to NotFound, DownloadError or a retryable _Transient."""
    code = err.code
    reason = f"HTTP {code} {err.reason}".rstrip()
    if code in (404, 410):
        return NotFound(url, f"{reason}: no such file on the server", status=code, what=what)
    if code in (401, 403):
        return DownloadError(
            url,
            f"{reason}: access denied; the archive may need a login or the URL is wrong",
            what=what,
        )
    if code in RETRY_STATUSES or 500 <= code < 600:
        return _Transient(reason, delay_s=_retry_after_s(err.headers.get("Retry-After")))
    return DownloadError(url, f"{reason} (not retried)", what=what)


def _retry_after_s(header: str | None) -> float | None:
    """``Retry-After`` in seconds if given as a number (HTTP-date form is ignored)."""
    if header is None:
        return None
    try:
        return max(0.0, float(header.strip()))
    except ValueError:
        return None


def _run_validator(
    validate: Callable[[Path], None],
    tmp: Path,
    *,
    url: str,
    what: str | None,
    received: int,
    announced: int | None,
) -> None:
    """Run ``validate``: a cut body is transient, other unusable content a DownloadError.

    The temporary file is deleted on failure, so the messages name the URL
    (and ``what``), never the temporary file's path.

    Raises
    ------
    _Transient
        If the validator found the content cut short
        (:class:`~estransport.errors.TruncatedFileError`).
    estransport.errors.DownloadError
        For any other :class:`~estransport.errors.InputFileError`.
    """
    try:
        validate(tmp)
    except TruncatedFileError as err:
        length = (
            "no Content-Length was sent"
            if announced is None
            else "as many as Content-Length announced: the server sent more than it "
            "announced, or its file is cut"
        )
        raise _Transient(
            f"body cut short ({received} bytes received, {length}): {_located(err)}"
        ) from None
    except InputFileError as err:
        raise DownloadError(
            url, f"downloaded content is unusable: {_located(err)}", what=what
        ) from err


def _located(err: InputFileError) -> str:
    """An InputFileError's message with the member or line, without the (temporary) path."""
    where = [f"member {err.member}"] if err.member is not None else []
    where += [f"line {err.line}"] if err.line is not None else []
    return f"{', '.join(where)}: {err.detail}" if where else err.detail


def is_gzip_tar(path: str | os.PathLike) -> None:
    """Check that ``path`` is a complete, readable gzip-compressed tar archive.

    The whole file is decompressed once: every tar header is read and every
    member's data skipped over, and the gzip stream is then read to its end so
    that its CRC-32 and length trailer are checked. This catches truncation
    anywhere in the file, including in the tar end-of-archive padding that a
    plain walk over the members never reads.

    Parameters
    ----------
    path : str or os.PathLike
        File to check.

    Raises
    ------
    estransport.errors.TruncatedFileError
        If the gzip stream ends early (a download cut short: retried by
        :func:`download`).
    estransport.errors.InputFileError
        If the file is empty, is an HTML page (a login or error page), does
        not start with the gzip magic bytes, is a corrupt gzip stream, or does
        not decompress to a complete tar archive. The message says which.

    Warnings
    --------
    An archive with no members is accepted (CDAAC may publish an empty day),
    but a warning is logged.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    magic = head[:2]
    if not magic:
        raise InputFileError(path, "empty file (0 bytes), expected a gzip-compressed tar")
    if magic != _GZIP_MAGIC and looks_like_html(head):
        raise InputFileError(
            path, "an HTML page (a login or error page?), not a gzip-compressed tar"
        )
    if magic != _GZIP_MAGIC:
        raise InputFileError(
            path, f"not a gzip file (starts with {magic!r}, expected {_GZIP_MAGIC!r})"
        )
    members = 0
    try:
        with gzip.open(path, "rb") as gz:
            try:
                with tarfile.open(fileobj=gz, mode="r|") as tar:
                    for _member in tar:
                        members += 1
            except tarfile.ReadError as err:
                if "unexpected end of data" in str(err):
                    # The gzip stream ended cleanly (its CRC holds) but the tar inside is
                    # cut short: the file itself is cut, not the transfer.
                    raise InputFileError(
                        path, f"tar archive truncated inside a complete gzip stream ({err})"
                    ) from err
                raise InputFileError(path, f"gzip data is not a tar archive ({err})") from err
            # Drain what is left (tar padding, trailer) so the CRC and size are checked.
            while gz.read(CHUNK_BYTES):
                pass
    except EOFError as err:
        raise TruncatedFileError(
            path, f"truncated gzip stream (download cut short?): {err}"
        ) from err
    except (gzip.BadGzipFile, zlib.error) as err:
        raise InputFileError(path, f"corrupt gzip stream: {err}") from err
    except tarfile.TarError as err:
        raise InputFileError(path, f"not a readable tar archive: {err}") from err
    if members == 0:
        logger.warning("%s: valid gzip tar archive with no members (empty day?)", path)
    else:
        logger.debug("%s: gzip tar archive with %d members", path, members)


def download_first_found(
    candidates: list[tuple[str, str]],
    dest: str | os.PathLike,
    *,
    what: str,
    validate: Callable[[Path], None] | None,
    retries: int,
    backoff_s: float,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[str | None, list[str]]:
    """Download the first of several URLs that the server has (CDAAC streams, GIRO endpoints).

    A candidate is skipped only when the server says the file does not exist
    (HTTP 404/410, :class:`NotFound`); any other failure is raised at once, so a
    flaky preferred source never silently becomes another source's file.

    Parameters
    ----------
    candidates : list of (str, str)
        ``(label, url)`` in order of preference; the label (a stream name, or
        ``""``) is added to ``what`` in messages.
    dest : str or os.PathLike
        Destination file, written atomically by :func:`download`.
    what : str
        The item for messages, e.g. ``"COSMIC scnLv1 day 2008-100"``.
    validate : callable or None
        Passed to :func:`download`.
    retries, backoff_s, timeout_s, sleep
        Passed to :func:`download` (seconds for the times).

    Returns
    -------
    (str or None, list of str)
        The URL downloaded (None if no candidate exists on the server), and each
        candidate that answered 404/410, as ``"<url> (HTTP <status>)"``.

    Raises
    ------
    estransport.errors.DownloadError
        On any failure other than 404/410.
    """
    missing: list[str] = []
    for label, url in candidates:
        try:
            download(
                url,
                dest,
                retries=retries,
                backoff_s=backoff_s,
                timeout_s=timeout_s,
                validate=validate,
                what=f"{what} ({label})" if label else what,
                sleep=sleep,
            )
        except NotFound as err:
            logger.info("%s not at %s (HTTP %d): %s", what, label or "this URL", err.status, url)
            missing.append(f"{url} (HTTP {err.status})")
            continue
        return url, missing
    return None, missing


#: Name prefix of the hard link that keeps a finished download of a batch
#: (:func:`download_batch`) beside its destination until the whole batch is done.
KEPT_PREFIX = ".kept-"


def kept_path(dest: str | os.PathLike) -> Path:
    """Where :func:`download_batch` keeps a finished destination until its batch is done."""
    dest = Path(dest)
    return dest.parent / f"{KEPT_PREFIX}{dest.name}"


def _link_or_copy(src: Path, dst: Path) -> None:
    """Make ``dst`` the same file as ``src``: a hard link, or a copy where links fail."""
    import shutil

    with atomic_path(dst) as tmp:
        tmp.unlink(missing_ok=True)
        try:
            os.link(src, tmp)
        except OSError:  # a file system without hard links (some network mounts)
            shutil.copyfile(src, tmp)


def download_batch(
    dests: list[str | os.PathLike],
    fetch_one: Callable[[int, Path], object],
    *,
    what: str,
) -> list[object]:
    """Fetch several files in one job, so that a failed job loses none of the finished ones.

    A batch job (one Snakemake job for many days) is rerun as a whole, and
    Snakemake deletes every output of a failed job before the rerun. So each
    finished destination also gets a hard link :func:`kept_path` beside it (a
    copy where the file system has no hard links; no extra space otherwise). A
    rerun restores a kept file instead of fetching it again, so it fetches only
    what the failed attempt did not finish. When every item is done, the kept
    links are removed.

    One item's failure does not stop the others: every item is tried, and then a
    :class:`~estransport.errors.DownloadError` names each one that failed.

    Parameters
    ----------
    dests : list of str or os.PathLike
        Destination files, one per item.
    fetch_one : callable
        ``fetch_one(i, dest)`` writes item ``i`` to ``dest`` atomically (e.g. via
        :func:`download`) and returns what the caller wants back (a URL, or None).
        It raises :class:`~estransport.errors.DownloadError` or
        :class:`~estransport.errors.InputFileError` on failure.
    what : str
        Description of the batch for messages, e.g. ``"COSMIC scnLv1 days 2008-001 to 2008-030"``.

    Returns
    -------
    list
        ``fetch_one``'s results in item order; ``"kept"`` for an item restored
        from an earlier attempt.

    Raises
    ------
    estransport.errors.DownloadError
        After all items were tried, if any failed; the message lists each
        failure's own message.
    """
    paths = [Path(d) for d in dests]
    results: list[object] = []
    failures: list[Exception] = []
    for i, dest in enumerate(paths):
        kept = kept_path(dest)
        if kept.exists():
            _link_or_copy(kept, dest)
            logger.info("%s: restored from an earlier attempt of this batch (%s)", dest, kept.name)
            results.append("kept")
            continue
        try:
            results.append(fetch_one(i, dest))
        except (DownloadError, InputFileError) as err:
            failures.append(err)
            results.append(None)
            continue
        _link_or_copy(dest, kept)
    if failures:
        listed = "\n".join(f"  - {f}" for f in failures)
        raise DownloadError(
            getattr(failures[0], "url", None) or str(getattr(failures[0], "path", "")),
            f"{len(failures)} of {len(paths)} item(s) failed; the others are kept and a "
            f"rerun fetches only the failed ones:\n{listed}\n",
            what=what,
        )
    for dest in paths:
        kept_path(dest).unlink(missing_ok=True)
    return results
