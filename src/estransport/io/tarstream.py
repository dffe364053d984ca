"""Stream the members of a gzip-compressed tar archive, decompressing in a second thread.

CDAAC ships a day of COSMIC-2 or Spire scintillation arcs as one ``.tar.gz``
of about 9,000 small netCDF files (docs/formats.md §2). Reading such a day is
dominated by two costs: inflating the gzip stream and walking the tar headers.
``gzip -dc | tar -xO`` runs them in two processes at once; this module does the
same inside Python: a thread inflates the file with zlib-ng, or :mod:`zlib`
where it is not installed (:mod:`estransport.io.inflate`; both release the GIL
while they inflate) and hands chunks to the caller's thread, which
splits them into members with a minimal tar header parser. Nothing touches the
disk.

A file that is not gzip is named as an HTML page when it is one (a login or
error page saved in place of the tarball). The archive is checked as thoroughly as :func:`estransport.io.download.is_gzip_tar`
does: the gzip magic, the CRC-32 and length trailer of every gzip member
(zlib checks them), the checksum of every tar header, a proper end-of-archive
marker, and no data missing at the end. A damaged archive raises
:class:`~estransport.errors.InputFileError` naming the file, after the members
before the damage have been yielded (a caller that must not keep partial days
collects the members first, as the day readers do).

Tar dialects: POSIX ustar, GNU (long names in ``L`` entries, base-256 sizes)
and pax (``path`` and ``size`` records of ``x`` headers); ``g`` global headers
are skipped. Only regular files are yielded (type ``0``, NUL or ``7``).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator

from ..errors import InputFileError
from .inflate import ZLIB_ERRORS, zlib
from .sniff import SNIFF_BYTES, looks_like_html

__all__ = ["CHUNK_BYTES", "iter_tar_gz"]

#: Compressed bytes read per step (1 MiB), also the size of the chunks handed over.
CHUNK_BYTES = 1 << 20
#: Chunks buffered between the threads (bounded, so memory stays at a few MiB).
_QUEUE_CHUNKS = 8
_BLOCK = 512
_GZIP_MAGIC = b"\x1f\x8b"
_REGULAR = frozenset((b"0", b"\x00", b"7"))
_END = object()


class _Failure:
    """An exception raised in the inflating thread, handed to the reader."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException):
        self.error = error


def _inflate_chunks(path: str, raw) -> Iterator[bytes]:
    """Inflate every gzip member of ``raw`` (zlib checks each CRC-32 and length)."""
    head = raw.read(2)
    if not head:
        raise InputFileError(path, "empty file (0 bytes), expected a gzip-compressed tar")
    if head != _GZIP_MAGIC:
        if looks_like_html(head + raw.read(SNIFF_BYTES)):
            # A login or error page fetched by hand (or by a tool that ignores HTTP errors).
            raise InputFileError(
                path,
                "this is an HTML page (a login or error page saved in place of the tarball?), "
                "not a gzip file",
            )
        raise InputFileError(
            path, f"not a gzip file (starts with {head!r}, expected {_GZIP_MAGIC!r})"
        )
    pending = head
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip wrapper
    members = 1
    try:
        while True:
            data = pending or raw.read(CHUNK_BYTES)
            pending = b""
            if not data:
                break
            chunk = inflater.decompress(data)
            if chunk:
                yield chunk
            if inflater.eof:
                rest = inflater.unused_data or raw.read(CHUNK_BYTES)
                if not rest:
                    break
                if not rest.strip(b"\x00"):
                    # Zero padding after the last member (gzip itself tolerates it).
                    if raw.read(CHUNK_BYTES).strip(b"\x00"):
                        raise InputFileError(path, "data after the zero padding of the gzip file")
                    break
                if rest[:2] != _GZIP_MAGIC:
                    raise InputFileError(path, f"trailing garbage after gzip member {members}")
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                members += 1
                pending = rest
    except ZLIB_ERRORS as err:
        raise InputFileError(path, f"corrupt gzip stream: {err}") from None
    except OSError as err:
        raise InputFileError(path, f"cannot read: {err.strerror or err}") from None
    if not inflater.eof:
        raise InputFileError(path, "truncated gzip stream (download cut short?)")


def _inflate_into(path: str, raw, out: queue.Queue, stop: threading.Event) -> None:
    """Thread body: put the inflated chunks, then _END or a _Failure, into ``out``."""

    def put(item) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        for chunk in _inflate_chunks(path, raw):
            if not put(chunk):
                return
        put(_END)
    except BaseException as err:  # handed to the reader thread and re-raised there
        put(_Failure(err))


class _InlineChunks:
    """The unthreaded source of chunks: the same protocol as the queue (``get``)."""

    def __init__(self, path: str, raw):
        self._gen = _inflate_chunks(path, raw)

    def get(self):
        try:
            return next(self._gen)
        except StopIteration:
            return _END
        except BaseException as err:
            return _Failure(err)


def _octal(field: bytes) -> int:
    """A numeric tar header field: octal text, or GNU base-256 when the top bit is set."""
    if field and field[0] & 0x80:
        value = int.from_bytes(field, "big", signed=False) & ~(0x80 << (8 * (len(field) - 1)))
        return value
    text = field.split(b"\x00", 1)[0].strip(b" ")
    return int(text, 8) if text else 0


def _checksum_ok(header: bytes) -> bool:
    stored = header[148:156]
    calc = sum(header[:148]) + 8 * 0x20 + sum(header[156:])
    try:
        return _octal(stored) == calc
    except ValueError:
        return False


