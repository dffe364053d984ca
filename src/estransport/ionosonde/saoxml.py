"""Digisonde SAO.XML 5.0 reader.

Structure (SAOXML 5.0 DTD release 5.0.1g, docs/formats.md 3.3 [V])::

    <SAORecordList>
      <SAORecord FormatVersion="5.0" StartTimeUTC=".." URSICode=".." ScalerType="manual|auto" ..>
        <CharacteristicList Num="..">
          <URSI ID=".." Val=".." Name=".." Units=".." QL=".." DL=".."/> ...
        </CharacteristicList>
        ... (traces, profiles: ignored here)
      </SAORecord> ...
    </SAORecordList>

Assumptions the DTD does not settle (each a module constant, easy to change):

* :data:`TIME_PATTERN` - the ``StartTimeUTC`` string format is not in the DTD
  [GAP]; ISO-8601 ``YYYY-MM-DD[T ]HH:MM:SS[.fff][Z]`` is accepted [I].
* :data:`URSI_IDS` - a ``URSI`` element without a ``Name`` is identified by its
  ``ID`` taken as the URSI characteristic code (foEs 30 [I], h'Es 34, fbEs 32,
  type of Es 36 [I], docs/formats.md 3.0). A ``Name`` wins over the ``ID``.
* :data:`SCALER_CONFIDENCE` - ``ScalerType="manual"`` gives confidence 999 (GIRO's
  code for manual scaling); ``auto`` gives -1 (unknown), since SAO.XML carries
  no confidence score [I].
* A characteristic absent from a record is missing (NaN) [I]. A foEs element
  with an empty ``Val`` and a ``QL``/``DL`` letter is a letter-only entry
  (missing value, letters kept), the URSI practice of docs/formats.md 3.0 [I].
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
from pathlib import Path
from xml.parsers import expat

import pandas as pd

from ..errors import InputFileError
from ._text import make_datetime
from .schema import (
    CONFIDENCE_MANUAL,
    CONFIDENCE_UNKNOWN,
    TablePart,
    part_from_records,
    table_from_parts,
)

logger = logging.getLogger(__name__)

#: Accepted ``StartTimeUTC`` format [I] (the DTD does not fix it, docs/formats.md 3.3 [GAP]).
TIME_PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z?$")
#: ``URSI`` element names we keep, lower-cased, mapped to table columns.
URSI_NAMES = {
    "foes": "foEs_MHz",
    "h'es": "hEs_km",
    "hes": "hEs_km",
    "fbes": "fbEs_MHz",
    "typees": "es_type",
    "type es": "es_type",
}
#: URSI characteristic codes used when a ``URSI`` element has no ``Name`` [I].
URSI_IDS = {"30": "foEs_MHz", "34": "hEs_km", "32": "fbEs_MHz", "36": "es_type"}
#: Units each numeric column must carry when ``Units`` is given (lower-cased).
EXPECTED_UNITS = {"foEs_MHz": "mhz", "hEs_km": "km", "fbEs_MHz": "mhz"}
#: Confidence for each ``ScalerType`` [I].
SCALER_CONFIDENCE = {"manual": CONFIDENCE_MANUAL, "auto": CONFIDENCE_UNKNOWN}
#: FormatVersion values accepted (major version 5).
FORMAT_MAJOR = "5"

_LETTER = re.compile(r"^[A-Z]?$")


def _parse_time(path, text: str | None, line: int) -> dt.datetime:
    if text is None:
        raise InputFileError(path, "SAORecord without StartTimeUTC", line=line)
    m = TIME_PATTERN.match(text.strip())
    if not m:
        raise InputFileError(
            path, f"StartTimeUTC {text!r} is not YYYY-MM-DDTHH:MM:SS[.fff][Z]", line=line
        )
    return make_datetime(path, line, *(int(g) for g in m.groups()[:6]))


def read_saoxml(path: str | os.PathLike, station: str | None = None) -> pd.DataFrame:
    """Read an SAO.XML 5.0 file into the ionosonde table (:mod:`.schema`).

    Parameters
    ----------
    path : path-like
        SAO.XML file (one ``SAORecordList`` with any number of records).
    station : str, optional
        Station code for the ``station`` column; default each record's
        ``URSICode`` attribute.

    Returns
    -------
    pandas.DataFrame
        One row per ``SAORecord``: ``time_ut`` (UT), ``foEs_MHz`` (MHz),
        ``hEs_km`` (km), ``fbEs_MHz`` (MHz), ``es_type``, the ``QL``/``DL``
        letters of foEs, ``confidence`` (999 manual, -1 auto) and
        ``source_line`` (line of the ``<SAORecord>`` tag).

    Raises
    ------
    InputFileError
        Naming file and line, for XML that is not well formed, a root other
        than ``SAORecordList``, a FormatVersion other than 5.x, a missing or
        impossible ``StartTimeUTC``, an unknown ``ScalerType``, a ``Val`` that
        is not a number, units other than MHz/km, or letters other than A-Z.
    """
    return table_from_parts([saoxml_part(path, station)])


def saoxml_part(path: str | os.PathLike, station: str | None = None) -> TablePart:
    """The rows of one SAO.XML file as a :class:`~.schema.TablePart` (see :func:`read_saoxml`)."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(path, "empty file", line=1)
    parser = expat.ParserCreate()
    rows: list[dict] = []
    state: dict = {"depth": 0, "record": None, "root": None}

    def start(name: str, attrs: dict) -> None:
        line = parser.CurrentLineNumber
        state["depth"] += 1
        if state["depth"] == 1:
            if name != "SAORecordList":
                raise InputFileError(
                    path, f"root element is <{name}>, expected <SAORecordList>", line=line
                )
            state["root"] = name
            return
        if name == "SAORecord":
            if state["record"] is not None:
                raise InputFileError(path, "nested <SAORecord>", line=line)
            version = attrs.get("FormatVersion", FORMAT_MAJOR)
            if version.split(".")[0] != FORMAT_MAJOR:
                raise InputFileError(
                    path, f"FormatVersion {version!r} is not SAO.XML 5.x", line=line
                )
            scaler = attrs.get("ScalerType", "auto").strip().lower()
            if scaler not in SCALER_CONFIDENCE:
                raise InputFileError(
                    path, f"unknown ScalerType {attrs.get('ScalerType')!r}", line=line
                )
            code = station if station is not None else attrs.get("URSICode", "").strip()
            if not code:
                raise InputFileError(
                    path, "no station given and the record has no URSICode", line=line
                )
            state["record"] = {
                "time_ut": _parse_time(path, attrs.get("StartTimeUTC"), line),
                "station": code,
                "confidence": SCALER_CONFIDENCE[scaler],
                "source_file": str(path),
                "source_line": line,
            }
        elif name == "URSI" and state["record"] is not None:
            _characteristic(path, attrs, line, state["record"])

    def end(name: str) -> None:
        state["depth"] -= 1
        if name == "SAORecord" and state["record"] is not None:
            rows.append(state["record"])
            state["record"] = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise InputFileError(
            path, f"not well-formed XML: {expat.errors.messages[err.code]}", line=err.lineno
        ) from None
    except (LookupError, UnicodeError) as err:  # e.g. an unknown encoding declaration
        raise InputFileError(
            path, f"cannot decode the XML: {err}", line=parser.CurrentLineNumber or 1
        ) from None
    except RecursionError:
        raise InputFileError(path, "XML nested too deeply", line=parser.CurrentLineNumber) from None
    if state["root"] is None:
        raise InputFileError(path, "no <SAORecordList> element", line=1)
    logger.debug("%s: %d SAO.XML records", path, len(rows))
    return part_from_records(rows)


