"""Workflow entry points of the ionosonde slice: raw files -> hourly tables -> analysis.

Each function connects files to the science in :mod:`.analysis` and the
parsers, and is what a Snakemake rule script calls (one call per script).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..io.atomic import write_csv, write_parquet
from ..provenance import provenance_attrs
from . import analysis
from .didbase import read_didbase_table
from .sao import read_sao
from .saoxml import read_saoxml
from .schema import make_table, validate_table
from .stations import Station, load_stations
from .ukssdc import read_iiwg, read_ukssdc_daily

logger = logging.getLogger(__name__)


def read_raw(path: str | os.PathLike, station: Station) -> pd.DataFrame:
    """Read one raw file with the parser of the station's format.

    Parameters
    ----------
    path : path-like
        Raw file.
    station : Station
        Registry row; ``format`` selects the parser, ``code`` fills the
        ``station`` column, ``meridian_deg`` converts Data File local time.

    Returns
    -------
    pandas.DataFrame
        Ionosonde table (:mod:`.schema`).

    Raises
    ------
    estransport.errors.InputFileError
        From the parser, for malformed content.
    """
    fmt = station.format
    if fmt == "iiwg":
        return read_iiwg(path, station.code)
    if fmt == "ukssdc_daily":
        return read_ukssdc_daily(path, station.code, meridian_deg_e=station.meridian_deg)
    if fmt == "sao":
        return read_sao(path, station.code)
    if fmt == "saoxml":
        return read_saoxml(path, station.code)
    if fmt == "didbase":
        return read_didbase_table(path, station.code)
    raise ValueError(f"unknown ionosonde format {fmt!r}")


def build_hourly(
    paths: Sequence[str | os.PathLike],
    station: Station | Mapping[str, Any],
    *,
    min_confidence: int,
    keep_unknown_confidence: bool,
    method: str,
    tolerance_min: float,
) -> pd.DataFrame:
    """Parse a station's raw files, filter by confidence and reduce to hourly values.

    Parameters
    ----------
    paths : sequence of path-like
        The station's raw files (any order).
    station : Station or mapping
        Registry row (a mapping is turned into a :class:`Station`).
    min_confidence, keep_unknown_confidence
        See :func:`.analysis.filter_confidence`.
    method, tolerance_min
        See :func:`.analysis.to_hourly`.

    Returns
    -------
    pandas.DataFrame
        Hourly table (UT), validated against the schema.
    """
    if not isinstance(station, Station):
        station = Station(**station)
    tables = [read_raw(p, station) for p in paths]
    table = pd.concat(tables, ignore_index=True) if tables else make_table([])
    n_raw = len(table)
    kept = analysis.filter_confidence(table, min_confidence, keep_unknown=keep_unknown_confidence)
    hourly = analysis.to_hourly(kept, method=method, tolerance_min=tolerance_min)
    validate_table(hourly)
    logger.info(
        "%s: %d records in %d files; %d dropped below confidence %d; %d hourly rows, "
        "%d with foEs", station.code, n_raw, len(paths), n_raw - len(kept), min_confidence,
        len(hourly), int(hourly["foEs_MHz"].notna().sum()),
    )
    return hourly


def write_hourly(
    paths: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    station: Mapping[str, Any],
    *,
    config: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """Rule entry: :func:`build_hourly` and write the Parquet table with provenance.

    Parameters
    ----------
    paths : sequence of path-like
        Raw files.
    out : path-like
        ``results/ionosonde/{station}/hourly.parquet``.
    station : mapping
        Registry row.
    config : mapping, optional
        Configuration hashed into the provenance attributes.
    **kwargs
        Passed to :func:`build_hourly`.
    """
    hourly = build_hourly(paths, station, **kwargs)
    hourly.attrs.update(provenance_attrs(config, paths, step="ionosonde hourly"))
    write_parquet(hourly, out)


def run_analysis(
    hourly_paths: Mapping[str, str | os.PathLike],
    stations_path: str | os.PathLike,
    station_years: Mapping[str, Sequence[int]],
    *,
    out_peaks: str | os.PathLike,
    out_means: str | os.PathLike,
    out_regression: str | os.PathLike,
    out_daily: str | os.PathLike,
    analysis_params: Mapping[str, Any],
    seed: int,
    stations_schema: str | os.PathLike | None = None,
) -> dict[str, pd.DataFrame]:
    """Rule entry: the whole analysis of SCIENCE.md 7 over the stations given.

    Parameters
    ----------
    hourly_paths : mapping of str to path-like
        Station code to ``hourly.parquet``; the stations analysed.
    stations_path : path-like
        ``stations.tsv`` (names, latitudes, chains).
    station_years : mapping of str to sequence of int
        Years per station.
    out_peaks, out_means, out_regression : path-like
        CSV outputs (station-year peaks, station means, fits).
    out_daily : path-like
        Parquet of the daily and smoothed series (for Fig. 5).
    analysis_params : mapping
        The ``ionosonde.analysis`` config section: ``min_hours_per_day``,
        ``window_days``, ``smoothing_min_coverage``, ``summer_window_doy``,
        ``min_year_coverage``, ``edge_peaks``, ``fit_points``,
        ``earth_radius_km``, ``bootstrap_samples``, ``bootstrap_method``,
        ``ci_level``. Every key is required (the validated config has them
        all): a missing key is an error, never a silent library default.
    seed : int
        Bootstrap seed (config ``seed``).
    stations_schema : path-like, optional
        Schema of ``stations.tsv`` (default: the repository's).

    Returns
    -------
    dict of str to pandas.DataFrame
        As :func:`.analysis.analyse`.
    """
    kw = {} if stations_schema is None else {"schema_path": stations_schema}
    registry = {s.code: s for s in load_stations(stations_path, **kw)}
    stations = [registry[c] for c in registry if c in hourly_paths]
    hourly = {code: pd.read_parquet(p) for code, p in hourly_paths.items()}
    p = dict(analysis_params)
    res = analysis.analyse(
        hourly, stations, station_years,
        min_hours_per_day=int(p["min_hours_per_day"]),
        window_days=int(p["window_days"]),
        smoothing_min_coverage=float(p["smoothing_min_coverage"]),
        summer_window_doy=tuple(p["summer_window_doy"]),
        min_year_coverage=float(p["min_year_coverage"]),
        edge_peaks=str(p["edge_peaks"]),
        fit_points=p["fit_points"],
        earth_radius_km=float(p["earth_radius_km"]),
        bootstrap_samples=int(p["bootstrap_samples"]),
        bootstrap_method=str(p["bootstrap_method"]),
        ci_level=float(p["ci_level"]),
        seed=int(seed),
    )
    peaks = res["peaks"].copy()
    peaks["peak_date"] = pd.to_datetime(peaks["peak_date"]).dt.strftime("%Y-%m-%d")
    write_csv(peaks, out_peaks, float_format="%.6g")
    write_csv(res["means"], out_means, float_format="%.6g")
    write_csv(res["regression"], out_regression, float_format="%.6g")
    daily = res["daily"]
    daily.attrs.update(provenance_attrs(analysis_params, list(hourly_paths.values()),
                                        step="ionosonde daily/smoothed"))
    write_parquet(daily, out_daily)
    for row in res["regression"].itertuples():
        logger.info(
            "fit %s: n=%d slope %.3f +- %.3f deg/day (%.3f m/s), r=%.3f, p=%.3g, "
            "%s bootstrap CI [%.3f, %.3f]",
            row.fit, row.n_points, row.slope_deg_per_day, row.slope_se_deg_per_day,
            row.speed_m_per_s, row.r, row.p_value, p["bootstrap_method"],
            row.slope_ci_low_deg_per_day, row.slope_ci_high_deg_per_day,
        )
    return res
