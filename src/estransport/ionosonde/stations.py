"""The ionosonde station registry ``config/stations.tsv``: read and validate.

The file is TAB-separated with a header line; lines starting with ``#`` are
comments and empty cells are null. Each row is validated against
``estransport/schemas/stations.schema.yaml``; then codes must be unique,
``first_year <= last_year`` and a ``giro`` station must have a ``ursi_code``.
"""

from __future__ import annotations

import csv
import dataclasses
import os
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import InputFileError

#: The station-registry schema, shipped as package data.
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "stations.schema.yaml"

#: File-name extension of the raw files of each format (resources/ionosonde/{code}/{code}_{year}.{ext}).
FORMAT_EXTENSIONS = {
    "iiwg": "iiwg",
    "ukssdc_daily": "dat",
    "sao": "sao",
    "saoxml": "xml",
    "didbase": "txt",
}


@dataclasses.dataclass(frozen=True)
class Station:
    """One row of ``stations.tsv`` (see the schema for the meaning of each field)."""

    code: str
    name: str
    lat: float
    lon: float
    chain: str
    first_year: int
    last_year: int
    source: str
    format: str
    ursi_code: str | None = None
    time_meridian_deg: float | None = None

    @property
    def hemisphere(self) -> str:
        """``"N"`` for latitude >= 0, else ``"S"``."""
        return "N" if self.lat >= 0 else "S"

    @property
    def meridian_deg(self) -> float:
        """Meridian (degrees E) of the local mean time of Data Files: the override or ``lon``."""
        return self.lon if self.time_meridian_deg is None else self.time_meridian_deg

    @property
    def extension(self) -> str:
        """File-name extension of this station's raw files."""
        return FORMAT_EXTENSIONS[self.format]

    def years(self) -> list[int]:
        """The station's years, ``first_year`` to ``last_year`` inclusive."""
        return list(range(self.first_year, self.last_year + 1))


def _schema(schema_path) -> dict[str, Any]:
    with open(schema_path) as fh:
        return yaml.safe_load(fh)


def _convert(value: str, spec: dict[str, Any]) -> Any:
    """Convert a TSV cell to the schema type; return the text unchanged if it does not fit."""
    if value == "":
        return None
    types = spec.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types:
        try:
            return int(value)
        except ValueError:
            return value
    if "number" in types:
        try:
            return float(value)
        except ValueError:
            return value
    return value


def load_stations(
    path: str | os.PathLike, schema_path: str | os.PathLike = SCHEMA_PATH
) -> list[Station]:
    """Read and validate the station registry.

    Parameters
    ----------
    path : path-like
        ``stations.tsv``.
    schema_path : path-like
        JSON Schema (YAML) of one row.

    Returns
    -------
    list of Station
        In file order.

    Raises
    ------
    InputFileError
        Naming the file and line: unknown or missing columns, a cell of the
        wrong type or out of range, a duplicate code, ``first_year`` after
        ``last_year``, or a ``giro`` station without ``ursi_code``.
    """
    import jsonschema

    path = Path(path)
    schema = _schema(schema_path)
    props = schema["properties"]
    validator = jsonschema.Draft7Validator(schema)
    with open(path, newline="") as fh:
        numbered = [
            (i, line)
            for i, line in enumerate(fh, start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if not numbered:
        raise InputFileError(path, "no header line")
    reader = csv.reader([line for _, line in numbered], delimiter="\t")
    rows = list(reader)
    header = [h.strip() for h in rows[0]]
    head_line = numbered[0][0]
    unknown = [h for h in header if h not in props]
    if unknown:
        raise InputFileError(
            path, f"unknown columns {unknown}; allowed are {list(props)}", line=head_line
        )
    stations: list[Station] = []
    seen: dict[str, int] = {}
    for (lineno, _), cells in zip(numbered[1:], rows[1:], strict=True):
        if len(cells) != len(header):
            raise InputFileError(
                path, f"{len(cells)} cells where the header has {len(header)}", line=lineno
            )
        record = {h: _convert(c.strip(), props[h]) for h, c in zip(header, cells, strict=True)}
        record = {k: v for k, v in record.items() if v is not None or k not in schema["required"]}
        errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        if errors:
            err = errors[0]
            where = ".".join(str(p) for p in err.absolute_path) or "row"
            raise InputFileError(path, f"column {where}: {err.message}", line=lineno)
        for key, spec in props.items():
            if key not in record and "default" in spec:
                record[key] = spec["default"]
        st = Station(**record)
        if st.code in seen:
            raise InputFileError(
                path, f"station code {st.code!r} repeats line {seen[st.code]}", line=lineno
            )
        seen[st.code] = lineno
        if st.first_year > st.last_year:
            raise InputFileError(
                path, f"first_year {st.first_year} is after last_year {st.last_year}", line=lineno
            )
        if st.source == "giro" and not st.ursi_code:
            raise InputFileError(path, f"{st.code}: source giro needs a ursi_code", line=lineno)
        stations.append(st)
    if not stations:
        raise InputFileError(path, "no stations listed")
    return stations


def stations_frame(stations: list[Station]) -> pd.DataFrame:
    """The registry as a DataFrame (one row per station, schema column names)."""
    return pd.DataFrame([dataclasses.asdict(s) for s in stations])
