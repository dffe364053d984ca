"""Helpers of the ionosonde tests: the schema's configuration and the file-less route.

The configuration values come from the schema (``validate_config`` fills every
default), never from numbers repeated here.
"""

from __future__ import annotations

import functools

import pandas as pd

from estransport.config import validate_config
from estransport.ionosonde.analysis import analyse
from estransport.ionosonde.hourly import hourly_from_table
from estransport.ionosonde.stations import Station
from estransport.steps.ionosonde import planted_truth
from estransport.synthetic.ionosonde import PlantedTruth, simulate_station_year, soundings_table


@functools.cache
def _defaults() -> dict:
    return dict(validate_config({}))


def default_config() -> dict:
    """The validated default configuration (schema defaults only); a fresh copy."""
    import copy

    return copy.deepcopy(_defaults())


def default_ionosonde() -> dict:
    """The ``ionosonde`` section of :func:`default_config`."""
    return default_config()["ionosonde"]


def default_truth(**changes) -> PlantedTruth:
    """The schema's planted truth, with ``changes`` applied."""
    return planted_truth({**default_ionosonde()["synthetic"], **changes})


def hourly_without_files(
    station: Station, years, *, seed: int, truth: PlantedTruth, iono: dict
) -> pd.DataFrame:
    """A station's hourly table straight from the generator (no file written or parsed)."""
    tables = [
        soundings_table(simulate_station_year(station, y, seed=seed, truth=truth), station)
        for y in years
    ]
    return hourly_from_table(
        pd.concat(tables, ignore_index=True),
        confidence_filter=iono["confidence_filter"],
        min_confidence=iono["min_confidence"],
        keep_unknown_confidence=iono["keep_unknown_confidence"],
        method=iono["hourly"]["method"],
        tolerance_min=iono["hourly"]["tolerance_min"],
    )


def analyse_without_files(
    stations, station_years, *, seed: int, truth: PlantedTruth, iono: dict
) -> dict[str, pd.DataFrame]:
    """The analysis of the generator's soundings for ``stations`` (no files)."""
    hourly = {
        st.code: hourly_without_files(st, station_years[st.code], seed=seed, truth=truth, iono=iono)
        for st in stations
    }
    return analyse(hourly, list(stations), station_years, **iono["analysis"], seed=seed)
