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
* A file may hold several records one after the other; all are read.
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
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from ._text import make_datetime, parse_fixed, parse_int, read_lines
from .schema import CONFIDENCE_UNKNOWN, make_table

logger = logging.getLogger(__name__)

#: Elements per line of each group (SAO 4.3 group table, docs/formats.md 3.2 [V]); group 2
#: is absent because its index entry counts lines.
ELEMENTS_PER_LINE: dict[int, int] = {1: 16, 3: 120, 4: 15, 5: 60, 6: 16}
for _first in (7, 12, 17):  # O-trace F2, F1, E: virtual h, true h, amplitude, Doppler, frequency
    ELEMENTS_PER_LINE.update(
        {_first: 15, _first + 1: 15, _first + 2: 40, _first + 3: 120, _first + 4: 15}
    )
for _first in (22, 26):  # X-trace F2, F1: virtual h, amplitude, Doppler, frequency
    ELEMENTS_PER_LINE.update({_first: 15, _first + 1: 40, _first + 2: 120, _first + 3: 15})
for _first in (43, 47):  # O-trace Es and auroral E: virtual h, amplitude, Doppler, frequency
    ELEMENTS_PER_LINE.update({_first: 15, _first + 1: 40, _first + 2: 120, _first + 3: 15})
ELEMENTS_PER_LINE.update(
    {
        30: 15, 31: 40, 32: 120, 33: 15,  # X-trace E
        34: 40, 35: 40, 36: 40,  # median amplitudes F, E, Es
        37: 10, 38: 10, 39: 10,  # true-height coefficients (10E11.6)
        40: 6,  # quasi-parabolic segments (6E20.12)
        41: 120,  # edit flags, characteristics
        42: 10,  # valley description
        51: 15, 52: 15, 53: 15,  # profile: true height, plasma frequency, density
        54: 120, 55: 120,  # URSI qualifying / descriptive letters (120A1)
        56: 120,  # edit flags, traces and profile
        57: 10, 58: 15, 59: 15, 60: 15,  # auroral-E profile
    }
)

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
#: Group-4 fields: right-justified ``F8.3`` numbers (fast path; others are checked one by one).
_G4_FIELDS = re.compile(r"^(?:(?:   \d|  \d\d| \d{3}|\d{4}|  -\d| -\d\d|-\d{3})\.\d{3})+$")
_G4_SPLIT = re.compile(r".{8}")
_LETTERS = re.compile(r"^[A-Z/ ]*$")
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


@functools.lru_cache(maxsize=64)
def _layout(counts: tuple[int, ...]) -> tuple[dict[int, int], int]:
    """Line offset of each present group from the end of the index, and the total line count."""
    offsets, pos = {}, 0
    for g in range(1, N_GROUPS + 1):
        nl = _group_lines(g, counts[g - 1])
        if nl:
            offsets[g] = pos
        pos += nl
    return offsets, pos


