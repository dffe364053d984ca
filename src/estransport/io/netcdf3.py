"""Fast pure-Python reader of the netCDF-3 classic and 64-bit-offset header.

CDAAC ships every COSMIC occultation arc as one small netCDF-3 classic file whose
per-arc summary (S4max and where it occurred) sits in the *global attributes*
(docs/formats.md §1.3). A day tarball holds about 1,500 such files; opening each with
the netCDF-C library costs far more than decoding the few hundred bytes of
header that we need, so this module decodes the header directly with
:mod:`struct` and :mod:`numpy`.

The grammar implemented is the one of Unidata's "NetCDF Classic Format
Specification" (netCDF-C documentation, "File Format Specifications",
https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html)::

    netcdf_file = header data
    header      = magic numrecs dim_list gatt_list var_list
    magic       = 'C' 'D' 'F' VERSION            VERSION = \\x01 | \\x02
    numrecs     = NON_NEG | STREAMING            STREAMING = \\xFF\\xFF\\xFF\\xFF
    dim_list    = ABSENT | NC_DIMENSION nelems [dim ...]
    gatt_list   = att_list
    att_list    = ABSENT | NC_ATTRIBUTE nelems [attr ...]
    var_list    = ABSENT | NC_VARIABLE nelems [var ...]
    ABSENT      = ZERO ZERO
    dim         = name dim_length                (dim_length 0 = record dimension)
    name        = nelems namestring              (padded to 4 bytes)
    attr        = name nc_type nelems [values ...]   (padded to 4 bytes)
    var         = name nelems [dimid ...] vatt_list nc_type vsize begin
    begin       = OFFSET                         (32-bit in CDF-1, 64-bit in CDF-2)

All integers are big-endian; NC_DIMENSION, NC_VARIABLE and NC_ATTRIBUTE are the
tags 10, 11 and 12; the external types are NC_BYTE=1, NC_CHAR=2, NC_SHORT=3,
NC_INT=4, NC_FLOAT=5, NC_DOUBLE=6.

Every count and length read from the buffer is checked against the bytes that
remain before it is used, so a truncated or corrupt buffer raises
:class:`~estransport.errors.InputFileError` (never ``IndexError`` or
``struct.error``) and garbage can never make the reader loop or allocate more
than the buffer holds.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

import numpy as np

from ..errors import InputFileError

__all__ = [
    "NC_BYTE",
    "NC_CHAR",
    "NC_SHORT",
    "NC_INT",
    "NC_FLOAT",
    "NC_DOUBLE",
    "Dimension",
    "Header",
    "HeaderSelector",
    "HeaderTruncatedError",
    "Layout",
    "Variable",
    "global_attribute_layout",
    "read_global_attributes",
    "read_header",
    "type_name",
]

NC_BYTE = 1
NC_CHAR = 2
NC_SHORT = 3
NC_INT = 4
NC_FLOAT = 5
NC_DOUBLE = 6

_NC_DIMENSION = 10
_NC_VARIABLE = 11
_NC_ATTRIBUTE = 12
_STREAMING = 0xFFFFFFFF
#: NC_MAX_NAME in netcdf.h: the library never writes a longer name.
_NC_MAX_NAME = 256

#: nc_type -> (big-endian numpy dtype as stored, bytes per element, struct code)
_TYPES: dict[int, tuple[np.dtype, int, str]] = {
    NC_BYTE: (np.dtype(">i1"), 1, "b"),
    NC_CHAR: (np.dtype("S1"), 1, "c"),
    NC_SHORT: (np.dtype(">i2"), 2, "h"),
    NC_INT: (np.dtype(">i4"), 4, "i"),
    NC_FLOAT: (np.dtype(">f4"), 4, "f"),
    NC_DOUBLE: (np.dtype(">f8"), 8, "d"),
}
_TYPE_NAMES = {
    NC_BYTE: "NC_BYTE",
    NC_CHAR: "NC_CHAR",
    NC_SHORT: "NC_SHORT",
    NC_INT: "NC_INT",
    NC_FLOAT: "NC_FLOAT",
    NC_DOUBLE: "NC_DOUBLE",
}
# Precompiled unpackers: the hot loop decodes ~40 one-element attributes per file.
_SCALAR = {
    t: struct.Struct(">" + code).unpack_from for t, (_, _, code) in _TYPES.items() if t != NC_CHAR
}
_NATIVE = {t: dt.newbyteorder("=") for t, (dt, _, _) in _TYPES.items() if t != NC_CHAR}
_I32 = struct.Struct(">i").unpack_from
_U32 = struct.Struct(">I").unpack_from
_I64 = struct.Struct(">q").unpack_from
_II = struct.Struct(">ii").unpack_from

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"

AttrValue = str | int | float | np.ndarray


class HeaderTruncatedError(InputFileError):
    """The buffer ends before the header does.

    Raised instead of a plain :class:`InputFileError` when more bytes could
    complete the header, so a caller that read only the start of a file can
    read more and try again.

    Attributes
    ----------
    needed : int
        Buffer length (bytes) that would at least let the reader get past the
        point where it stopped.
    """

    def __init__(self, path, message, *, needed: int, member=None):
        super().__init__(path, message, member=member)
        self.needed = needed


@dataclass(frozen=True)
class Dimension:
    """One netCDF dimension.

    Attributes
    ----------
    name : str
    size : int or None
        Length; for the record (unlimited) dimension this is ``numrecs``, or
        None when the file was written in STREAMING mode.
    unlimited : bool
        True for the record dimension (stored length 0).
    """

    name: str
    size: int | None
    unlimited: bool = False


@dataclass(frozen=True)
class Variable:
    """One netCDF variable as described by the header (no data is read).

    Attributes
    ----------
    name : str
    dimensions : tuple of str
        Dimension names, slowest varying first.
    shape : tuple of int or None
        Dimension lengths; the record dimension is None for STREAMING files.
    nc_type : int
        External type code (``NC_BYTE`` ... ``NC_DOUBLE``).
    dtype : numpy.dtype
        Big-endian dtype of the values as stored in the file.
    attributes : dict
        Variable attributes, decoded as by :func:`read_global_attributes`.
    vsize : int
        ``vsize`` field: bytes per variable (per record for record
        variables), padded to 4; ``2**32 - 1`` for variables too large for it.
    begin : int
        Byte offset of the variable's data (of its first record) in the file.
    is_record : bool
        True if the first dimension is the record dimension.
    """

    name: str
    dimensions: tuple[str, ...]
    shape: tuple[int | None, ...]
    nc_type: int
    dtype: np.dtype
    attributes: dict[str, AttrValue]
    vsize: int
    begin: int
    is_record: bool = False


@dataclass(frozen=True)
class Header:
    """The decoded header of a netCDF-3 classic (CDF-1) or 64-bit-offset (CDF-2) file.

    Attributes
    ----------
    version : int
        1 for classic, 2 for 64-bit offset.
    numrecs : int or None
        Number of records; None when STREAMING (``0xFFFFFFFF``).
    dimensions : dict of str to Dimension
        In file order.
    attributes : dict
        Global attributes (see :func:`read_global_attributes`).
    variables : dict of str to Variable
        In file order.
    size : int
        Length of the header in bytes (offset just after ``var_list``).
    """

    version: int
    numrecs: int | None
    dimensions: dict[str, Dimension]
    attributes: dict[str, AttrValue]
    variables: dict[str, Variable]
    size: int


class _Cursor:
    """Position in a header buffer, with bounds-checked reads that raise InputFileError."""

    __slots__ = ("buf", "pos", "n", "path", "member")

    def __init__(self, buf, path, member):
        if not isinstance(buf, bytes):
            if not isinstance(buf, (bytearray, memoryview)):
                raise TypeError(f"expected a bytes-like buffer, got {type(buf).__name__}")
            buf = bytes(buf)  # one copy; the decoder then slices bytes directly
        self.buf = buf
        self.pos = 0
        self.n = len(buf)
        self.path = "<bytes>" if path is None else os.fspath(path)
        self.member = member

    # -- errors ---------------------------------------------------------------
    def truncated(self, nbytes: int, what: str) -> HeaderTruncatedError:
        needed = self.pos + nbytes
        return HeaderTruncatedError(
            self.path,
            f"netCDF-3 header truncated or corrupt: {what} needs {nbytes} bytes at offset "
            f"{self.pos}, but the buffer ends at {self.n}",
            needed=needed,
            member=self.member,
        )

    def malformed(self, what: str, pos: int | None = None) -> InputFileError:
        pos = self.pos if pos is None else pos
        return InputFileError(
            self.path, f"malformed netCDF-3 header at offset {pos}: {what}", member=self.member
        )

    # -- primitives -----------------------------------------------------------
    def non_neg(self, what: str) -> int:
        if self.pos + 4 > self.n:
            raise self.truncated(4, what)
        (value,) = _I32(self.buf, self.pos)
        if value < 0:
            raise self.malformed(f"{what} is negative ({value})")
        self.pos += 4
        return value

    def list_head(self, tag_expected: int, what: str) -> int:
        """Read ``ABSENT | TAG nelems`` and return nelems (0 for ABSENT)."""
        if self.pos + 8 > self.n:
            raise self.truncated(8, f"{what} tag and count")
        tag, count = _II(self.buf, self.pos)
        if tag == 0:
            if count != 0:
                raise self.malformed(f"{what} is ABSENT (tag 0) but its count is {count}")
        elif tag != tag_expected:
            raise self.malformed(f"{what} tag is {tag}, expected {tag_expected} or 0 (ABSENT)")
        elif count < 0:
            raise self.malformed(f"{what} count is negative ({count})")
        self.pos += 8
        return count

    def name(self, what: str) -> str:
        if self.pos + 4 > self.n:
            raise self.truncated(4, f"{what} name length")
        (length,) = _I32(self.buf, self.pos)
        if length <= 0 or length > _NC_MAX_NAME:
            raise self.malformed(f"{what} name length {length} is outside 1..{_NC_MAX_NAME}")
        padded = (length + 3) & ~3
        start = self.pos + 4
        if start + padded > self.n:
            raise self.truncated(4 + padded, f"{what} name")
        try:
            text = self.buf[start : start + length].decode("utf-8")
        except UnicodeDecodeError:
            raise self.malformed(f"{what} name is not valid UTF-8", start) from None
        self.pos = start + padded
        return text

    def att_list(self, what: str) -> dict[str, AttrValue]:
        """Read an ``att_list`` and return its attributes, decoded.

        This is the hot loop of a day ingest (~40 attributes x 1,500 files), so
        the name and value decoding are inlined and use local names only.
        """
        count = self.list_head(_NC_ATTRIBUTE, f"{what} attribute list")
        # Each attribute takes >= 16 bytes (name length, 4-byte name, type, nelems):
        # a count larger than the rest of the buffer can only be corruption or truncation.
        if count * 16 > self.n - self.pos:
            raise self.truncated(count * 16, f"{what} attribute list of {count} entries")
        buf, n, pos = self.buf, self.n, self.pos
        i32, ii, types, scalar = _I32, _II, _TYPES, _SCALAR
        attrs: dict[str, AttrValue] = {}
        for _ in range(count):
            self.pos = pos
            if pos + 4 > n:
                raise self.truncated(4, f"{what} attribute name length")
            (length,) = i32(buf, pos)
            if length <= 0 or length > _NC_MAX_NAME:
                raise self.malformed(
                    f"{what} attribute name length {length} is outside 1..{_NC_MAX_NAME}"
                )
            start = pos + 4
            pos = start + ((length + 3) & ~3)
            if pos + 8 > n:
                raise self.truncated(pos + 8 - self.pos, f"{what} attribute name, type, count")
            try:
                name = buf[start : start + length].decode("utf-8")
            except UnicodeDecodeError:
                raise self.malformed(f"{what} attribute name is not valid UTF-8") from None
            nc_type, nelems = ii(buf, pos)
            info = types.get(nc_type)
            if info is None:
                raise self.malformed(
                    f"{what} attribute '{name}' has invalid nc_type {nc_type} "
                    "(classic format allows 1..6)",
                    pos,
                )
            if nelems < 0:
                raise self.malformed(f"{what} attribute '{name}' has negative nelems {nelems}", pos)
            pos += 8
            nbytes = nelems * info[1]
            end = pos + ((nbytes + 3) & ~3)
            if end > n:
                self.pos = pos
                raise self.truncated(end - pos, f"{what} attribute '{name}' values")
            if nc_type == NC_CHAR:
                # NUL padding written by some producers is not part of the text.
                attrs[name] = buf[pos : pos + nbytes].rstrip(b"\x00").decode("utf-8", "replace")
            elif nelems == 1:
                attrs[name] = scalar[nc_type](buf, pos)[0]
            else:
                attrs[name] = np.frombuffer(buf, info[0], nelems, pos).astype(_NATIVE[nc_type])
            pos = end
        self.pos = pos
        return attrs

    def header_start(self) -> tuple[int, int | None]:
        """Check the magic number and read numrecs; return (version, numrecs)."""
        buf = self.buf
        if self.n < 4:
            head = bytes(buf[: self.n])
            if self.n == 0:
                raise self.truncated(4, "magic number (buffer is empty)")
            if not any(m.startswith(head) for m in (b"CDF\x01", b"CDF\x02", _HDF5_MAGIC)):
                raise self.malformed(f"not a netCDF file (starts with {head!r})", 0)
            raise self.truncated(4, "magic number")
        magic = bytes(buf[:4])
        if magic[:3] != b"CDF":
            if bytes(buf[:8]) == _HDF5_MAGIC:
                raise self.malformed("this is a netCDF-4/HDF5 file, not netCDF-3 classic", 0)
            raise self.malformed(
                f"not a netCDF-3 file: magic number is {bytes(buf[:8])!r}, expected b'CDF\\x01' "
                "or b'CDF\\x02'",
                0,
            )
        version = magic[3]
        if version == 5:
            raise self.malformed("CDF-5 (64-bit data) format is not supported", 0)
        if version not in (1, 2):
            raise self.malformed(f"unknown netCDF-3 format version {version}", 0)
        self.pos = 4
        if self.n < 8:
            raise self.truncated(4, "numrecs")
        (numrecs,) = _U32(buf, 4)
        self.pos = 8
        if numrecs == _STREAMING:
            return version, None
        if numrecs > 0x7FFFFFFF:
            raise self.malformed(f"numrecs {numrecs} is neither non-negative nor STREAMING", 4)
        return version, numrecs

    def dim_list(self, numrecs: int | None) -> list[Dimension]:
        count = self.list_head(_NC_DIMENSION, "dimension list")
        if count * 12 > self.n - self.pos:  # name length + >=4-byte name + dim_length
            raise self.truncated(count * 12, f"dimension list of {count} entries")
        dims: list[Dimension] = []
        have_record = False
        for i in range(count):
            name = self.name(f"dimension {i}")
            size = self.non_neg(f"length of dimension '{name}'")
            if size == 0:
                if have_record:
                    raise self.malformed(
                        f"dimension '{name}' is a second record dimension", self.pos - 4
                    )
                have_record = True
                dims.append(Dimension(name, numrecs, True))
            else:
                dims.append(Dimension(name, size, False))
        return dims


def read_global_attributes(
    buf: bytes | bytearray | memoryview,
    *,
    path: str | os.PathLike | None = None,
    member: str | None = None,
) -> dict[str, AttrValue]:
    """Decode the global attributes of a netCDF-3 file from the start of its bytes.

    This is the fast path for CDAAC per-arc files: it decodes ``magic``,
    ``numrecs``, ``dim_list`` and ``gatt_list`` (NetCDF Classic Format
    Specification, Unidata) and stops there, so ``buf`` need only hold the file
    up to the end of the global attribute list; variables and data are never
    touched.

    Parameters
    ----------
    buf : bytes, bytearray or memoryview
        The first bytes of a netCDF-3 classic (``CDF\\x01``) or 64-bit-offset
        (``CDF\\x02``) file (or all of it).
        A bytearray or memoryview is copied to bytes once.
    path : str or os.PathLike, optional
        File the bytes came from, for error messages (tarball, for members).
    member : str, optional
        Archive member name, for error messages.

    Returns
    -------
    dict of str to object
        Attribute name to value, in file order: ``str`` for NC_CHAR (UTF-8,
        trailing NUL bytes removed, undecodable bytes replaced by U+FFFD);
        a Python ``int`` or ``float`` for a one-element numeric attribute;
        a native-endian :class:`numpy.ndarray` (int8, int16, int32, float32,
        float64) for zero or several elements. Units are whatever the file says.

    Raises
    ------
    HeaderTruncatedError
        If ``buf`` ends before the global attribute list does (a subclass of
        :class:`~estransport.errors.InputFileError`; read more bytes and retry).
    estransport.errors.InputFileError
        If the bytes are not a valid netCDF-3 classic/64-bit-offset header
        (wrong magic, HDF5/netCDF-4, CDF-5, bad tag, bad type, negative count).

    Notes
    -----
    Files of one producer share a header layout; the layout of the last few
    attribute lists decoded is cached, and a buffer with the same structural
    bytes (names, types, counts) is decoded with one ``struct`` call. The
    result is identical to the attribute-by-attribute decoding.

    Warnings
    --------
    Only well-formedness up to the end of the global attributes is checked: a
    file whose variable list is damaged still yields its global attributes.
    Use :func:`read_header` to check the whole header.
    """
    if not isinstance(buf, bytes):
        if not isinstance(buf, (bytearray, memoryview)):
            raise TypeError(f"expected a bytes-like buffer, got {type(buf).__name__}")
        buf = bytes(buf)
    return global_attribute_layout(buf, path=path, member=member).decode(buf)


def global_attribute_layout(
    buf: bytes, *, path: str | os.PathLike | None = None, member: str | None = None
) -> _GattLayout:
    """The layout of the header of ``buf`` up to the end of its global attributes.

    The layout is one of the cached layouts when ``buf`` has its structure
    (one masked big-integer comparison over the bytes up to the end of the
    global attribute list), else it is learnt from ``buf`` (the header decoded
    and checked as :func:`read_global_attributes` does) and cached. Files of
    one layout decode alike: :meth:`_GattLayout.decode` gives one file's
    attributes, :meth:`_GattLayout.columns` one array per attribute over many
    files.

    Parameters
    ----------
    buf : bytes
        The first bytes of a netCDF-3 classic or 64-bit-offset file (or all of it).
    path, member : optional
        File and archive member name, for error messages.

    Returns
    -------
    _GattLayout

    Raises
    ------
    HeaderTruncatedError, estransport.errors.InputFileError
        As :func:`read_global_attributes`.
    """
    n = len(buf)
    for layout in _LAYOUTS:
        end = layout.end
        if end <= n and int.from_bytes(buf[:end], "big") & layout.head_mask == layout.head_pattern:
            if layout.dim_lengths is None or layout.dim_lengths(buf).count(0) <= 1:
                return layout
    cur = _Cursor(buf, path, member)
    _, numrecs = cur.header_start()
    cur.dim_list(numrecs)
    start = cur.pos
    cur.att_list("global")
    layout = _GattLayout(cur.buf, start, cur.pos)
    _remember_layout(layout)
    return layout


class _GattLayout:
    """The byte layout of one global attribute list, to decode lists laid out alike at once.

    The ~1,500 files of a CDAAC day share one header layout: the same names,
    types and counts, so the same byte positions, with only the values
    differing. A layout records the *structural* bytes (list tag and count,
    each name length and name, nc_type and nelems) as a bit mask and pattern
    over the list, and the values as one :class:`struct.Struct`. A buffer whose
    structural bytes equal the pattern (one big-integer AND and compare)
    decodes with a single ``unpack_from`` into exactly what the attribute loop
    would return, because every check that loop makes is on structural bytes.
    Padding bytes are not compared (the loop does not check them either).
    """

    __slots__ = (
        "start",
        "length",
        "mask",
        "pattern",
        "unpack",
        "names",
        "fixups",
        "places",
        "end",
        "head_mask",
        "head_pattern",
        "dim_lengths",
    )

    def __init__(self, buf: bytes, start: int, end: int):
        # ``buf[start:end]`` is an att_list that _Cursor.att_list has just validated.
        mask = bytearray(end - start)
        fmt = [">8x"]
        names: list[str] = []
        fixups: list[tuple[int, tuple[np.dtype, np.dtype] | None]] = []
        places: list[tuple[int, int, int]] = []  # (offset of the values, nc_type, nelems)
        mask[0:8] = b"\xff" * 8
        (count,) = _I32(buf, start + 4)
        pos = start + 8
        for i in range(count):
            (length,) = _I32(buf, pos)
            padded = (length + 3) & ~3
            names.append(buf[pos + 4 : pos + 4 + length].decode("utf-8"))
            rel = pos - start
            mask[rel : rel + 4 + length] = b"\xff" * (4 + length)
            mask[rel + 4 + padded : rel + 12 + padded] = b"\xff" * 8
            nc_type, nelems = _II(buf, pos + 4 + padded)
            fmt.append(f"{4 + padded + 8}x")
            dtype, size, code = _TYPES[nc_type]
            nbytes = nelems * size
            places.append((pos + 4 + padded + 8, nc_type, nelems))
            if nc_type == NC_CHAR:
                fmt.append(f"{nbytes}s")
                fixups.append((i, None))
            elif nelems == 1:
                fmt.append(code)
            else:
                fmt.append(f"{nbytes}s")
                fixups.append((i, (dtype, _NATIVE[nc_type])))
            vpad = ((nbytes + 3) & ~3) - nbytes
            if vpad:
                fmt.append(f"{vpad}x")
            pos += 4 + padded + 8 + nbytes + vpad
        if pos != end:  # cannot happen for a list the loop accepted
            raise AssertionError(f"attribute layout ends at {pos}, list at {end}")
        self.start = start
        self.length = end - start
        self.mask = int.from_bytes(mask, "big")
        self.pattern = int.from_bytes(buf[start:end], "big") & self.mask
        self.end = end
        head, self.dim_lengths = _head_mask(buf, start)
        # The whole header up to here in one comparison (global_attribute_layout).
        self.head_mask = int.from_bytes(head + mask, "big")
        self.head_pattern = int.from_bytes(buf[:end], "big") & self.head_mask
        self.unpack = struct.Struct("".join(fmt)).unpack_from
        self.names = names
        self.fixups = fixups
        self.places = places

    def decode(self, buf: bytes) -> dict[str, AttrValue]:
        values = self.unpack(buf, self.start)
        if self.fixups:
            values = list(values)
            for i, dtypes in self.fixups:
                if dtypes is None:
                    values[i] = values[i].rstrip(b"\x00").decode("utf-8", "replace")
                else:
                    values[i] = np.frombuffer(values[i], dtypes[0]).astype(dtypes[1])
        return dict(zip(self.names, values, strict=True))

    def columns(self, bufs: list[bytes], names) -> tuple[np.ndarray | None, ...]:
        """Chosen one-number attributes of many files of this layout, one array each.

        Parameters
        ----------
        bufs : list of bytes
            The files (or their first :attr:`end` bytes or more), each of this
            layout (:func:`global_attribute_layout`).
        names : sequence of str
            Attribute names.

        Returns
        -------
        tuple of numpy.ndarray or None
            Per name, shape (files,) in the native byte order of the stored type
            (int8, int16, int32, float32, float64), the values :meth:`decode`
            gives; None where the layout lacks the attribute or it is not one
            number (text, several values).
        """
        end = self.end
        rows = np.frombuffer(b"".join([b[:end] for b in bufs]), np.uint8).reshape(len(bufs), end)
        index = {name: i for i, name in enumerate(self.names)}
        out = []
        for name in names:
            i = index.get(name)
            offset, nc_type, nelems = self.places[i] if i is not None else (0, NC_CHAR, 0)
            if nc_type == NC_CHAR or nelems != 1:
                out.append(None)
            else:
                out.append(_column(rows, offset, _TYPES[nc_type][0], 1)[:, 0])
        return tuple(out)


def _head_mask(buf: bytes, start: int):
    """Mask of the checked bytes of ``magic numrecs dim_list`` (validated), and the dim lengths.

    What :meth:`_Cursor.header_start` and :meth:`_Cursor.dim_list` check: the
    magic number; numrecs non-negative (its top bit clear) or, if STREAMING,
    exactly that; the list tag and count; each name length and name (not the
    padding); each dimension length non-negative (top bit clear). That at most
    one length is 0 (one record dimension) is left to the returned unpacker
    (None when there are fewer than two dimensions).
    """
    head = bytearray(start)
    head[0:4] = b"\xff" * 4
    (numrecs,) = _U32(buf, 4)
    head[4:8] = b"\xff" * 4 if numrecs == _STREAMING else b"\x80\x00\x00\x00"
    head[8:16] = b"\xff" * 8
    (count,) = _I32(buf, 12)
    pos, fmt, at = 16, [">"], 0
    for _ in range(count):
        (length,) = _I32(buf, pos)
        head[pos : pos + 4 + length] = b"\xff" * (4 + length)
        pos += 4 + ((length + 3) & ~3)
        head[pos] = 0x80
        fmt.append(f"{pos - at}xi")
        at = pos + 4
        pos += 4
    if pos != start:  # cannot happen for a list dim_list accepted
        raise AssertionError(f"dimension list ends at {pos}, attributes start at {start}")
    return bytes(head), (struct.Struct("".join(fmt)).unpack_from if count > 1 else None)


def _column(rows: np.ndarray, offset: int, dtype: np.dtype, count: int) -> np.ndarray:
    """``count`` values of big-endian ``dtype`` at ``offset`` of every row, native byte order."""
    block = np.ascontiguousarray(rows[:, offset : offset + count * dtype.itemsize])
    return block.view(dtype).astype(dtype.newbyteorder("="))


#: Most recently used layouts first; a day tarball normally needs one.
_LAYOUTS: list[_GattLayout] = []
_MAX_LAYOUTS = 8


def _remember_layout(layout: _GattLayout) -> None:
    _LAYOUTS.insert(0, layout)
    del _LAYOUTS[_MAX_LAYOUTS:]


def _clear_layout_cache() -> None:
    """Forget the cached layouts (for tests of the uncached path)."""
    _LAYOUTS.clear()


def read_header(
    buf: bytes | bytearray | memoryview,
    *,
    path: str | os.PathLike | None = None,
    member: str | None = None,
) -> Header:
    """Decode the whole header of a netCDF-3 classic or 64-bit-offset file.

    Implements ``header = magic numrecs dim_list gatt_list var_list`` of the
    NetCDF Classic Format Specification (Unidata). No variable data is read.

    Parameters
    ----------
    buf : bytes, bytearray or memoryview
        The file's bytes, at least up to the end of the header.
    path : str or os.PathLike, optional
        File name for error messages.
    member : str, optional
        Archive member name for error messages.

    Returns
    -------
    Header
        Dimensions, global attributes, variables (with attributes, type,
        shape and the byte offset ``begin`` of their data) and the header size.

    Raises
    ------
    HeaderTruncatedError
        If ``buf`` ends inside the header.
    estransport.errors.InputFileError
        If the header is malformed (including a variable that refers to an
        unknown dimension or uses the record dimension other than first).
    """
    cur = _Cursor(buf, path, member)
    version, numrecs = cur.header_start()
    dims = cur.dim_list(numrecs)
    gatts = cur.att_list("global")
    count = cur.list_head(_NC_VARIABLE, "variable list")
    if count * 28 > cur.n - cur.pos:  # smallest var entry: 28 bytes
        raise cur.truncated(count * 28, f"variable list of {count} entries")
    offset_size = 8 if version == 2 else 4
    variables: dict[str, Variable] = {}
    for i in range(count):
        name = cur.name(f"variable {i}")
        ndims = cur.non_neg(f"number of dimensions of variable '{name}'")
        if ndims * 4 > cur.n - cur.pos:
            raise cur.truncated(ndims * 4, f"dimension ids of variable '{name}'")
        dimids = struct.unpack_from(f">{ndims}i", cur.buf, cur.pos)
        for k, dimid in enumerate(dimids):
            if not 0 <= dimid < len(dims):
                raise cur.malformed(
                    f"variable '{name}' refers to dimension id {dimid}, but the file has "
                    f"{len(dims)} dimensions",
                    cur.pos + 4 * k,
                )
            if k > 0 and dims[dimid].unlimited:
                raise cur.malformed(
                    f"variable '{name}' uses the record dimension '{dims[dimid].name}' "
                    "other than as its first dimension",
                    cur.pos + 4 * k,
                )
        cur.pos += 4 * ndims
        vatts = cur.att_list(f"variable '{name}'")
        if cur.pos + 8 + offset_size > cur.n:
            raise cur.truncated(8 + offset_size, f"type, vsize and begin of variable '{name}'")
        nc_type, vsize = struct.unpack_from(">iI", cur.buf, cur.pos)
        if nc_type not in _TYPES:
            raise cur.malformed(
                f"variable '{name}' has invalid nc_type {nc_type} (classic format allows 1..6)"
            )
        pos = cur.pos + 8
        (begin,) = (_I64 if version == 2 else _I32)(cur.buf, pos)
        if begin < 0:
            raise cur.malformed(f"variable '{name}' has negative begin offset {begin}", pos)
        cur.pos = pos + offset_size
        variables[name] = Variable(
            name=name,
            dimensions=tuple(dims[d].name for d in dimids),
            shape=tuple(dims[d].size for d in dimids),
            nc_type=nc_type,
            dtype=_TYPES[nc_type][0],
            attributes=vatts,
            vsize=vsize,
            begin=begin,
            is_record=bool(dimids) and dims[dimids[0]].unlimited,
        )
    return Header(
        version=version,
        numrecs=numrecs,
        dimensions={d.name: d for d in dims},
        attributes=gatts,
        variables=variables,
        size=cur.pos,
    )


def type_name(nc_type: int) -> str:
    """Return the netCDF name (``"NC_INT"`` ...) of an external type code."""
    return _TYPE_NAMES.get(nc_type, f"<invalid type {nc_type}>")


class Layout:
    """The whole header layout of a family of netCDF-3 files, for batch decoding.

    Files of one producer with the same dimension lengths share everything in
    the header but the values of the global attributes (docs/formats.md §2.5):
    the variable list, with its attributes, types, sizes and data offsets, is
    byte for byte the same. A layout checks the global attributes' structure
    with a :class:`_GattLayout` and the rest of the header by byte comparison,
    and knows where every selected attribute value and variable lies, so that
    the members of one layout can be decoded together as rows of one array
    (:meth:`decode_batch`). Built by :class:`HeaderSelector`.

    Attributes
    ----------
    size : int or None
        Length in bytes of every file of this layout (None when it has record
        variables, whose length varies with the number of records).
    attributes, variables : tuple of str
        The selected names (see :class:`HeaderSelector`).
    """

    __slots__ = (
        "gatt",
        "dim_bytes",
        "var_start",
        "var_bytes",
        "attr_index",
        "attr_fix",
        "attr_place",
        "var_specs",
        "size",
        "attributes",
        "variables",
    )

    def __init__(self, buf: bytes, header: Header, gatt: _GattLayout, attrs, variables):
        self.attributes = tuple(attrs)
        self.variables = tuple(variables)
        self.gatt = gatt
        self.dim_bytes = buf[:4] + buf[8 : gatt.start]
        self.var_start = gatt.start + gatt.length
        self.var_bytes = buf[self.var_start : header.size]
        names = gatt.names
        fix = dict(gatt.fixups)
        self.attr_index = tuple(names.index(a) if a in names else -1 for a in attrs)
        self.attr_fix = tuple(fix.get(i, False) if i >= 0 else False for i in self.attr_index)
        self.attr_place = tuple(gatt.places[i] if i >= 0 else None for i in self.attr_index)
        record_vars = [v for v in header.variables.values() if v.is_record]
        recsize = sum(v.vsize for v in record_vars)
        if len(record_vars) == 1:
            # One record variable: its records are not padded (classic format spec).
            v = record_vars[0]
            recsize = int(np.prod(v.shape[1:], dtype=np.int64)) * v.dtype.itemsize
        specs = []
        for name in variables:
            var = header.variables.get(name)
            if var is None:
                specs.append(None)
                continue
            per = int(np.prod(var.shape[var.is_record :], dtype=np.int64))
            specs.append((var.begin, var.dtype, per, var.is_record, recsize))
        self.var_specs = tuple(specs)
        if record_vars:
            self.size = None
        else:
            ends = [v.begin + v.vsize for v in header.variables.values()]
            self.size = max([header.size, *ends])

    def _sibling(
        self, dim_bytes: bytes, var_bytes: bytes, begins: dict, pers: dict, size: int
    ) -> Layout:
        """A layout of the same structure with other dimension lengths (see _Family)."""
        out = object.__new__(Layout)
        for slot in Layout.__slots__:
            setattr(out, slot, getattr(self, slot))
        out.dim_bytes = dim_bytes
        out.var_bytes = var_bytes
        out.size = size
        out.var_specs = tuple(
            None if spec is None else (begins[name], spec[1], pers[name], False, 0)
            for name, spec in zip(self.variables, self.var_specs, strict=True)
        )
        return out

    def matches(self, buf: bytes) -> bool:
        """True if ``buf`` has exactly this layout (structure and variable list)."""
        if buf[:4] + buf[8 : self.gatt.start] != self.dim_bytes:
            return False
        g = self.gatt
        end = g.start + g.length
        if int.from_bytes(buf[g.start : end], "big") & g.mask != g.pattern:
            return False
        return buf[self.var_start : self.var_start + len(self.var_bytes)] == self.var_bytes

    def extract(self, buf: bytes, path=None, member=None):
        """Selected attributes and variables of one file of this layout (see HeaderSelector.read)."""
        values = self.gatt.unpack(buf, self.gatt.start)
        attrs = []
        for i, fixup in zip(self.attr_index, self.attr_fix, strict=True):
            if i < 0:
                attrs.append(None)
            elif fixup is False:
                attrs.append(values[i])
            elif fixup is None:
                attrs.append(values[i].rstrip(b"\x00").decode("utf-8", "replace"))
            else:
                attrs.append(np.frombuffer(values[i], fixup[0]).astype(fixup[1]))
        (numrecs,) = _U32(buf, 4)
        numrecs = None if numrecs == _STREAMING else numrecs
        arrays = []
        n = len(buf)
        where = "<bytes>" if path is None else path
        for spec in self.var_specs:
            if spec is None:
                arrays.append(None)
                continue
            begin, dtype, per, is_record, recsize = spec
            size = dtype.itemsize
            if not is_record:
                if begin + per * size > n:
                    raise InputFileError(
                        where,
                        f"netCDF-3 data truncated: a variable needs bytes up to {begin + per * size}"
                        f" but the file has {n}",
                        member=member,
                    )
                arrays.append(np.frombuffer(buf, dtype, per, begin))
                continue
            records = numrecs
            if records is None:  # STREAMING: as many whole records as the file holds
                records = max(0, (n - begin + recsize - per * size) // recsize) if recsize else 0
            if records and begin + (records - 1) * recsize + per * size > n:
                raise InputFileError(
                    where,
                    f"netCDF-3 data truncated: {records} records need "
                    f"{begin + (records - 1) * recsize + per * size} bytes, the file has {n}",
                    member=member,
                )
            if records == 0:
                arrays.append(np.zeros(0, dtype))
            elif recsize == per * size:
                arrays.append(np.frombuffer(buf, dtype, records * per, begin))
            else:
                strided = np.ndarray((records, per), dtype, buf, begin, (recsize, size))
                arrays.append(strided.reshape(-1))
        return tuple(attrs), tuple(arrays)

    def decode_batch(self, bufs: list[bytes]):
        """Selected numeric attributes and variables of many files of this layout at once.

        Parameters
        ----------
        bufs : list of bytes
            Whole files of one length, at least :attr:`size` (layouts without
            record variables only), each matched by :meth:`matches`.

        Returns
        -------
        attrs : tuple of numpy.ndarray or None
            Per selected attribute, shape (files,) in native byte order; None
            where the layout lacks it or it is not one number (text, array).
        arrays : tuple of numpy.ndarray or None
            Per selected variable, shape (files, values) in native byte order.
        """
        if self.size is None:
            raise ValueError("decode_batch needs a layout without record variables")
        m = len(bufs)
        width = len(bufs[0]) if m else self.size
        if width < self.size or any(len(b) != width for b in bufs):
            raise ValueError(f"decode_batch needs files of one length >= {self.size} bytes")
        rows = np.frombuffer(b"".join(bufs), np.uint8).reshape(m, width)
        attrs = []
        for place in self.attr_place:
            if place is None or place[1] == NC_CHAR or place[2] != 1:
                attrs.append(None)
            else:
                attrs.append(_column(rows, place[0], _TYPES[place[1]][0], 1)[:, 0])
        arrays = []
        for spec in self.var_specs:
            if spec is None:
                arrays.append(None)
            else:
                begin, dtype, per, _, _ = spec
                arrays.append(_column(rows, begin, dtype, per))
        return tuple(attrs), tuple(arrays)


class _Family:
    """Layouts that differ only in dimension lengths, so that a new length costs no parse.

    The COSMIC-2 ``scnLv2`` files of a day have about a hundred different sample
    counts, hence a hundred layouts. When the first layout of a family was
    written the classic way (no record variables; each variable's data right
    after the previous one's, starting at the end of the header), the variable
    list of a file with other dimension lengths is predictable: the same bytes
    with other ``vsize`` and ``begin`` fields. :meth:`derive` builds that
    expected variable list and accepts the file only if its bytes are exactly
    those, so a derived layout is as safe as a parsed one.
    """

    __slots__ = ("version", "dim_names", "base", "fields", "template", "header_size")

    def __init__(self, buf: bytes, header: Header, base: Layout):
        self.version = header.version
        self.dim_names = tuple(header.dimensions)
        self.base = base
        self.header_size = header.size
        ids = {name: k for k, name in enumerate(self.dim_names)}
        cur = _Cursor(buf, None, None)
        cur.pos = base.var_start
        count = cur.list_head(_NC_VARIABLE, "variable list")
        fields = []
        template = bytearray(buf[base.var_start : header.size])
        begin_size = 8 if self.version == 2 else 4
        expected_begin = header.size
        for _ in range(count):
            name = cur.name("variable")
            ndims = cur.non_neg("ndims")
            cur.pos += 4 * ndims
            cur.att_list("variable")
            var = header.variables[name]
            rel = cur.pos - base.var_start
            itemsize = var.dtype.itemsize
            shape_ids = tuple(ids[d] for d in var.dimensions)
            nbytes = int(np.prod(var.shape, dtype=np.int64)) * itemsize
            if var.is_record or var.begin != expected_begin or var.vsize != nbytes + (-nbytes % 4):
                raise ValueError("not a contiguous classic layout")
            template[rel + 4 : rel + 8 + begin_size] = bytes(4 + begin_size)
            fields.append((name, rel + 4, rel + 8, shape_ids, itemsize))
            expected_begin += var.vsize
            cur.pos += 8 + begin_size
        self.fields = tuple(fields)
        self.template = bytes(template)

    def derive(self, buf: bytes, version: int, dims: list[Dimension], gatt_start: int):
        """The layout of ``buf`` if it belongs to this family, else None."""
        if version != self.version or tuple(d.name for d in dims) != self.dim_names:
            return None
        base = self.base
        g = base.gatt
        if gatt_start != g.start:
            return None
        end = g.start + g.length
        if int.from_bytes(buf[g.start : end], "big") & g.mask != g.pattern:
            return None
        sizes = [d.size for d in dims]
        expected = bytearray(self.template)
        pack_begin = struct.Struct(">q" if version == 2 else ">i").pack_into
        begin = self.header_size
        begins, pers = {}, {}
        for name, off_vsize, off_begin, shape_ids, itemsize in self.fields:
            per = 1
            for k in shape_ids:
                per *= sizes[k]
            nbytes = per * itemsize
            vsize = nbytes + (-nbytes % 4)
            struct.pack_into(">I", expected, off_vsize, vsize)
            pack_begin(expected, off_begin, begin)
            begins[name], pers[name] = begin, per
            begin += vsize
        if buf[base.var_start : base.var_start + len(expected)] != expected:
            return None
        return base._sibling(
            buf[:4] + buf[8:gatt_start], bytes(expected), begins, pers, max(self.header_size, begin)
        )


class HeaderSelector:
    """Find the header layout of many netCDF-3 files alike, and read chosen parts of them.

    The per-sample scintillation products of COSMIC-2 and Spire (``scnLv2``,
    ``podTc2``; docs/formats.md §2) come about 9,000 small files a day. All
    files of a day share a header layout apart from the dimension length and
    the attribute values, so after the first file of each layout a header is
    matched, not parsed: a dictionary lookup on the file's length, one byte
    comparison of the dimensions, one masked big-integer comparison over the
    global attributes and one byte comparison over the variable list. Files of
    one :class:`Layout` can then be decoded together (:meth:`Layout.decode_batch`).

    Parameters
    ----------
    attributes : sequence of str
        Global attributes to return, in this order.
    variables : sequence of str
        Variables to return, in this order.
    max_layouts : int, default 1024
        Layouts kept (about one per distinct dimension length); all are
        forgotten when there would be more.

    Notes
    -----
    The first file of each layout family is decoded by :func:`read_header`,
    which validates the whole header; a file with other dimension lengths whose
    variable list is byte for byte the one the family predicts gets a derived
    layout (:class:`_Family`). A file that matches a cached layout has, byte
    for byte, the structure of a validated file, so only the bounds of the
    data are checked again.
    """

    def __init__(self, attributes, variables, *, max_layouts: int = 1024):
        self.attributes = tuple(attributes)
        self.variables = tuple(variables)
        self.max_layouts = int(max_layouts)
        self._by_size: dict[int, list[Layout]] = {}
        self._records: list[Layout] = []
        self._families: list[_Family] = []
        self._count = 0

    def layout(self, buf: bytes, *, path=None, member=None) -> Layout:
        """The layout of one file (learnt from it if new).

        Parameters
        ----------
        buf : bytes
            The whole file.
        path, member : optional
            For error messages (file or archive, and member name).

        Returns
        -------
        Layout

        Raises
        ------
        HeaderTruncatedError, estransport.errors.InputFileError
            If the header is malformed or truncated, or the file is shorter
            than its variables need.
        """
        for layout in self._by_size.get(len(buf), ()):
            if layout.matches(buf):
                return layout
        for layout in self._records:
            if layout.matches(buf):
                return layout
        return self._learn(buf, path, member)

    def read(self, buf, *, path=None, member=None):
        """Decode one file.

        Parameters
        ----------
        buf : bytes
            The whole file (variables are read from it).
        path : str or os.PathLike, optional
            File (or archive) the bytes came from, for error messages.
        member : str, optional
            Archive member name, for error messages.

        Returns
        -------
        attrs : tuple
            One value per requested attribute (decoded as by
            :func:`read_global_attributes`), None where absent.
        arrays : tuple of numpy.ndarray or None
            One array per requested variable, flattened, in the file's
            big-endian dtype (a view of ``buf`` where contiguous), None where
            absent. Units are whatever the file says.

        Raises
        ------
        HeaderTruncatedError, estransport.errors.InputFileError
            If the header is malformed or truncated, or the data of a
            selected variable runs past the end of ``buf``.
        """
        if not isinstance(buf, bytes):
            buf = bytes(buf)
        return self.layout(buf, path=path, member=member).extract(buf, path, member)

    def _learn(self, buf: bytes, path, member) -> Layout:
        cur = _Cursor(buf, path, member)
        version, numrecs = cur.header_start()
        dims = cur.dim_list(numrecs)
        start = cur.pos
        layout = None
        for family in self._families:
            layout = family.derive(buf, version, dims, start)
            if layout is not None:
                break
        if layout is None:
            header = read_header(buf, path=path, member=member)
            cur.att_list("global")
            gatt = _GattLayout(buf, start, cur.pos)
            layout = Layout(buf, header, gatt, self.attributes, self.variables)
            try:
                self._families.insert(0, _Family(buf, header, layout))
                del self._families[8:]
            except ValueError:
                pass  # not a contiguous classic layout: every length is parsed
        if layout.size is not None and layout.size > len(buf):
            raise InputFileError(
                "<bytes>" if path is None else path,
                f"netCDF-3 data truncated: the variables need {layout.size} bytes, the file has "
                f"{len(buf)}",
                member=member,
            )
        if self._count >= self.max_layouts:
            self._by_size.clear()
            self._records.clear()
            self._families.clear()
            self._count = 0
        if layout.size is None:
            self._records.insert(0, layout)
        else:
            self._by_size.setdefault(len(buf), []).insert(0, layout)
        self._count += 1
        return layout
