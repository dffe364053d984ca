"""Synthetic ionosonde foEs with a planted truth, written in the real archive formats.

The embedded default of the ionosonde slice. For each station and year the
generator simulates soundings (:mod:`.truth`: the planted truth and the noise,
gaps and letters drawn from it) and writes them in the station's format
(:mod:`.writers`; ``config/stations.tsv``): IIWG station-month files (the
Greenwich chain), SAO 4.x, SAO.XML 5.0 or GIRO DIDBase exports (the 120 E
chain), or UKSSDC daily Data Files. The real parsers then read them, so the
default run exercises the same code as real data.
"""

from __future__ import annotations

import os

import pandas as pd

from ...ionosonde.stations import Station
from .truth import (
    LETTER_ONLY,
    QUALIFIERS,
    SH_SEASON_SHIFT_DAYS,
    YEAR_DAYS,
    EsEvents,
    PlantedTruth,
    es_response,
    iiwg_meridian,
    mean_foes,
    simulate,
    simulate_station_year,
    sounding_meridian,
    soundings_table,
    station_rng,
)
from .writers import write_sao_files, write_station_year

__all__ = [
    "LETTER_ONLY",
    "QUALIFIERS",
    "SH_SEASON_SHIFT_DAYS",
    "YEAR_DAYS",
    "EsEvents",
    "PlantedTruth",
    "es_response",
    "generate_station_year",
    "iiwg_meridian",
    "mean_foes",
    "simulate",
    "simulate_station_year",
    "soundings_table",
    "sounding_meridian",
    "station_rng",
    "write_sao_files",
    "write_station_year",
]


def generate_station_year(
    station: Station,
    year: int,
    dest: str | os.PathLike,
    *,
    seed: int,
    truth: PlantedTruth,
    es_events: EsEvents | None = None,
) -> pd.DataFrame:
    """Simulate one station-year and write it in the station's format.

    Parameters
    ----------
    station : Station
        Registry row; ``station.format`` chooses the writer.
    year : int
        Calendar year (local calendar for the hourly formats, UT otherwise).
    dest : path-like
        Destination file (written atomically).
    seed : int
        Master seed (config ``seed``).
    truth : PlantedTruth
        Planted parameters (config ``ionosonde.synthetic``).
    es_events : EsEvents, optional
        Planted foEs rises after metal-ion-cloud arrivals (config
        ``lidar.synthetic.es_response``; docs/science.md §9); None = none.

    Returns
    -------
    pandas.DataFrame
        The soundings written (UT; ``true_foEs_MHz`` holds the values before
        letter-only masking and low-confidence corruption), for tests.
    """
    df = simulate_station_year(station, year, seed=seed, truth=truth, es_events=es_events)
    write_station_year(df, station, dest, year=year, meridian_deg=sounding_meridian(station))
    return df.drop(columns=["_local"])