def _pax_records(data: bytes) -> dict[str, str]:
    """The ``key=value`` records of a pax extended header."""
    out: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space < 0:
            break
        length = int(data[pos:space])
        record = data[space + 1 : pos + length - 1]
        key, _, value = record.partition(b"=")
        out[key.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
        pos += length
    return out


def iter_tar_gz(path: str | os.PathLike, *, threaded: bool = True) -> Iterator[tuple[str, bytes]]:
    """Yield ``(name, data)`` for every regular member of a ``.tar.gz``, in archive order.

    Parameters
    ----------
    path : str or os.PathLike
        The gzip-compressed tar archive.
    threaded : bool, default True
        Inflate in a second thread (overlapping with the caller's work on the
        members). False inflates in the calling thread (same results).

    Yields
    ------
    name : str
        Member path as stored (directories included).
    data : bytes
        The member's contents (``b""`` for a zero-byte member).

    Raises
    ------
    estransport.errors.InputFileError
        If the file cannot be opened or is not a complete, intact gzip tar
        (not gzip; corrupt or truncated gzip stream; bad CRC; a tar header with
        a wrong checksum; no end-of-archive marker), naming the file and how
        many members came before the damage.
    """
    path_s = os.fspath(path)
    try:
        raw = open(path_s, "rb")  # closed in the finally clause below
    except OSError as err:
        raise InputFileError(path_s, f"cannot open: {err.strerror or err}") from None
    stop = threading.Event()
    worker = None
    if threaded:
        chunks = queue.Queue(maxsize=_QUEUE_CHUNKS)
        worker = threading.Thread(
            target=_inflate_into,
            args=(path_s, raw, chunks, stop),
            name="tar-gz-inflate",
            daemon=True,
        )
        worker.start()
    else:
        chunks = _InlineChunks(path_s, raw)
    try:
        yield from _members(path_s, chunks)
    finally:
        stop.set()
        if worker is not None:
            worker.join()
        raw.close()


def _members(path: str, chunks) -> Iterator[tuple[str, bytes]]:
    """Split the inflated stream into tar members.

    The hot loop of a day ingest (~9,000 members): the buffer is ``bytes``
    (slices are the members, one copy), the common case of every check is
    tried first, and the slower general forms only when it fails.
    """
    buf = b""
    pos = 0
    done = False
    count = 0

    def fill(need: int) -> bool:
        """Make ``need`` bytes available from ``pos``; False if the stream ended first."""
        nonlocal buf, pos, done
        parts = [buf[pos:]]
        have = len(parts[0])
        while have < need:
            if done:
                buf, pos = b"".join(parts), 0
                return False
            item = chunks.get()
            if item is _END:
                done = True
                continue
            if isinstance(item, _Failure):
                err = item.error
                if isinstance(err, InputFileError):
                    raise InputFileError(
                        path, f"{_strip(err, path)} (after {count} tar member(s))"
                    ) from None
                raise err
            parts.append(item)
            have += len(item)
        buf, pos = b"".join(parts), 0
        return True

    long_name: str | None = None
    pax: dict[str, str] = {}
    while True:
        if len(buf) - pos < _BLOCK and not fill(_BLOCK):
            raise InputFileError(
                path,
                f"tar archive is truncated: no end-of-archive marker (after {count} member(s))",
            )
        header = buf[pos : pos + _BLOCK]
        pos += _BLOCK
        if header[0] == 0 and header.count(0) == _BLOCK:
            # End-of-archive marker; drain the rest so the gzip CRC and length are checked.
            while fill(len(buf) - pos + 1):
                pos = len(buf)
            return
        # Header checksum: the sum of all bytes with the checksum field counted as spaces.
        stored = header[148:156]
        try:
            ok = int(stored[:6], 8) == sum(header) - sum(stored) + 256
        except ValueError:
            ok = _checksum_ok(header)
        if not ok and not _checksum_ok(header):
            raise InputFileError(path, f"corrupt tar header after {count} member(s)")
        typeflag = header[156:157]
        field = header[124:136]
        try:
            size = int(field[:11], 8) if 48 <= field[0] <= 55 else _octal(field)
        except ValueError:
            try:
                size = _octal(field)
            except ValueError:
                raise InputFileError(
                    path, f"corrupt tar header size after {count} member(s)"
                ) from None
        if pax and "size" in pax:
            size = int(pax["size"])
        padded = (size + _BLOCK - 1) & ~(_BLOCK - 1)
        if len(buf) - pos < padded and not fill(padded):
            raise InputFileError(
                path, f"tar archive is truncated inside a member (after {count} member(s))"
            )
        data = buf[pos : pos + size]
        pos += padded
        if typeflag in _REGULAR and long_name is None and not pax:
            end = header.find(0, 0, 100)
            name = header[: end if end >= 0 else 100].decode("utf-8", "replace")
            if header[345] and header[257:262] == b"ustar":
                prefix = header[345:500].split(b"\x00", 1)[0].decode("utf-8", "replace")
                name = prefix + "/" + name
            count += 1
            yield name, data
            continue
        if typeflag == b"L":  # GNU long name of the next member
            long_name = data.rstrip(b"\x00").decode("utf-8", "replace")
            continue
        if typeflag == b"x":  # pax extended header of the next member
            pax = _pax_records(data)
            continue
        if typeflag == b"g":  # pax global header: nothing we use
            continue
        if long_name is not None:
            name = long_name
        elif "path" in pax:
            name = pax["path"]
        else:
            end = header.find(0, 0, 100)
            name = header[: end if end >= 0 else 100].decode("utf-8", "replace")
        long_name = None
        pax = {}
        if typeflag in _REGULAR:
            count += 1
            yield name, data


def _strip(err: InputFileError, path: str) -> str:
    text = str(err)
    prefix = f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text
