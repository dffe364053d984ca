"""Digisonde SAO 4.x ("Standard Archiving Output") reader.

Layout (docs/formats.md 3.2, verified on the five real SAO files of tests/data/realdata.tsv):

* A record starts with the *data file index*: two lines of ``40I3``; element
  *g* is the number of elements of group *g* (0 = absent), except for group 2,
  where it counts **lines** (the Dynasonde writes a 3-line group 2 whose first
  line is blank). Element 80 is a format-version number.
* Groups follow in order, each starting on a new line, with a fixed number of
  elements per line (:data:`ELEMENTS_PER_LINE`). Elements are fixed width and
  may run together (``10.0009999.000``): fields are sliced by width, never
  split on blanks.
* Group 3 begins with a preface: ``FF``/``FE`` (Digisonde, 77 characters) or
  ``AA`` (19 characters), then year, day of year, month, day, hour, minute and
  second (UT).
* Group 4 holds the scaled characteristics (``15F8.3``); foEs is element 6,
  h'Es 14, fbEs 48 and the type of Es 49. ``9999.000`` means no value.
* Groups 54 and 55 hold the URSI qualifying and descriptive letters, one
  character per group-4 characteristic ([I]: letter *k* belongs to
  characteristic *k*, docs/formats.md 3.2); ``/`` and blank mean no letter.
* Every other group holds numbers in a fixed Fortran format
  (:data:`GROUP_FORMAT`): each line must hold exactly its elements in that
  format. This is what keeps a record that is shorter than its index says
  (a member cut short in a ``cat``-ed year file) from reading the next
  records' lines as its own trace data.
* A file may hold several records one after the other; all are read. Blank
  lines between records are skipped; a record repeated with the same time and
  content is dropped with a warning; the same time with other content is an
  error naming both lines (docs/formats.md 3.2).
* Lines end in CR LF or LF.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import math
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from ._text import make_datetime, parse_fixed, parse_int, read_lines
from .schema import CONFIDENCE_UNKNOWN, TablePart, part_from_columns, table_from_parts

logger = logging.getLogger(__name__)

#: Fortran format of each group's lines (SAO 4.3 group table, docs/formats.md 3.2 [V]): elements
#: per line and edit descriptor. Group 2's index entry counts lines (``A120``), group 3 is
#: free text checked by its preface, groups 54/55 are letters; the others are numbers.
GROUP_FORMAT: dict[int, str] = {
    1: "16F7.3",
    2: "1A120",
    3: "120A1",
    4: "15F8.3",
    5: "60I2",
    6: "16F7.3",
}
# O-trace F2, F1, E: virtual height, true height, amplitude, Doppler number, frequency
for _first in (7, 12, 17):
    GROUP_FORMAT.update(
        {
            _first: "15F8.3",
            _first + 1: "15F8.3",
            _first + 2: "40I3",
            _first + 3: "120I1",
            _first + 4: "15F8.3",
        }
    )
# X-trace F2, F1, E; O-trace Es; O-trace auroral E: virtual height, amplitude, Doppler
# number, frequency
for _first in (22, 26, 30, 43, 47):
    GROUP_FORMAT.update(
        {_first: "15F8.3", _first + 1: "40I3", _first + 2: "120I1", _first + 3: "15F8.3"}
    )
GROUP_FORMAT.update(
    {
        34: "40I3",
        35: "40I3",
        36: "40I3",  # median amplitudes F, E, Es
        37: "10E11.6",
        38: "10E11.6",
        39: "10E11.6",  # true-height coefficients F2, F1, E
        40: "6E20.12",  # quasi-parabolic segments
        41: "120I1",  # edit flags, characteristics
        42: "10E11.6",  # valley description
        51: "15F8.3",
        52: "15F8.3",
        53: "15E8.3",  # profile: true h, plasma frequency, density
        54: "120A1",
        55: "120A1",  # URSI qualifying / descriptive letters
        56: "120I1",  # edit flags, traces and profile
        57: "10E11.6",
        58: "15F8.3",
        59: "15F8.3",
        60: "15E8.3",  # auroral-E profile
    }
)
_FORMAT = re.compile(r"^(\d+)([AFIE])(\d+)(?:\.(\d+))?$")
#: Elements per line of each group; group 2 is absent because its index entry counts lines.
ELEMENTS_PER_LINE: dict[int, int] = {
    g: int(_FORMAT.match(f).group(1)) for g, f in GROUP_FORMAT.items() if g != 2
}
#: Groups whose lines are free text (not checked element by element).
TEXT_GROUPS = frozenset({2, 3})
#: Groups of URSI letters (``120A1``: A-Z, ``/`` or blank).
LETTER_GROUPS = frozenset({54, 55})

#: Number of groups the index may describe (SAO 4.3 has 60; elements 61-79 must be 0).
N_GROUPS = 60
#: Maximum line length of the format (docs/formats.md 3.2 [V]).
MAX_LINE = 120
#: Width of a group-4 element (``F8.3``).
GROUP4_WIDTH = 8
#: Known group-3 prefaces (docs/formats.md 3.2 [V]; README of realdata/sao).
PREFACES = ("FF", "FE", "AA")
#: Position (1-based) of each characteristic we keep in group 4 (docs/formats.md 3.2 [V]).
GROUP4_POSITION = {"foEs": 6, "hEs": 14, "fminEs": 36, "fbEs": 48, "es_type": 49}
#: The no-data value of the format (docs/formats.md 3.2 [V]).
NO_DATA = 9999.0
#: Analysis flag (group 5, ``60I2``) whose two digits encode the autoscaling confidence.
CONFIDENCE_FLAG = 10

#: An index line: 40 right-justified non-negative ``I3`` fields.
_INDEX_LINE = re.compile(r"^(?:  \d| \d\d|\d\d\d){40}$")
_G4_SPLIT = re.compile(r".{8}")
_LETTERS = re.compile(r"^[A-Z/ ]*$")
#: The start of a group-3 line (preface and time stamp), to recognise one out of place.
_PREFACE_LINE = re.compile(r"^(?:FF|FE|AA)\d{17}")
_CONFIDENCE_TEXT = re.compile(r"Confidence:\s*(\d{1,3})\s*%")


@dataclasses.dataclass
class SAORecord:
    """One SAO record (one ionogram).

    Attributes
    ----------
    time : datetime.datetime
        Time of the sounding, UT.
    line : int
        1-based line of the file where the record's index starts.
    preface : str
        ``FF``, ``FE`` or ``AA``.
    version : int
        Index element 80 (format version indicator).
    characteristics : numpy.ndarray
        Group 4 values, in their units (MHz, km); NaN for ``9999.000``.
    qualifiers, descriptors : str
        Groups 54 and 55 (empty if absent).
    confidence : int
        0-100 autoscaling confidence, or -1 if unknown.
    system : list of str
        Group 2 lines (system description and operator message).
    """

    time: dt.datetime
    line: int
    preface: str
    version: int
    characteristics: np.ndarray
    qualifiers: str
    descriptors: str
    confidence: int
    system: list[str]

    def value(self, name: str) -> float:
        """Group-4 characteristic ``name`` (a key of :data:`GROUP4_POSITION`), NaN if absent."""
        k = GROUP4_POSITION[name]
        return float(self.characteristics[k - 1]) if k <= len(self.characteristics) else math.nan

    def letters(self, name: str) -> tuple[str, str]:
        """(qualifying, descriptive) letter of characteristic ``name``; ``""`` for none."""
        k = GROUP4_POSITION[name]
        return _letter(self.qualifiers, k), _letter(self.descriptors, k)


def _letter(group: str, k: int) -> str:
    if k > len(group):
        return ""
    ch = group[k - 1]
    return ch if ch.isalpha() else ""


def _group_lines(group: int, count: int) -> int:
    if count == 0:
        return 0
    if group == 2:
        return count
    return math.ceil(count / ELEMENTS_PER_LINE[group])


@functools.lru_cache(maxsize=256)
def _index_ints(text: str) -> tuple[int, ...]:
    """The 40 integers of a valid index line (cached: records of a file share indexes)."""
    return tuple(int(text[3 * i : 3 * i + 3]) for i in range(40))


#: A numeric group of a record layout: (group, format, line offset, element count,
#: length of each line written without padding).
_Numeric = tuple[int, str, int, int, tuple[int, ...]]


@functools.lru_cache(maxsize=64)
def _layout(counts: tuple[int, ...]) -> tuple[dict[int, int], int, tuple[_Numeric, ...]]:
    """Line offset of each present group from the end of the index, the total line count,
    and the numeric groups (checked by :class:`_DataLines`).
    """
    offsets, pos, numeric = {}, 0, []
    for g in range(1, N_GROUPS + 1):
        nl = _group_lines(g, counts[g - 1])
        if nl:
            offsets[g] = pos
            if g not in TEXT_GROUPS and g not in LETTER_GROUPS:
                fmt = GROUP_FORMAT[g]
                numeric.append((g, fmt, pos, counts[g - 1], _line_lengths(fmt, counts[g - 1])))
        pos += nl
    return offsets, pos, tuple(numeric)


# --- the format of the data groups --------------------------------------------------------


@functools.cache
def _descriptor(fmt: str) -> tuple[int, str, int, int]:
    """``"15F8.3"`` -> (elements per line 15, kind ``F``, width 8, decimals 3)."""
    per, kind, width, decimals = _FORMAT.match(fmt).groups()
    return int(per), kind, int(width), int(decimals or 0)


@functools.cache
def _element_regex(kind: str, width: int, decimals: int) -> str:
    """Regex of one element of a Fortran ``I``, ``F`` or ``E`` descriptor, exactly ``width`` long.

    ``Iw``: right-justified digits with an optional minus. ``Fw.d``: blanks, an optional
    minus and digits filling ``w - d - 1`` characters, the point, ``d`` digits. ``Ew.d``:
    the same mantissa, then ``E``/``D``, a sign and 1-3 exponent digits (the SAO writers
    use ``0.346000E+1`` in E11.6 and ``  0.645996200000E+04`` in E20.12). A field of
    asterisks (Fortran's mark for a value too wide for its field) is accepted too [I].
    """
    overflow = rf"\*{{{width}}}"
    if kind == "I":
        alternatives = [
            " " * blanks + sign + f"[0-9]{{{width - blanks - len(sign)}}}"
            for sign in ("", "-")
            for blanks in range(width - len(sign))
        ]
        return "(?:" + "|".join([*alternatives, overflow]) + ")"
    # the look-ahead makes the characters before the point "blanks, minus, digits"
    point = r"(?= *-?[0-9]*\.)"
    if kind == "F":
        number = rf"[- 0-9]{{{width - decimals - 1}}}\.[0-9]{{{decimals}}}"
    else:
        number = "|".join(
            rf"[- 0-9]{{{width - decimals - 3 - k}}}\.[0-9]{{{decimals}}}[EeDd][-+][0-9]{{{k}}}"
            for k in (1, 2, 3)
            if width - decimals - 3 - k >= 0
        )
    return f"(?:{point}(?:{number})|{overflow})"


@functools.cache
def _group_regex(fmt: str, last: int) -> re.Pattern:
    """Regex of a whole numeric group: full lines, then a last line of ``last`` elements.

    Lines may carry trailing blanks up to :data:`MAX_LINE` characters and nothing else.
    Matched (``fullmatch``) against the group's lines joined by LF.
    """
    per, kind, width, decimals = _descriptor(fmt)
    element = _element_regex(kind, width, decimals)

    def line(m: int) -> str:
        return f"(?:{element}){{{m}}} {{0,{MAX_LINE - m * width}}}"

    return re.compile(f"(?:{line(per)}\\n)*+{line(last)}")


@functools.cache
def _line_lengths(fmt: str, count: int) -> tuple[int, ...]:
    """Length of each line of a numeric group of ``count`` elements written without padding."""
    per, _kind, width, _decimals = _descriptor(fmt)
    full, last = divmod(count, per)
    return (per * width,) * full + ((last * width,) if last else ())


def _picture(fmt: str, first: bytes) -> str | None:
    """The class of each character of an element: ``I`` (integer part: blanks, then an
    optional minus, then digits), ``.``, ``D`` (digit), ``X`` (exponent letter), ``S``
    (exponent sign). For ``E`` the exponent width is read from the ``first`` element;
    None if it has none.
    """
    _per, kind, width, decimals = _descriptor(fmt)
    if kind == "I":
        return "I" * (width - 1) + "D"
    if kind == "F":
        return "I" * (width - decimals - 1) + "." + "D" * decimals
    at = max(first.rfind(c) for c in (b"E", b"e", b"D", b"d"))
    k = width - at - 2  # exponent digits after the letter and its sign
    if at < 0 or not 1 <= k <= 3 or width - decimals - 3 - k < 0:
        return None
    return "I" * (width - decimals - 3 - k) + "." + "D" * decimals + "XS" + "D" * k


#: Integer-part characters mapped to bit flags: bit 0 "a digit or minus" (what no blank
#: or minus may follow), bit 1 "a blank or minus" (what may not follow a digit or minus),
#: bit 2 "not allowed at all".
_INT_CLASS = bytes(
    1 if chr(c).isdigit() and c < 128 else {32: 2, 45: 3}.get(c, 4) for c in range(256)
)


def _elements_ok(block: bytes, picture: str) -> bool:
    """Whether every element of ``block`` (elements of ``len(picture)`` bytes, back to
    back) fits ``picture``. Each column is checked at once with C-speed bytes methods;
    in an integer part, ``previous & (column >> 1)`` (flag bytes, element by element) is
    non-zero where a blank or minus follows a digit or minus.
    """
    width = len(picture)
    prev = None
    for c, kind in enumerate(picture):
        col = block[c::width]
        if kind == "I":
            flags = col.translate(_INT_CLASS)
            if b"\x04" in flags:
                return False
            bits = np.frombuffer(flags, dtype=np.uint8)
            if prev is not None and (prev & (bits >> 1)).any():
                return False
            prev = bits
            continue
        prev = None
        if kind == "D":
            ok = col.isdigit()
        elif kind == ".":
            ok = col.count(b".") == len(col)
        elif kind == "X":
            ok = not col.translate(None, b"EeDd")
        else:  # "S"
            ok = not col.translate(None, b"+-")
        if not ok:
            return False
    return True


class _DataLines:
    """The numeric group lines of a file, gathered per format and checked in one go.

    :meth:`add` takes every record's numeric groups (in file order); :meth:`check`
    then checks all the lines of one format at once: each line holds exactly its
    elements (no padding), and every element fits the format (:func:`_elements_ok`).
    Only if that fast check fails are the groups checked one by one with the format's
    regular expression (:func:`_group_regex`, which also allows trailing blanks and
    Fortran's asterisks), to name the first bad line.
    """

    def __init__(self) -> None:
        self.records: list[tuple[int, int, tuple[_Numeric, ...]]] = []  # (start, base, groups)
        self.lines: dict[str, list[str]] = {
            f: [] for g, f in GROUP_FORMAT.items() if g not in TEXT_GROUPS | LETTER_GROUPS
        }
        self.lengths: dict[str, list[int]] = {f: [] for f in self.lines}

    def add(self, lines: list[str], start: int, base: int, numeric: tuple[_Numeric, ...]) -> None:
        """Queue the numeric groups of the record whose index starts at line ``start``
        and whose groups start at line index ``base``."""
        chosen, lengths = self.lines, self.lengths
        for _g, fmt, off, _count, expected in numeric:
            a = base + off
            chosen[fmt].extend(lines[a : a + len(expected)])
            lengths[fmt].extend(expected)
        self.records.append((start, base, numeric))

    def check(self, path, lines: list[str]) -> None:
        """Raise the InputFileError of the first bad line, if there is one."""
        for fmt, chosen in self.lines.items():
            if not chosen:
                continue
            if list(map(len, chosen)) == self.lengths[fmt]:
                block = "".join(chosen).encode("ascii")
                picture = _picture(fmt, block[: _descriptor(fmt)[2]])
                if picture is not None and _elements_ok(block, picture):
                    continue
            err = self.first_error(path, lines)
            if err is not None:
                raise err
            return  # the fast check was stricter than the format: every group fits

    def first_error(self, path, lines: list[str]) -> InputFileError | None:
        """The error of the first group (in file order) that breaks its format, or None."""
        for start, base, numeric in self.records:
            for g, fmt, off, count, expected in numeric:
                a = base + off
                block = "\n".join(lines[a : a + len(expected)])
                last = count - ELEMENTS_PER_LINE[g] * (len(expected) - 1)
                if _group_regex(fmt, last).fullmatch(block) is None:
                    return _group_error(path, lines, g, a, count, start)
        return None


def _group_error(path, lines: list[str], g: int, a: int, count: int, start: int) -> InputFileError:
    """The InputFileError for the first line of group ``g`` that breaks its format."""
    fmt = GROUP_FORMAT[g]
    per, kind, width, decimals = _descriptor(fmt)
    element = re.compile(_element_regex(kind, width, decimals))
    nl = -(-count // per)
    for j in range(nl):
        i = a + j
        text = lines[i]
        m = per if j < nl - 1 else count - per * (nl - 1)
        if _group_regex(fmt, m).fullmatch(text):
            continue
        what = f"{len(text.rstrip())} characters where its {m} elements take {m * width}"
        for c in range(m):
            field = text[c * width : (c + 1) * width]
            if len(field) < width:
                what = (
                    f"the line ends ({len(text)} characters) before element "
                    f"{j * per + c + 1} of {count}"
                )
                break
            if not element.fullmatch(field):
                what = (
                    f"element {j * per + c + 1} of {count} is {field!r}, not {fmt[len(str(per)) :]}"
                )
                break
        return InputFileError(
            path,
            f"group {g} ({fmt}) line {j + 1} of {nl}: {what}{_lookalike(lines, i)}"
            f"{_cut_hint(start)}",
            line=i + 1,
        )
    raise AssertionError(f"group {g} failed its check but no line fails")  # pragma: no cover


def _lookalike(lines: list[str], i: int) -> str:
    """A hint when line ``i`` looks like the start of another record, else ``""``."""
    text = lines[i]
    if not text.strip():
        return "; the line is blank"
    if _PREFACE_LINE.match(text):
        return "; it looks like the group-3 time stamp of another record"
    near = [k for k in (i - 1, i + 1) if 0 <= k < len(lines)]
    if _INDEX_LINE.match(text.ljust(MAX_LINE)) and any(
        _INDEX_LINE.match(lines[k].ljust(MAX_LINE)) for k in near
    ):
        return "; it looks like part of the data file index of another record"
    return ""


def _cut_hint(start: int) -> str:
    return (
        f" (record starting at line {start}: the record does not fit its index. If this "
        "file joins several SAO files, that member is probably cut short and the next "
        "one's lines fall here; replace it with a complete copy, or remove it)"
    )


def _parse_time(path, line: str, lineno: int, context: str = "") -> tuple[str, dt.datetime]:
    if len(line) < 19:
        raise InputFileError(
            path,
            f"group 3 is {len(line)} characters; the time stamp needs 19{context}",
            line=lineno,
        )
    preface = line[:2]
    if preface not in PREFACES:
        raise InputFileError(
            path,
            f"unknown group-3 preface {preface!r}; expected one of {PREFACES}{context}",
            line=lineno,
        )
    fields = {}
    for name, a, b in (
        ("year", 2, 6),
        ("doy", 6, 9),
        ("month", 9, 11),
        ("day", 11, 13),
        ("hour", 13, 15),
        ("minute", 15, 17),
        ("second", 17, 19),
    ):
        text = line[a:b]
        if not text.isdigit():
            raise InputFileError(
                path, f"group 3 {name} {text!r} is not a number{context}", line=lineno
            )
        fields[name] = int(text)
    when = make_datetime(
        path,
        lineno,
        fields["year"],
        fields["month"],
        fields["day"],
        fields["hour"],
        fields["minute"],
        fields["second"],
        context=context,
    )
    doy = when.timetuple().tm_yday
    if doy != fields["doy"]:
        raise InputFileError(
            path,
            f"group 3 day of year {fields['doy']} disagrees with the date "
            f"{when:%Y-%m-%d} (day of year {doy}){context}",
            line=lineno,
        )
    return preface, when


def _confidence(system: list[str], flags_line: str | None) -> int:
    """Autoscaling confidence: ``Confidence: NN%`` in group 2, else analysis flag 10.

    The flag rule ``125 - 25 * max(digit1, digit2)`` is the Perl ``Data::SAO4``
    reader's ([V3], docs/formats.md 3.2); a flag of ``00`` or ``  `` carries no
    information and gives -1 (unknown).
    """
    for text in system:
        m = _CONFIDENCE_TEXT.search(text)
        if m:
            return min(int(m.group(1)), 100)
    if flags_line is None:
        return CONFIDENCE_UNKNOWN
    a = 2 * (CONFIDENCE_FLAG - 1)
    flag = flags_line[a : a + 2]
    digits = [int(c) for c in flag if c.isdigit()]
    if len(flag) < 2 or not digits or max(digits) == 0:
        return CONFIDENCE_UNKNOWN
    return max(0, min(100, 125 - 25 * max(digits)))


def iter_sao_records(
    path: str | os.PathLike, qc: dict[str, int] | None = None
) -> Iterator[SAORecord]:
    """Yield every record of an SAO 4.x file, in file order.

    The whole file is checked before the first record is yielded. Blank lines
    between records are skipped (``cat`` of files that end with a blank line).
    A record with the same time and the same content as an earlier one (a
    member concatenated twice) is dropped with a warning.

    Parameters
    ----------
    path : path-like
        SAO file (one or more records; LF or CRLF line endings).
    qc : dict, optional
        Counters to update: ``duplicates_dropped`` (records dropped as exact
        copies of an earlier one).

    Yields
    ------
    SAORecord

    Raises
    ------
    InputFileError
        Naming file and line, for: a file without any record (only blank
        lines); an index line that is not ``40I3``, an unknown group, a record
        cut short, a line longer than 120 characters, a data line that does not
        hold its group's elements in the group's format (:data:`GROUP_FORMAT`,
        e.g. the next record's index where trace data were expected), an
        unknown preface, an impossible date, a day of year that disagrees with
        the date, a letter that is neither A-Z, ``/`` nor blank; or a record
        with the time of an earlier record but other content (naming both lines).
        Errors inside a record name the line where the record starts.
    """
    lines = read_lines(path)
    data = _DataLines()
    dropped: list[tuple[int, int]] = []  # (line of the copy, line of the original), 1-based
    try:
        records = _walk(path, lines, data, dropped)
    except InputFileError as err:
        # A record shorter than its index reads the next record's lines as its own and the
        # walk fails further on; the first line that breaks its group's format names the
        # real fault.
        first = data.first_error(path, lines)
        if first is not None and first.line <= err.line:
            raise first from None
        raise
    data.check(path, lines)
    if not records:
        raise InputFileError(
            path,
            "no SAO record found: the file holds only blank lines; get it again from its source",
            line=1,
        )
    if dropped:
        listing = ", ".join(f"line {c} (copy of line {o})" for c, o in dropped[:5])
        more = f" and {len(dropped) - 5} more" if len(dropped) > 5 else ""
        logger.warning(
            "%s: %d exact duplicate record(s) dropped (a member concatenated twice?): %s%s",
            path,
            len(dropped),
            listing,
            more,
        )
    if qc is not None:
        qc["duplicates_dropped"] = qc.get("duplicates_dropped", 0) + len(dropped)
    yield from records


def _walk(
    path, lines: list[str], data: _DataLines, dropped: list[tuple[int, int]]
) -> list[SAORecord]:
    """Read the records' indexes, time stamps, group 4 and letters; queue the data groups.

    Returns the records without exact duplicates (appended to ``dropped``); the numeric
    groups go to ``data`` for :meth:`_DataLines.check`.
    """
    n = len(lines)
    pos = 0
    seen: dict[dt.datetime, tuple[int, int]] = {}  # time -> (first line index, end)
    records: list[SAORecord] = []
    while True:
        while pos < n and not lines[pos].strip():
            pos += 1  # blank lines between records
        if pos >= n:
            return records
        start = pos + 1  # 1-based line of the index
        context = f" (record starting at line {start})"
        if pos + 2 > n:
            raise InputFileError(path, f"file ends inside the data file index{context}", line=start)
        counts = []
        for k in (0, 1):
            text = lines[pos + k]
            if len(text) > MAX_LINE:
                raise InputFileError(
                    path, f"index line longer than 120 characters{context}", line=start + k
                )
            text = text.ljust(MAX_LINE)
            if _INDEX_LINE.match(text):
                counts.extend(_index_ints(text))
            else:  # slow path, for an error message naming the element
                counts.extend(
                    parse_int(
                        path,
                        text[3 * i : 3 * i + 3],
                        start + k,
                        f"index element {40 * k + i + 1}{context}",
                    )
                    for i in range(40)
                )
        if min(counts) < 0:
            raise InputFileError(
                path, f"negative count in the data file index{context}", line=start
            )
        if any(counts[N_GROUPS:79]):
            bad = [g + 1 for g in range(N_GROUPS, 79) if counts[g]]
            raise InputFileError(
                path, f"index describes unknown groups {bad}; not SAO 4.x{context}", line=start
            )
        if counts[2] == 0 or counts[3] == 0:
            raise InputFileError(
                path,
                f"index has no group 3 (time) or no group 4 (characteristics){context}",
                line=start,
            )
        pos += 2
        offsets, total, numeric = _layout(tuple(counts[:N_GROUPS]))
        group_at = {g: pos + off for g, off in offsets.items()}
        base = pos
        pos += total
        if pos > n:
            raise InputFileError(
                path,
                f"record starting at line {start} needs {pos - start + 1} lines but the file "
                f"ends after line {n}: the file (or its last member) is truncated; replace it "
                "with a complete copy",
                line=n,
            )
        if max(map(len, lines[start - 1 : pos])) > MAX_LINE:
            i = next(i for i in range(start - 1, pos) if len(lines[i]) > MAX_LINE)
            raise InputFileError(
                path,
                f"line longer than 120 characters{_lookalike(lines, i)}{_cut_hint(start)}",
                line=i + 1,
            )
        data.add(lines, start, base, numeric)
        rec = _record(path, lines, counts, group_at, start, context)
        first = seen.setdefault(rec.time, (start - 1, pos))
        if first[0] != start - 1:
            a, b = first
            if [s.rstrip() for s in lines[a:b]] != [s.rstrip() for s in lines[start - 1 : pos]]:
                raise InputFileError(
                    path,
                    f"a record for {rec.time} UT already starts at line {a + 1}, with other "
                    "content: keep one of the two (remove the other member from the "
                    "concatenated file, e.g. the autoscaled copy of an ionogram that was "
                    "also scaled by hand)",
                    line=start,
                )
            dropped.append((start, a + 1))
            continue
        records.append(rec)


def _record(path, lines, counts, group_at, start, context) -> SAORecord:
    """One record's time stamp, group-4 values, letters and confidence."""
    system = []
    if 2 in group_at:
        system = lines[group_at[2] : group_at[2] + counts[1]]
    g3 = group_at[3]
    preface, when = _parse_time(path, lines[g3], g3 + 1, context)

    n4 = counts[3]
    per = ELEMENTS_PER_LINE[4]
    values = np.empty(n4)
    for row in range(math.ceil(n4 / per)):
        idx = group_at[4] + row
        m = min(per, n4 - row * per)
        text = lines[idx]
        fields = _G4_SPLIT.findall(text[: m * GROUP4_WIDTH])
        if len(fields) == m:
            try:
                values[row * per : row * per + m] = list(map(float, fields))
                continue
            except ValueError:
                pass
        for c in range(m):  # slow path: names the offending element
            k = row * per + c
            field = text[c * GROUP4_WIDTH : (c + 1) * GROUP4_WIDTH]
            if len(field) < GROUP4_WIDTH:
                raise InputFileError(
                    path,
                    f"group 4 line too short for element {k + 1} of {n4}"
                    f"{_lookalike(lines, idx)}{_cut_hint(start)}",
                    line=idx + 1,
                )
            values[k] = parse_fixed(
                path, field, idx + 1, f"group 4 element {k + 1}{_cut_hint(start)}"
            )
    values[values == NO_DATA] = np.nan

    letters = []
    for g in (54, 55):
        if g in group_at:
            text = "".join(lines[group_at[g] : group_at[g] + _group_lines(g, counts[g - 1])])
            text = text[: counts[g - 1]]
            if _LETTERS.match(text):
                letters.append(text)
                continue
            for j, ch in enumerate(text):
                if not (ch.isalpha() and ch.isupper()) and ch not in "/ ":
                    raise InputFileError(
                        path,
                        f"group {g} letter {j + 1} is {ch!r}, not A-Z or '/'{context}",
                        line=group_at[g] + 1 + j // ELEMENTS_PER_LINE[g],
                    )
            letters.append(text)
        else:
            letters.append("")

    flags = lines[group_at[5]] if 5 in group_at else None
    return SAORecord(
        time=when,
        line=start,
        preface=preface,
        version=counts[79],
        characteristics=values,
        qualifiers=letters[0],
        descriptors=letters[1],
        confidence=_confidence(system, flags),
        system=system,
    )


def read_sao(path: str | os.PathLike, station: str | None = None) -> pd.DataFrame:
    """Read an SAO 4.x file into the ionosonde table (:mod:`.schema`).

    Parameters
    ----------
    path : path-like
        SAO file with one or more records.
    station : str, optional
        Station code written to the ``station`` column; default the part of
        the file name before the first ``_`` (the URSI code in
        ``{URSI}_{YYYY}{DDD}{HH}{MM}{SS}.SAO`` names).

    Returns
    -------
    pandas.DataFrame
        One row per record: ``time_ut`` (UT), ``foEs_MHz`` (MHz), ``hEs_km``
        (km), ``fbEs_MHz`` (MHz), ``es_type`` (the group-4 code as text),
        letters, ``confidence`` (0-100 or -1) and ``source_line`` (line of the
        record's index). Missing values (``9999.000``) are NaN.
        ``attrs["qc"]`` counts what was dropped: ``duplicates_dropped`` (exact
        copies of an earlier record).

    Raises
    ------
    InputFileError
        For any malformed content (see :func:`iter_sao_records`).

    See Also
    --------
    read_sao_files : many files into one table, built once.
    """
    return table_from_parts([sao_part(path, station)])


def read_sao_files(paths: Iterable[str | os.PathLike], station: str | None = None) -> pd.DataFrame:
    """Read several SAO 4.x files into one ionosonde table, its dtypes converted once.

    The table equals ``pandas.concat([read_sao(p, station) for p in paths],
    ignore_index=True)`` (same rows, order and dtypes) and a bad file raises the same
    error, but the table is built once for the set instead of once per file. For files
    of one record each (an ionogram every 15 minutes is about 35,000 files a year)
    building the table was nearly all the time (``tools/benchmark_sao.py``).

    Parameters
    ----------
    paths : iterable of path-like
        SAO files, in the order their rows should come (each file's rows sorted by time).
    station : str, optional
        As :func:`read_sao`; default each file's own name prefix.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_sao`; ``attrs["qc"]`` sums the files' counters
        (:func:`~.schema.sum_qc`).

    Raises
    ------
    InputFileError
        For the first malformed file, as :func:`read_sao`.
    """
    return table_from_parts([sao_part(p, station) for p in paths])


def sao_part(path: str | os.PathLike, station: str | None = None) -> TablePart:
    """The rows of one SAO file as a :class:`~.schema.TablePart` (see :func:`read_sao`)."""
    path = Path(path)
    if station is None:
        station = path.stem.split("_")[0]
    qc = {"duplicates_dropped": 0}
    records = list(iter_sao_records(path, qc))
    n = len(records)
    foes, hes, fbes, es_type, ql, dl = [], [], [], [], [], []
    for rec in records:
        q, d = rec.letters("foEs")
        ql.append(q)
        dl.append(d)
        foes.append(rec.value("foEs"))
        hes.append(rec.value("hEs"))
        fbes.append(rec.value("fbEs"))
        code = rec.value("es_type")
        es_type.append("" if math.isnan(code) else f"{code:g}")
    logger.debug("%s: %d SAO records", path, n)
    return part_from_columns(
        {
            "time_ut": [rec.time for rec in records],
            "station": [station] * n,
            "foEs_MHz": foes,
            "qualifier": ql,
            "descriptor": dl,
            "confidence": [rec.confidence for rec in records],
            "hEs_km": hes,
            "fbEs_MHz": fbes,
            "es_type": es_type,
            "source_file": [str(path)] * n,
            "source_line": [rec.line for rec in records],
        },
        {"qc": qc},
    )
