"""Shared helpers of the text parsers: strict line reading and fixed-width fields.

Every helper raises :class:`~estransport.errors.InputFileError` naming the
file and the 1-based line, so a parser built from them never fails with any
other exception type on bad input.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from ..errors import InputFileError

_INT = re.compile(r"^ *-?\d+$")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # any control character except LF
_CONTROL_TAB_OK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FIXED = re.compile(r"^ *-?\d*\.\d*$")
#: Bytes a text line may hold: printable ASCII and LF (CR LF is made LF first).
_ALLOWED = bytes(range(0x20, 0x7F)) + b"\n"
_ALLOWED_TAB_OK = _ALLOWED + b"\t"

#: Earliest year accepted as ionosonde data: the first ionosondes ran in the 1930s, so an
#: earlier year is a corrupt or misread time stamp.
MIN_YEAR = 1930
#: Latest year accepted. Any later year is a corrupt time stamp; the bound also keeps every
#: time well inside what ``datetime64[ns]`` holds (1677-09-21 to 2262-04-11), so the
#: conversion to the table's ``time_ut`` can never fail on a year a parser let through.
MAX_YEAR = 2100


def read_lines(path: str | os.PathLike, *, allow_tabs: bool = False) -> list[str]:
    """Read an ASCII text file into lines, accepting LF and CRLF endings.

    Parameters
    ----------
    path : path-like
        File to read.
    allow_tabs : bool
        Accept TAB characters (whitespace-separated formats); fixed-width
        formats must not contain them.

    Returns
    -------
    list of str
        Lines without their line endings; a final line ending does not create
        an empty last line.

    Raises
    ------
    InputFileError
        Empty file, a non-ASCII byte, or a control character (including a
        stray CR inside a line), naming the line.
    """
    data = Path(path).read_bytes()
    if not data:
        raise InputFileError(path, "empty file (0 bytes)", line=1)
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    # One C-speed pass over the bytes (what is left after deleting every allowed byte);
    # only a file that fails it is searched again to name the offending byte and line.
    if data.translate(None, _ALLOWED_TAB_OK if allow_tabs else _ALLOWED):
        _raise_bad_byte(path, data, allow_tabs)
    text = data.decode("ascii")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _raise_bad_byte(path, data: bytes, allow_tabs: bool) -> None:
    """Name the first non-ASCII byte, else the first control character, and its line."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputFileError(
            path, f"non-ASCII byte 0x{data[err.start]:02x}; not a text export", line=line
        ) from None
    bad = (_CONTROL_TAB_OK if allow_tabs else _CONTROL).search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputFileError(
            path, f"control character 0x{ord(bad.group()):02x} in a text line", line=line
        )


def parse_int(path, text: str, lineno: int, what: str) -> int:
    """Parse a right-justified Fortran ``I`` field (blanks before the digits allowed).

    Raises
    ------
    InputFileError
        If ``text`` is not an integer.
    """
    if not _INT.match(text):
        raise InputFileError(path, f"{what}: expected an integer, found {text!r}", line=lineno)
    return int(text)


def parse_fixed(path, text: str, lineno: int, what: str) -> float:
    """Parse a Fortran ``F`` field such as ``   4.530`` or ``9999.000``.

    Raises
    ------
    InputFileError
        If ``text`` is not a fixed-point number.
    """
    if not _FIXED.match(text) or text.strip() in ("", ".", "-", "-."):
        raise InputFileError(path, f"{what}: expected a number, found {text!r}", line=lineno)
    return float(text)


def implausible_year(year: int) -> str:
    """The message for a year outside :data:`MIN_YEAR`-:data:`MAX_YEAR`."""
    return (
        f"implausible year {year} (ionosonde data lie in {MIN_YEAR}-{MAX_YEAR}): the time "
        "stamp is corrupt; fix or remove this line, or get the file again from its source"
    )


def make_datetime(
    path,
    lineno: int,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    *,
    context: str = "",
) -> dt.datetime:
    """A datetime from fields, with a clear error for impossible dates.

    ``context`` is appended to an error message (e.g. the record the line belongs to).

    Raises
    ------
    InputFileError
        Year outside :data:`MIN_YEAR`-:data:`MAX_YEAR` or an impossible
        calendar date or time of day.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputFileError(path, implausible_year(year) + context, line=lineno)
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError as err:
        raise InputFileError(
            path,
            f"impossible date/time {year:04d}-{month:02d}-{day:02d} "
            f"{hour:02d}:{minute:02d}:{second:02d} ({err}){context}",
            line=lineno,
        ) from None