def _characteristic(path, attrs: dict, line: int, record: dict) -> None:
    """Store one ``<URSI>`` characteristic in ``record`` if it is one we keep."""
    name = attrs.get("Name")
    if name is not None:
        column = URSI_NAMES.get(name.strip().lower())
    else:
        column = URSI_IDS.get(attrs.get("ID", "").strip())
    if column is None:
        return
    if "Val" not in attrs:
        raise InputFileError(path, f"<URSI> {name or attrs.get('ID')} without Val", line=line)
    val = attrs["Val"].strip()
    if column == "es_type":
        record[column] = val
        return
    if column == "foEs_MHz":
        for key, col in (("QL", "qualifier"), ("DL", "descriptor")):
            letter = attrs.get(key, "").strip()
            if not _LETTER.match(letter):
                raise InputFileError(path, f"{key} {letter!r} is not one letter A-Z", line=line)
            record[col] = letter
        if val == "" and (record["qualifier"] or record["descriptor"]):
            record[column] = math.nan  # letter-only entry: no value, reason kept [I]
            return
    try:
        value = float(val)
    except ValueError:
        raise InputFileError(path, f"{column} Val {val!r} is not a number", line=line) from None
    if not math.isfinite(value):
        raise InputFileError(path, f"{column} Val {val!r} is not finite", line=line)
    units = attrs.get("Units")
    if units is not None and units.strip().lower() != EXPECTED_UNITS[column]:
        raise InputFileError(
            path, f"{column} in units {units!r}, expected {EXPECTED_UNITS[column]}", line=line
        )
    record[column] = value
