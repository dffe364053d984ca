"""The synthetic ionosonde data of one seed, reduced in memory to station-year summer peaks.

The full path of the workflow (rules ``ionosonde_synthetic`` -> ``ionosonde_hourly`` ->
``ionosonde_analysis``) draws each station-year's soundings with
:func:`estransport.synthetic.ionosonde.simulate` and
:func:`~estransport.synthetic.ionosonde.gap_days`, writes them in the station's file
format, parses the file back, keeps the confidences allowed, reduces the soundings to one
value per UT hour, and then forms daily means, smooths them and finds each year's summer
peak. A Monte Carlo over hundreds of seeds does not need the file round trip, so this
module takes a shortcut:

What the shortcut keeps (identical numbers for the same seed):
    every random draw of the generator, in the same order from the same stream
    (:func:`~estransport.synthetic.ionosonde.station_rng`), so the same values, gaps,
    low-confidence corruptions and letter-only entries; the generator's own truth model
    (:func:`~estransport.synthetic.ionosonde.mean_foes`); the confidence each parser
    assigns (SAO analysis flag and DIDBase CS as drawn; 999 for the IIWG "Manual" header
    and SAO.XML ``ScalerType="manual"``; -1 for UKSSDC Data Files); the library's
    confidence rule, the nearest-to-the-hour (or hourly mean) reduction with its
    tolerance and tie order, the UT-day mean with its minimum number of hours, the
    library's own :func:`~estransport.ionosonde.daily.smooth`, and the window, coverage,
    first-maximum and edge rules of :func:`~estransport.ionosonde.peaks.summer_peaks`.

What the shortcut skips:
    writing the file in the station's format and parsing it back (values are drawn at
    0.1 MHz, which every format holds exactly, so the round trip is lossless for foEs);
    the letters (qualifying and descriptive letters do not enter the analysis), h'Es and
    fbEs; the table-schema validation and the Parquet files; and the foEs rises the
    synthetic lidar plants after its cloud arrivals (``es_events`` of the generator:
    November nights at the station linked to the lidar, outside every summer window, so
    they cannot move a summer peak). The confidence filter, the
    hourly reduction, the daily mean and the peak search are re-implemented on NumPy
    arrays (the soundings lie on a regular time grid): about 6 ms per station-year
    against about 0.8 s for the file round trip and the library's pandas path.

``tests/test_validation_ionosonde.py`` checks, for one seed and one station of each
format (IIWG, SAO, DIDBase, SAO.XML) plus a southern one, that the shortcut's daily
means equal the full path's to 1e-12 and that its summer peaks are identical, and that
the array peak search equals :func:`~estransport.ionosonde.peaks.summer_peaks`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..ionosonde.daily import smooth
from ..ionosonde.peaks import SH_SHIFT_DAYS, summer_window
from ..ionosonde.schema import CONFIDENCE_MANUAL, CONFIDENCE_UNKNOWN
from ..ionosonde.stations import Station
from ..synthetic.ionosonde import truth as gen

#: Nanoseconds per minute, hour and day (the time grids are datetime64[ns]).
NS_MIN = 60 * 10**9
NS_HOUR = 60 * NS_MIN
NS_DAY = 24 * NS_HOUR
#: Formats whose files carry the drawn autoscaling confidence (the generator's).
FORMATS_WITH_CONFIDENCE = gen.CONFIDENCE_FORMATS
#: Confidence the parser gives each format without a per-record confidence.
PARSED_CONFIDENCE = {
    "iiwg": CONFIDENCE_MANUAL,  # the generator's IIWG header says "Manual" scaling
    "saoxml": CONFIDENCE_MANUAL,  # ScalerType="manual"
    "ukssdc_daily": CONFIDENCE_UNKNOWN,  # Data Files carry no scaling type
}


def _ns(index: pd.DatetimeIndex) -> np.ndarray:
    """Times as int64 nanoseconds (pandas may hold them in another unit)."""
    return index.as_unit("ns").asi8


@dataclass(frozen=True)
class ReductionParams:
    """The hourly and daily choices of the analysis (``ionosonde.*`` config keys).

    Attributes
    ----------
    confidence_filter : {"none", "ionogram"}
        ``ionosonde.confidence_filter``.
    min_confidence : int
        Lowest autoscaling confidence kept (``ionosonde.min_confidence``).
    keep_unknown_confidence : bool
        Keep records of unknown confidence (``ionosonde.keep_unknown_confidence``).
    hourly_method : {"nearest", "mean"}
        ``ionosonde.hourly.method``.
    tolerance_min : float
        ``ionosonde.hourly.tolerance_min``, minutes.
    min_hours_per_day : int
        ``ionosonde.analysis.min_hours_per_day``.
    window_days : int
        ``ionosonde.analysis.window_days``, days.
    smoothing_min_coverage : float
        ``ionosonde.analysis.smoothing_min_coverage`` (0-1).
    summer_window_doy : (int, int)
        ``ionosonde.analysis.summer_window_doy``, northern DOY.
    min_year_coverage : float
        ``ionosonde.analysis.min_year_coverage`` (0-1).
    edge_peaks : {"drop", "keep"}
        ``ionosonde.analysis.edge_peaks``.
    """

    confidence_filter: str
    min_confidence: int
    keep_unknown_confidence: bool
    hourly_method: str
    tolerance_min: float
    min_hours_per_day: int
    window_days: int
    smoothing_min_coverage: float
    summer_window_doy: tuple[int, int]
    min_year_coverage: float
    edge_peaks: str


@dataclass(frozen=True)
class _Grid:
    """What does not depend on the seed: sounding times and the noise-free planted foEs."""

    time_ns: np.ndarray  # UT, int64 ns
    day_idx: np.ndarray  # UT day of each sounding, counted from the first
    local_day: np.ndarray  # local-calendar day of each sounding, counted from 1 January
    night: np.ndarray  # local night (letter-only entries twice as likely)
    mean_foes: np.ndarray  # the generator's noise-free foEs, MHz


@functools.lru_cache(maxsize=256)
def _grid(station: Station, year: int, truth: gen.PlantedTruth) -> _Grid:
    """The time grid of :func:`~.truth.simulate_station_year` for one station-year (cached)."""
    meridian = gen.sounding_meridian(station)
    cadence = truth.didbase_cadence_min if station.format == "didbase" else gen.HOURLY_CADENCE_MIN
    local, times_ut = gen._meridian_time_grid(year, meridian, cadence)
    t_ns, local_ns = _ns(times_ut), _ns(local)
    local_h = ((t_ns // NS_HOUR) % 24 + station.lon / 15) % 24  # gen.simulate: UT hour + lon/15
    return _Grid(
        time_ns=t_ns,
        day_idx=(t_ns // NS_DAY) - (t_ns[0] // NS_DAY),  # sorted times: same as np.unique
        local_day=(local_ns - local_ns[0]) // NS_DAY,
        night=(local_h < 6) | (local_h >= 19),
        mean_foes=gen.mean_foes(times_ut, station.lat, station.lon, truth),
    )


def station_year_soundings(
    station: Station, year: int, *, seed: int, truth: gen.PlantedTruth
) -> dict[str, np.ndarray]:
    """The soundings the generator writes for one station-year, as arrays.

    The random draws are those of
    :func:`estransport.synthetic.ionosonde.simulate_station_year`, in the same order
    (values, letters, confidences, h'Es, then the gap days), so the values are
    identical; only the ones the analysis reads are kept.

    Parameters
    ----------
    station : Station
        Registry row (``format`` chooses the cadence, the time meridian and whether a
        confidence is drawn).
    year : int
        Calendar year (local calendar of the format's meridian).
    seed : int
        Master seed (config ``seed``).
    truth : PlantedTruth
        Planted parameters.

    Returns
    -------
    dict of str to numpy.ndarray
        ``time_ns`` (UT, int64 ns since 1970), ``foEs_MHz`` (NaN for letter-only and
        below-range entries; low-confidence values carry their planted error) and
        ``confidence`` (as the format's parser reports it), for the soundings outside
        the gap days.
    """
    rng = gen.station_rng(seed, station.code, year)
    grid = _grid(station, int(year), truth)
    with_confidence = station.format in FORMATS_WITH_CONFIDENCE
    # --- the draws of gen.simulate, in its order
    n, t_ns, day_idx = len(grid.time_ns), grid.time_ns, grid.day_idx
    ndays = int(day_idx[-1]) + 1
    ar = np.empty(ndays)
    e = rng.normal(0, 1, ndays)
    ar[0] = e[0]
    rho, s = truth.day_rho, np.sqrt(1 - truth.day_rho**2)
    for i in range(1, ndays):
        ar[i] = rho * ar[i - 1] + s * e[i]
    value = grid.mean_foes
    value = value + truth.day_sd_MHz * ar[day_idx] + rng.normal(0, truth.hour_sd_MHz, n)
    value = np.round(np.maximum(value, 0.5), 1)
    rng.random(n)  # qualifying letter or not
    rng.integers(0, len(gen.QUALIFIERS), n)  # which letter: the draws of rng.choice
    letter_only = rng.random(n) < truth.letter_only_fraction * np.where(grid.night, 2.0, 1.0)
    rng.integers(0, len(gen.LETTER_ONLY), int(letter_only.sum()))  # which letter (as choice)
    missing = letter_only | (value < gen.F_MIN_MHZ)
    value[missing] = np.nan
    if with_confidence:
        confidence = rng.choice([75, 100], n, p=[0.3, 0.7]).astype(np.int16)
        low = (rng.random(n) < truth.low_confidence_fraction) & ~missing
        confidence[low] = rng.choice([25, 0], int(low.sum())).astype(np.int16)
        value[low] = np.round(value[low] + truth.low_confidence_bias_MHz, 1)
    else:
        confidence = np.full(n, PARSED_CONFIDENCE[station.format], dtype=np.int16)
    rng.random(n)  # h'Es
    # --- gen.gap_days and gen._drop_gaps (local calendar days)
    gaps = gen.gap_days(year, truth, rng)
    jan1 = dt.date(year, 1, 1)
    gap_offsets = np.array(sorted((d - jan1).days for d in gaps), dtype=np.int64)
    keep = ~np.isin(grid.local_day, gap_offsets)
    return {"time_ns": t_ns[keep], "foEs_MHz": value[keep], "confidence": confidence[keep]}


def hourly_values(
    time_ns: np.ndarray, foes: np.ndarray, confidence: np.ndarray, params: ReductionParams
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence filter and one value per UT hour, on arrays.

    Same rules as :func:`~estransport.ionosonde.hourly.apply_confidence_filter` followed by
    :func:`~estransport.ionosonde.hourly.to_hourly` (only hours with a value are
    returned: hours without one do not enter a daily mean).

    Parameters
    ----------
    time_ns : numpy.ndarray
        Sounding times, UT, int64 ns, in the order the files are read (chronological).
    foes : numpy.ndarray
        foEs, MHz (NaN = no value).
    confidence : numpy.ndarray
        Confidence as parsed (0-100, 999 manual, -1 unknown).
    params : ReductionParams

    Returns
    -------
    time_ns, foes : numpy.ndarray
        Time of the chosen record (the nearest to the hour) and the hour's value (MHz).
    """
    c = confidence
    if params.confidence_filter == "none":
        keep = np.ones(len(c), bool)
    elif params.confidence_filter == "ionogram":
        keep = (c == CONFIDENCE_MANUAL) | ((c >= params.min_confidence) & (c <= 100))
        if params.keep_unknown_confidence:
            keep |= c == CONFIDENCE_UNKNOWN
    else:
        raise ValueError(f"confidence_filter {params.confidence_filter!r} is not none or ionogram")
    keep &= np.isfinite(foes)
    t, v = time_ns[keep], foes[keep]
    if len(t) and not (t % NS_HOUR).any() and (np.diff(t) > 0).all():
        return t, v  # one record per full hour, each at offset 0: nothing to choose
    hour = (t + 30 * NS_MIN) // NS_HOUR
    offset = np.abs(t - hour * NS_HOUR)
    near = offset <= params.tolerance_min * NS_MIN
    t, v, hour, offset = t[near], v[near], hour[near], offset[near]
    if (np.diff(t) >= 0).all():
        # chronological (the files' order): each hour's records are contiguous
        new_group = np.ones(len(t), bool)
        new_group[1:] = hour[1:] != hour[:-1]
        starts = np.flatnonzero(new_group)
        group = np.cumsum(new_group) - 1
        best = np.minimum.reduceat(offset, starts) if len(t) else offset
        cand = np.flatnonzero(offset == best[group])  # nearest records; ties: the earliest
        keep_first = np.ones(len(cand), bool)
        keep_first[1:] = group[cand[1:]] != group[cand[:-1]]
        chosen = cand[keep_first]
        order, first = np.arange(len(t)), new_group
    else:
        order = np.lexsort((np.arange(len(t)), offset, hour))  # hour, offset, file order
        hour_sorted = hour[order]
        first = np.ones(len(order), bool)
        first[1:] = hour_sorted[1:] != hour_sorted[:-1]
        chosen = order[first]
    if params.hourly_method == "nearest":
        return t[chosen], v[chosen]
    if params.hourly_method == "mean":
        group = np.cumsum(first) - 1
        sums = np.bincount(group, weights=v[order])
        counts = np.bincount(group)
        return t[chosen], sums / counts
    raise ValueError(f"hourly method {params.hourly_method!r} is not 'nearest' or 'mean'")


def station_daily(
    station: Station,
    years: Sequence[int],
    *,
    seed: int,
    truth: gen.PlantedTruth,
    params: ReductionParams,
) -> pd.Series:
    """Daily mean foEs of one station over its analysis index (UT days), in memory.

    Parameters
    ----------
    station : Station
    years : sequence of int
        Station-years generated and analysed.
    seed : int
        Master seed.
    truth : PlantedTruth
    params : ReductionParams

    Returns
    -------
    pandas.Series
        Daily mean foEs (MHz; NaN for days with fewer than ``min_hours_per_day`` hourly
        values) on the index of :func:`~estransport.ionosonde.analysis.analyse_station`
        (1 January of the first year to 31 December of the last, one year more for a
        southern station).
    """
    years = sorted(int(y) for y in years)
    parts = [station_year_soundings(station, y, seed=seed, truth=truth) for y in years]
    t = np.concatenate([p["time_ns"] for p in parts])
    v = np.concatenate([p["foEs_MHz"] for p in parts])
    c = np.concatenate([p["confidence"] for p in parts])
    th, vh = hourly_values(t, v, c, params)
    end_year = years[-1] + (1 if station.hemisphere == "S" else 0)
    index = pd.date_range(
        pd.Timestamp(years[0], 1, 1), pd.Timestamp(end_year, 12, 31), freq="D", name="date"
    )
    day = th // NS_DAY - _ns(index)[0] // NS_DAY
    inside = (day >= 0) & (day < len(index))
    sums = np.bincount(day[inside], weights=vh[inside], minlength=len(index))
    counts = np.bincount(day[inside], minlength=len(index))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / counts
    mean[counts < params.min_hours_per_day] = np.nan
    return pd.Series(mean, index=index, name="foEs_daily_MHz")


def summer_peak_days(
    smoothed: pd.Series,
    years: Sequence[int],
    *,
    hemisphere: str,
    params: ReductionParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Local peak DOY and validity of each year: :func:`~estransport.ionosonde.peaks.summer_peaks` on arrays.

    Same window (:func:`~estransport.ionosonde.peaks.summer_window`), coverage, first-maximum and
    window-edge rules as :func:`~estransport.ionosonde.peaks.summer_peaks`, without
    building its table (the test suite checks both give the same days).

    Parameters
    ----------
    smoothed : pandas.Series
        Smoothed daily foEs on a continuous daily index (MHz).
    years : sequence of int
    hemisphere : {"N", "S"}
    params : ReductionParams

    Returns
    -------
    peak_doy_local : numpy.ndarray
        Days (float; NaN without a smoothed value in the window).
    valid : numpy.ndarray
        bool.
    """
    values = smoothed.to_numpy(float)
    start = smoothed.index[0]
    shift = 0 if hemisphere == "N" else SH_SHIFT_DAYS
    doy, valid = np.full(len(years), np.nan), np.zeros(len(years), bool)
    for k, year in enumerate(years):
        first, last = summer_window(year, hemisphere, params.summer_window_doy)
        i0 = (first - start).days
        i1 = i0 + (last - first).days
        seg = values[max(i0, 0) : i1 + 1]
        have = np.flatnonzero(np.isfinite(seg))
        if not len(have):
            continue
        when = int(np.nanargmax(seg))  # first maximum, as idxmax
        cov = len(have) / (i1 - i0 + 1)
        edge = when in (have[0], have[-1])
        jan1 = (pd.Timestamp(year=int(year), month=1, day=1) - start).days
        doy[k] = i0 + when - jan1 + 1 - shift
        valid[k] = cov >= params.min_year_coverage and not (edge and params.edge_peaks == "drop")
    return doy, valid


def station_peaks(
    station: Station,
    years: Sequence[int],
    *,
    seed: int,
    truth: gen.PlantedTruth,
    params: ReductionParams,
) -> pd.DataFrame:
    """Summer peaks of one station's years, from the in-memory daily means.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``peak_doy_local`` (days) and ``valid`` (as
        :func:`~estransport.ionosonde.peaks.summer_peaks`).
    """
    years = sorted(int(y) for y in years)
    daily = station_daily(station, years, seed=seed, truth=truth, params=params)
    sm = smooth(daily, params.window_days, params.smoothing_min_coverage)
    doy, valid = summer_peak_days(
        sm["smoothed"], years, hemisphere=station.hemisphere, params=params
    )
    return pd.DataFrame({"year": years, "peak_doy_local": doy, "valid": valid})


def seed_peaks(
    stations: Sequence[Station],
    years: Sequence[int] | dict[str, Sequence[int]],
    *,
    seed: int,
    truth: gen.PlantedTruth,
    params: ReductionParams,
) -> pd.DataFrame:
    """Station-year summer peaks of every station for one seed.

    Parameters
    ----------
    stations : sequence of Station
    years : sequence of int, or mapping of station code to sequence of int
        Years of every station, or per station.
    seed : int
    truth : PlantedTruth
    params : ReductionParams

    Returns
    -------
    pandas.DataFrame
        ``station``, ``chain``, ``lat_deg``, ``year``, ``peak_doy_local`` (days) and
        ``valid``.
    """
    cols: dict[str, list] = {
        "station": [],
        "chain": [],
        "lat_deg": [],
        "year": [],
        "peak_doy_local": [],
        "valid": [],
    }
    for st in stations:
        yrs = sorted(int(y) for y in (years[st.code] if isinstance(years, dict) else years))
        p = station_peaks(st, yrs, seed=seed, truth=truth, params=params)
        cols["station"] += [st.code] * len(yrs)
        cols["chain"] += [st.chain] * len(yrs)
        cols["lat_deg"] += [st.lat] * len(yrs)
        cols["year"] += yrs
        cols["peak_doy_local"] += p["peak_doy_local"].tolist()
        cols["valid"] += p["valid"].tolist()
    return pd.DataFrame(cols)
