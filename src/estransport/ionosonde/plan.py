"""What the workflow needs to know about the stations: years, raw files, hand-placed checks.

``workflow/rules/ionosonde.smk`` builds one :class:`IonosondePlan` (through
:func:`estransport.steps.ionosonde.ionosonde_plan`, which reads the
``ionosonde`` config section) and asks it for file lists, so the rules file
holds no logic of its own.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .sources import check_manual, check_manual_all, raw_path
from .stations import FORMAT_EXTENSIONS, Station, load_stations

#: Hourly table of one station, relative to the working directory.
HOURLY_PATTERN = "results/ionosonde/{station}/hourly.parquet"


def resolve(path: str | os.PathLike, basedir: str | os.PathLike) -> str:
    """A relative path as given if it exists from the working directory, else under ``basedir``.

    Parameters
    ----------
    path : path-like
        Path from the configuration.
    basedir : path-like
        The workflow's directory (where the Snakefile is).

    Returns
    -------
    str
    """
    p = Path(path)
    if p.is_absolute() or p.exists():
        return str(p)
    alt = Path(basedir) / p
    return str(alt) if alt.exists() else str(p)


class IonosondePlan:
    """The stations, their years and their raw files, for one configuration.

    Parameters
    ----------
    stations : path-like
        Station registry (``ionosonde.stations``); looked up under ``basedir``
        if it is not found from the working directory.
    basedir : path-like
        The workflow's directory (where the Snakefile is).
    source : {"synthetic", "real"}
        ``ionosonde.source``.
    raw_dir : path-like
        ``ionosonde.raw_dir``: root of the raw files.
    year_range : (int, int) or None
        ``ionosonde.year_range``: clip of the registry periods (source real).
    synthetic_years : mapping of str to (int, int)
        ``ionosonde.synthetic.years``: first and last year per chain (source synthetic).
    ukssdc_url_template : str or None
        ``ionosonde.ukssdc.url_template``; None: ukssdc stations are placed by hand.

    Raises
    ------
    estransport.errors.InputFileError
        If the station registry is invalid.
    estransport.errors.ConfigError
        If ``synthetic_years`` names a chain that no station of the registry
        is in (source synthetic: a misspelled chain would silently give its
        stations their registry periods), or a station is left with no years.
    """

    def __init__(
        self,
        *,
        stations: str | os.PathLike,
        basedir: str | os.PathLike,
        source: str,
        raw_dir: str | os.PathLike,
        year_range: Sequence[int] | None,
        synthetic_years: Mapping[str, Sequence[int]],
        ukssdc_url_template: str | None,
    ):
        self.source = source
        self.year_range = year_range
        self.synthetic_years = synthetic_years
        self.ukssdc_url_template = ukssdc_url_template
        self.stations_file = resolve(stations, basedir)
        self.stations: dict[str, Station] = {s.code: s for s in load_stations(self.stations_file)}
        self.codes = list(self.stations)
        self.raw_dir = str(raw_dir)
        self.raw_pattern = str(Path(self.raw_dir) / "{station}" / "{station}_{year}.{ext}")
        self.extensions = "|".join(sorted(set(FORMAT_EXTENSIONS.values())))
        if source == "synthetic":
            self._check_chains()
        self.station_years = {c: self.years(c) for c in self.codes}

    def _check_chains(self) -> None:
        """Every chain of ``synthetic_years`` is a chain of the registry (dotted key in the error)."""
        chains = sorted({s.chain for s in self.stations.values()})
        unknown = sorted(name for name in self.synthetic_years if name not in chains)
        if not unknown:
            return
        key = "ionosonde.synthetic.years"
        close = difflib.get_close_matches(unknown[0], chains, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "."
        others = (
            f" (also no chain: {', '.join(f'{key}.{u}' for u in unknown[1:])})"
            if len(unknown) > 1
            else ""
        )
        raise ConfigError(
            f"{key}.{unknown[0]}",
            f"no station of the registry {self.stations_file} is in chain {unknown[0]!r}"
            f"{hint} Its chains are {chains}{others}. Correct the name or remove the entry: "
            "the years apply to the stations of the chain named, and a chain not listed keeps "
            "the registry's years.",
        )

    def years(self, code: str) -> list[int]:
        """Years of one station: ``synthetic_years`` of its chain (synthetic), else its registry
        period clipped by ``year_range`` (real)."""
        st = self.stations[code]
        first, last = st.first_year, st.last_year
        if self.source == "synthetic" and st.chain in self.synthetic_years:
            first, last = self.synthetic_years[st.chain]
        elif self.source == "real" and self.year_range:
            lo, hi = self.year_range
            first, last = max(first, lo), min(last, hi)
        if first > last:
            raise ConfigError(
                "ionosonde.year_range",
                f"station {code}'s registry period {st.first_year}-{st.last_year} lies outside "
                f"{list(self.year_range)}; widen year_range or remove the station from "
                f"{self.stations_file}",
            )
        return list(range(first, last + 1))

    def station_params(self, code: str) -> dict[str, Any]:
        """The registry row as a plain dict (for rule params)."""
        return dataclasses.asdict(self.stations[code])

    def by_hand(self, code: str) -> bool:
        """True if the station's real files must be placed by hand."""
        st = self.stations[code]
        return st.source == "manual" or (st.source == "ukssdc" and not self.ukssdc_url_template)

    def codes_regex(self, source: str | None = None) -> str:
        """Wildcard constraint matching the station codes (of one ``source``, if given)."""
        codes = [c for c, s in self.stations.items() if source is None or s.source == source]
        return "|".join(codes) if codes else "(?!)"  # (?!) matches nothing

    def raw_files(self, code: str) -> list[str]:
        """Raw files of one station; for hand-placed real sources, stops if any is missing.

        Raises
        ------
        estransport.errors.MissingInputsError
            Listing the station's missing files and where to get them.
        """
        st = self.stations[code]
        if self.source == "real" and self.by_hand(code):
            return check_manual(st, self.station_years[code], self.raw_dir)
        return [raw_path(self.raw_dir, st, y) for y in self.station_years[code]]

    def check_hand_placed(self) -> None:
        """For source real, check the files of every hand-placed station at once.

        Raises
        ------
        estransport.errors.MissingInputsError
            Listing every missing file of every hand-placed station.
        """
        if self.source == "real":
            check_manual_all(
                [(self.stations[c], self.station_years[c]) for c in self.codes if self.by_hand(c)],
                self.raw_dir,
            )

    def hourly_tables(self) -> list[str]:
        """Every station's hourly table; first checks all hand-placed stations at once.

        Raises
        ------
        estransport.errors.MissingInputsError
            Listing every missing file of every hand-placed station.
        """
        self.check_hand_placed()
        return [HOURLY_PATTERN.format(station=c) for c in self.codes]