def _parse_time(path, line: str, lineno: int) -> tuple[str, dt.datetime]:
    if len(line) < 19:
        raise InputFileError(
            path, f"group 3 is {len(line)} characters; the time stamp needs 19", line=lineno
        )
    preface = line[:2]
    if preface not in PREFACES:
        raise InputFileError(
            path, f"unknown group-3 preface {preface!r}; expected one of {PREFACES}", line=lineno
        )
    fields = {}
    for name, a, b in (
        ("year", 2, 6), ("doy", 6, 9), ("month", 9, 11), ("day", 11, 13),
        ("hour", 13, 15), ("minute", 15, 17), ("second", 17, 19),
    ):
        text = line[a:b]
        if not text.isdigit():
            raise InputFileError(
                path, f"group 3 {name} {text!r} is not a number", line=lineno
            )
        fields[name] = int(text)
    when = make_datetime(
        path, lineno, fields["year"], fields["month"], fields["day"],
        fields["hour"], fields["minute"], fields["second"],
    )
    doy = when.timetuple().tm_yday
    if doy != fields["doy"]:
        raise InputFileError(
            path,
            f"group 3 day of year {fields['doy']} disagrees with the date "
            f"{when:%Y-%m-%d} (day of year {doy})",
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


def iter_sao_records(path: str | os.PathLike) -> Iterator[SAORecord]:
    """Yield every record of an SAO 4.x file, in file order.

    Parameters
    ----------
    path : path-like
        SAO file (one or more records; LF or CRLF line endings).

    Yields
    ------
    SAORecord

    Raises
    ------
    InputFileError
        Naming file and line, for: an index line that is not ``40I3``, an
        unknown group, a record cut short, a line longer than 120 characters,
        an unknown preface, an impossible date, a day of year that disagrees
        with the date, a group-4 field that is not a number, or a letter that
        is neither A-Z, ``/`` nor blank.
    """
    lines = read_lines(path)
    n = len(lines)
    pos = 0
    while pos < n:
        if not lines[pos].strip() and all(not s.strip() for s in lines[pos:]):
            break  # trailing blank lines
        start = pos + 1  # 1-based line of the index
        if pos + 2 > n:
            raise InputFileError(path, "file ends inside the data file index", line=start)
        counts = []
        for k in (0, 1):
            text = lines[pos + k]
            if len(text) > MAX_LINE:
                raise InputFileError(path, "index line longer than 120 characters", line=start + k)
            text = text.ljust(MAX_LINE)
            if _INDEX_LINE.match(text):
                counts.extend(_index_ints(text))
            else:  # slow path, for an error message naming the element
                counts.extend(
                    parse_int(path, text[3 * i : 3 * i + 3], start + k,
                              f"index element {40 * k + i + 1}")
                    for i in range(40)
                )
        if min(counts) < 0:
            raise InputFileError(path, "negative count in the data file index", line=start)
        if any(counts[N_GROUPS:79]):
            bad = [g + 1 for g in range(N_GROUPS, 79) if counts[g]]
            raise InputFileError(
                path, f"index describes unknown groups {bad}; not SAO 4.x", line=start
            )
        if counts[2] == 0 or counts[3] == 0:
            raise InputFileError(
                path, "index has no group 3 (time) or no group 4 (characteristics)", line=start
            )
        pos += 2
        offsets, total = _layout(tuple(counts[:N_GROUPS]))
        group_at = {g: pos + off for g, off in offsets.items()}
        pos += total
        if pos > n:
            raise InputFileError(
                path,
                f"record starting at line {start} needs {pos - start + 1} lines but the file "
                f"ends after line {n} (truncated?)",
                line=n,
            )
        for i in range(start - 1, pos):
            if len(lines[i]) > MAX_LINE:
                raise InputFileError(path, "line longer than 120 characters", line=i + 1)
        yield _record(path, lines, counts, group_at, start)


def _record(path, lines, counts, group_at, start) -> SAORecord:
    system = []
    if 2 in group_at:
        system = lines[group_at[2] : group_at[2] + counts[1]]
    g3 = group_at[3]
    preface, when = _parse_time(path, lines[g3], g3 + 1)

    n4 = counts[3]
    per = ELEMENTS_PER_LINE[4]
    values = np.empty(n4)
    for row in range(math.ceil(n4 / per)):
        idx = group_at[4] + row
        m = min(per, n4 - row * per)
        text = lines[idx]
        if len(text) >= m * GROUP4_WIDTH and _G4_FIELDS.match(text[: m * GROUP4_WIDTH]):
            values[row * per : row * per + m] = list(map(float, _G4_SPLIT.findall(text[: m * GROUP4_WIDTH])))
            continue
        for c in range(m):  # slow path: names the offending element
            k = row * per + c
            field = text[c * GROUP4_WIDTH : (c + 1) * GROUP4_WIDTH]
            if len(field) < GROUP4_WIDTH:
                raise InputFileError(
                    path, f"group 4 line too short for element {k + 1} of {n4}", line=idx + 1
                )
            values[k] = parse_fixed(path, field, idx + 1, f"group 4 element {k + 1}")
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
                        path, f"group {g} letter {j + 1} is {ch!r}, not A-Z or '/'",
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

    Raises
    ------
    InputFileError
        For any malformed content (see :func:`iter_sao_records`).
    """
    path = Path(path)
    if station is None:
        station = path.stem.split("_")[0]
    rows = []
    for rec in iter_sao_records(path):
        ql, dl = rec.letters("foEs")
        es_type = rec.value("es_type")
        rows.append(
            {
                "time_ut": rec.time,
                "station": station,
                "foEs_MHz": rec.value("foEs"),
                "qualifier": ql,
                "descriptor": dl,
                "confidence": rec.confidence,
                "hEs_km": rec.value("hEs"),
                "fbEs_MHz": rec.value("fbEs"),
                "es_type": "" if math.isnan(es_type) else f"{es_type:g}",
                "source_file": str(path),
                "source_line": rec.line,
            }
        )
    logger.debug("%s: %d SAO records", path, len(rows))
    return make_table(rows)
