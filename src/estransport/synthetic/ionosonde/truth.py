"""The planted truth of the synthetic ionosonde foEs and the soundings drawn from it.

The mean foEs of a station at latitude ``lat`` (degrees N) on day of year
``d`` and local hour ``h`` is::

    foEs = (base + amp * exp(-0.5 * (dd / width)**2)) * (1 + diurnal * cos(2 pi (h - 11) / 24))
    dd   = d - d_peak(lat)            (wrapped to -182.6..182.6 days; d is fractional,
                                       with noon UT of day-of-year n at exactly n)
    d_peak(lat) = ref_doy + (|lat| - ref_lat) / slope   (+ SH_SEASON_SHIFT_DAYS in the south)

so the **summer-peak DOY is linear in latitude** with slope ``slope`` in
degrees/day (the planted speed is that slope times pi R / 180 / 86400): low
latitudes peak earlier. On top of the mean (:func:`simulate`):

* day-to-day variability: an AR(1) series in MHz (``day_sd_MHz``, lag-one
  correlation ``day_rho``), the same for every hour of a day;
* sounding-to-sounding noise (``hour_sd_MHz``);
* gaps: whole days without soundings (``gap_day_fraction``) and one outage of
  ``outage_days`` consecutive days per station-year (:func:`gap_days`);
* letter-only entries: with probability ``letter_only_fraction`` (doubled at
  night) a sounding has no value and only a descriptive letter (``B``, ``C``,
  ``G``, ``S``), as URSI tables write it (docs/formats.md 3.0);
* qualifying letters ``U``/``D``/``E`` on a fraction ``qualifier_fraction`` of values;
* in formats with a confidence (SAO, DIDBase), a fraction
  ``low_confidence_fraction`` of soundings has a low whole-ionogram autoscaling
  confidence (CS 0 or 25). By default (``low_confidence_bias_MHz`` 0) their foEs is
  right: the low confidence stands for a badly scaled F region, as in real files
  (docs/science.md §7). With ``low_confidence_bias_MHz`` > 0 their foEs is that much
  too high, which only ``ionosonde.confidence_filter: ionogram`` removes (tests).

Values below the sounders' lowest frequency (1 MHz) are letter ``E`` ("below
the range"). h'Es is 100-115 km with noise; fbEs is 0.8 foEs.

Es response to metal ion clouds (the second study, ``docs/science.md`` §9): with
:class:`EsEvents`, foEs rises by ``rise_MHz`` at each event (a planted cloud's
arrival below the Es level at the lidar) and the rise decays with e-folding
time ``duration_h`` (:func:`es_response`); it is added before rounding and
draws no random numbers, so every other value of the station-year is unchanged.
h'Es is not changed.

Randomness: one :func:`numpy.random.default_rng` per station-year, seeded with
``[seed, crc32(station code), year]``: the same seed gives the same bytes
whatever the order or parallelism of the jobs.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math
import zlib

import numpy as np
import pandas as pd

from ...ionosonde.schema import CONFIDENCE_UNKNOWN, table_from_columns
from ...ionosonde.stations import Station

#: Lowest sounding frequency of the simulated sounders, MHz (values below are letter E).
F_MIN_MHZ = 1.0
#: Descriptive letters used for letter-only entries (docs/formats.md 3.0: absorption,
#: equipment, too weak, interference).
LETTER_ONLY = ("B", "C", "G", "S")
#: Qualifying letters attached to some values (docs/formats.md 3.0).
QUALIFIERS = ("U", "D", "E")
#: Local hour of the diurnal maximum of foEs (late morning; Es peaks by day).
DIURNAL_PEAK_HOUR = 11.0
#: Mean tropical year in days, for the wrap of the seasonal cycle.
YEAR_DAYS = 365.2422
#: Days by which the southern seasonal cycle lags the northern one: half a tropical
#: year, the interval between the June and December solstices (to within a day), so a
#: southern station's summer peak falls half a year after that of a northern station
#: at the same |latitude|. The planted truth's own value, not the analysis'
#: window shift (which is a whole number of days, see estransport.ionosonde.peaks).
SH_SEASON_SHIFT_DAYS = YEAR_DAYS / 2
#: Sounding interval of the formats without their own cadence (SAO, SAO.XML and the
#: hourly tabulations IIWG and UKSSDC Data File), minutes.
HOURLY_CADENCE_MIN = 60
#: Formats whose records carry an autoscaling confidence.
CONFIDENCE_FORMATS = ("sao", "didbase")


@dataclasses.dataclass(frozen=True)
class EsEvents:
    """Planted foEs rises after events (metal-ion-cloud arrivals, docs/science.md §9).

    Attributes
    ----------
    times_ut : tuple of numpy.datetime64
        Event times, UT.
    rise_MHz : float
        foEs rise at the event, MHz.
    duration_h : float
        e-folding decay time of the rise, hours.
    """

    times_ut: tuple
    rise_MHz: float
    duration_h: float


def es_response(times_ut: pd.DatetimeIndex, events: EsEvents | None) -> np.ndarray:
    """The planted foEs rise at ``times_ut``, MHz: sum over events of rise exp(-dt/duration), dt >= 0."""
    out = np.zeros(len(times_ut))
    if events is None or not events.times_ut:
        return out
    t = times_ut.to_numpy("datetime64[ns]")
    for e in events.times_ut:
        dt_h = (t - np.datetime64(e, "ns")) / np.timedelta64(1, "h")
        after = dt_h >= 0
        out[after] += events.rise_MHz * np.exp(-dt_h[after] / events.duration_h)
    return out


@dataclasses.dataclass(frozen=True)
class PlantedTruth:
    """Parameters of the synthetic foEs (see the module docstring for the model).

    Every field is a key of the ``ionosonde.synthetic`` config section; the
    defaults live in the schema (``estransport/schemas/ionosonde.schema.yaml``).

    Attributes
    ----------
    slope_deg_per_day : float
        Planted latitude change of the summer peak, degrees per day (> 0: the
        peak moves poleward, low latitudes first).
    ref_lat_deg : float
        Latitude (degrees, absolute) whose summer peak is at ``ref_doy``.
    ref_doy : float
        Peak day of year at ``ref_lat_deg``.
    base_MHz, amp_MHz : float
        Background foEs and summer enhancement, MHz.
    width_days : float
        Gaussian width (1 sigma) of the summer enhancement, days.
    diurnal : float
        Relative diurnal amplitude (0-1).
    day_sd_MHz, day_rho : float
        Day-to-day AR(1) variability: standard deviation (MHz) and lag-1 correlation.
    hour_sd_MHz : float
        Sounding-to-sounding noise, MHz.
    gap_day_fraction : float
        Fraction of days without any sounding.
    outage_days : int
        Length of one continuous outage per station-year, days (0 = none).
    letter_only_fraction : float
        Daytime probability of a letter-only (missing) entry; doubled at night.
    qualifier_fraction : float
        Fraction of values with a qualifying letter.
    low_confidence_fraction : float
        Fraction of soundings with a low whole-ionogram confidence (SAO, DIDBase).
    low_confidence_bias_MHz : float
        How much too high the low-confidence values are, MHz.
    didbase_cadence_min : int
        Sounding interval of DIDBase exports, minutes (SAO, SAO.XML and the
        hourly formats sound once an hour).
    """

    slope_deg_per_day: float
    ref_lat_deg: float
    ref_doy: float
    base_MHz: float
    amp_MHz: float
    width_days: float
    diurnal: float
    day_sd_MHz: float
    day_rho: float
    hour_sd_MHz: float
    gap_day_fraction: float
    outage_days: int
    letter_only_fraction: float
    qualifier_fraction: float
    low_confidence_fraction: float
    low_confidence_bias_MHz: float
    didbase_cadence_min: int

    def peak_doy(self, lat_deg: float) -> float:
        """Planted summer-peak day of year at ``lat_deg``, comparable between hemispheres.

        Parameters
        ----------
        lat_deg : float
            Latitude, degrees N.

        Returns
        -------
        float
            ``ref_doy + (|lat| - ref_lat) / slope`` (days): the calendar DOY of
            the peak in the north; in the south the peak falls
            :data:`SH_SEASON_SHIFT_DAYS` later (:meth:`peak_calendar_doy`).
        """
        return self.ref_doy + (abs(lat_deg) - self.ref_lat_deg) / self.slope_deg_per_day

    def peak_calendar_doy(self, lat_deg: float) -> float:
        """Planted summer peak at ``lat_deg`` as a fractional day of the calendar year.

        Parameters
        ----------
        lat_deg : float
            Latitude, degrees N.

        Returns
        -------
        float
            :meth:`peak_doy`, plus :data:`SH_SEASON_SHIFT_DAYS` in the south
            (values above 365 fall in the next year). Day ``n`` at noon UT is
            exactly ``n``.
        """
        return self.peak_doy(lat_deg) + (0.0 if lat_deg >= 0 else SH_SEASON_SHIFT_DAYS)


def station_rng(seed: int, code: str, year: int) -> np.random.Generator:
    """The random generator of one station-year (independent of job order)."""
    return np.random.default_rng([int(seed), zlib.crc32(code.encode()), int(year)])


def mean_foes(
    times_ut: pd.DatetimeIndex, lat: float, lon: float, truth: PlantedTruth
) -> np.ndarray:
    """Noise-free planted foEs at the given UT times, MHz.

    Parameters
    ----------
    times_ut : pandas.DatetimeIndex
        Sounding times, UT.
    lat, lon : float
        Station latitude (degrees N) and longitude (degrees E).
    truth : PlantedTruth

    Returns
    -------
    numpy.ndarray
        foEs in MHz.
    """
    # fractional day of year, with noon UT of day d at exactly d, so that a UT-day mean is centred on d
    hours = times_ut.hour.to_numpy() + times_ut.minute.to_numpy() / 60
    doy = times_ut.day_of_year.to_numpy() + (hours - 12) / 24
    peak = truth.peak_calendar_doy(lat)
    dd = (doy - peak + YEAR_DAYS / 2) % YEAR_DAYS - YEAR_DAYS / 2
    season = truth.base_MHz + truth.amp_MHz * np.exp(-0.5 * (dd / truth.width_days) ** 2)
    local_h = (hours + lon / 15) % 24
    diurnal = 1 + truth.diurnal * np.cos(2 * np.pi * (local_h - DIURNAL_PEAK_HOUR) / 24)
    return season * diurnal


def simulate(
    times_ut: pd.DatetimeIndex,
    station: Station,
    truth: PlantedTruth,
    rng: np.random.Generator,
    *,
    with_confidence: bool,
    es_events: EsEvents | None = None,
) -> pd.DataFrame:
    """Simulated soundings at ``times_ut`` (before gaps are applied to days).

    Parameters
    ----------
    times_ut : pandas.DatetimeIndex
        Sounding times, UT, sorted.
    station : Station
    truth : PlantedTruth
    rng : numpy.random.Generator
    with_confidence : bool
        Draw autoscaling confidences (low-confidence values off by
        ``low_confidence_bias_MHz``); else
        every sounding is manually scaled (confidence 999).
    es_events : EsEvents, optional
        Planted foEs rises (:func:`es_response`); None = none.

    Returns
    -------
    pandas.DataFrame
        Columns ``time_ut``, ``foEs_MHz`` (NaN for letter-only entries),
        ``true_foEs_MHz`` (the value before letter-only masking and
        low-confidence corruption), ``qualifier``, ``descriptor``,
        ``confidence``, ``hEs_km``, ``fbEs_MHz``.
    """
    n = len(times_ut)
    days = times_ut.floor("D")
    uniq, day_idx = np.unique(days.to_numpy(), return_inverse=True)
    ar = np.empty(len(uniq))
    e = rng.normal(0, 1, len(uniq))
    ar[0] = e[0]
    for i in range(1, len(uniq)):
        ar[i] = truth.day_rho * ar[i - 1] + math.sqrt(1 - truth.day_rho**2) * e[i]
    value = mean_foes(times_ut, station.lat, station.lon, truth)
    value = value + truth.day_sd_MHz * ar[day_idx] + rng.normal(0, truth.hour_sd_MHz, n)
    value = value + es_response(times_ut, es_events)  # no random draw: nothing else moves
    value = np.round(np.maximum(value, 0.5), 1)  # tabulated to 0.1 MHz (URSI code 30)
    true_value = value.copy()
    qualifier = np.where(
        rng.random(n) < truth.qualifier_fraction, rng.choice(QUALIFIERS, n), ""
    ).astype(object)
    descriptor = np.full(n, "", dtype=object)
    local_h = (times_ut.hour.to_numpy() + station.lon / 15) % 24
    night = (local_h < 6) | (local_h >= 19)
    p_letter = truth.letter_only_fraction * np.where(night, 2.0, 1.0)
    letter_only = rng.random(n) < p_letter
    below = value < F_MIN_MHZ
    descriptor[letter_only] = rng.choice(LETTER_ONLY, int(letter_only.sum()))
    descriptor[below & ~letter_only] = "E"
    missing = letter_only | below
    value[missing] = np.nan
    qualifier[missing] = ""
    if with_confidence:
        confidence = rng.choice([75, 100], n, p=[0.3, 0.7]).astype(np.int16)
        low = (rng.random(n) < truth.low_confidence_fraction) & ~missing
        confidence[low] = rng.choice([25, 0], int(low.sum())).astype(np.int16)
        value[low] = np.round(value[low] + truth.low_confidence_bias_MHz, 1)
    else:
        confidence = np.full(n, 999, dtype=np.int16)
    hes = np.round(100 + 15 * rng.random(n), 1)
    hes[missing] = np.nan
    return pd.DataFrame(
        {
            "time_ut": times_ut,
            "foEs_MHz": value,
            "true_foEs_MHz": true_value,
            "qualifier": qualifier,
            "descriptor": descriptor,
            "confidence": confidence,
            "hEs_km": hes,
            "fbEs_MHz": np.round(0.8 * value, 1),
        }
    )


def gap_days(year: int, truth: PlantedTruth, rng: np.random.Generator) -> set[dt.date]:
    """Days (local calendar) without soundings: random days plus one outage.

    Parameters
    ----------
    year : int
    truth : PlantedTruth
        ``gap_day_fraction`` and ``outage_days``.
    rng : numpy.random.Generator

    Returns
    -------
    set of datetime.date
    """
    ndays = 366 if calendar.isleap(year) else 365
    first = dt.date(year, 1, 1)
    out = {
        first + dt.timedelta(days=int(i))
        for i in np.flatnonzero(rng.random(ndays) < truth.gap_day_fraction)
    }
    if truth.outage_days > 0:
        start = int(rng.integers(0, ndays - truth.outage_days))
        out |= {first + dt.timedelta(days=start + i) for i in range(truth.outage_days)}
    return out


def _meridian_time_grid(
    year: int, meridian_deg: float, cadence_min: int
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Local times of every sounding of ``year`` (local calendar) and the UT times."""
    local = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:59", freq=f"{cadence_min}min")
    return local, local - pd.Timedelta(hours=meridian_deg / 15.0)


def _drop_gaps(df: pd.DataFrame, local: pd.DatetimeIndex, gaps: set[dt.date]) -> pd.DataFrame:
    keep = ~pd.Index(local.date).isin(list(gaps))
    return df.loc[keep].reset_index(drop=True).assign(_local=local[keep])


def iiwg_meridian(lon_deg: float) -> int:
    """Time meridian the synthetic IIWG files use: the standard meridian nearest the station.

    ``15 * round(lon / 15)`` degrees E (Lisbon, 9.27 W: -15, i.e. UT - 1 h), so
    the reader's local-time-to-UT conversion is exercised.
    """
    return int(15 * round(lon_deg / 15))


def sounding_meridian(station: Station) -> float:
    """Meridian (degrees E) of the calendar the station's synthetic soundings follow.

    The hourly tabulations are written in local time: IIWG files in the
    standard meridian's time (:func:`iiwg_meridian`), UKSSDC Data Files in the
    station's local mean time (``station.meridian_deg``). The other formats are in UT (0).
    """
    if station.format == "iiwg":
        return iiwg_meridian(station.lon)
    if station.format == "ukssdc_daily":
        return station.meridian_deg
    return 0.0


def simulate_station_year(
    station: Station,
    year: int,
    *,
    seed: int,
    truth: PlantedTruth,
    es_events: EsEvents | None = None,
) -> pd.DataFrame:
    """The soundings of one station-year, as they are written to the station's file.

    Parameters
    ----------
    station : Station
        Registry row; its format sets the cadence, the calendar
        (:func:`sounding_meridian`) and whether confidences are drawn.
    year : int
        Calendar year (local calendar for the hourly formats, UT otherwise).
    seed : int
        Master seed (config ``seed``); see :func:`station_rng`.
    truth : PlantedTruth
        Planted parameters.
    es_events : EsEvents, optional
        Planted foEs rises after metal-ion-cloud arrivals (docs/science.md §9).

    Returns
    -------
    pandas.DataFrame
        :func:`simulate` columns (UT) without the gap days, plus ``_local``
        (the time in the calendar of :func:`sounding_meridian`).
    """
    rng = station_rng(seed, station.code, year)
    meridian = sounding_meridian(station)
    cadence = truth.didbase_cadence_min if station.format == "didbase" else HOURLY_CADENCE_MIN
    local, times_ut = _meridian_time_grid(year, meridian, cadence)
    df = simulate(
        times_ut,
        station,
        truth,
        rng,
        with_confidence=station.format in CONFIDENCE_FORMATS,
        es_events=es_events,
    )
    return _drop_gaps(df, local, gap_days(year, truth, rng))


def soundings_table(soundings: pd.DataFrame, station: Station) -> pd.DataFrame:
    """Simulated soundings as the ionosonde table a parser would return (no file in between).

    For the file-less route from the planted truth to the analysis (tests, and
    ``tools/ionosonde_seed_spread.py``): the times, foEs, letters and
    confidences are those the parser of the station's file returns (value for
    value; IIWG rounds h'Es to whole km): SAO and DIDBase carry the drawn
    confidence, IIWG and SAO.XML say manual scaling (999), a UKSSDC Data File
    carries none (-1, unknown).

    Parameters
    ----------
    soundings : pandas.DataFrame
        :func:`simulate_station_year` output.
    station : Station

    Returns
    -------
    pandas.DataFrame
        Ionosonde table (:mod:`estransport.ionosonde.schema`); ``source_file``
        is ``"synthetic"``, ``source_line`` the row number.
    """
    n = len(soundings)
    confidence = soundings["confidence"].to_numpy()
    if station.format == "ukssdc_daily":
        confidence = np.full(n, CONFIDENCE_UNKNOWN, dtype=confidence.dtype)
    return table_from_columns(
        {
            "time_ut": soundings["time_ut"].to_numpy(),
            "station": [station.code] * n,
            "foEs_MHz": soundings["foEs_MHz"].to_numpy(),
            "qualifier": soundings["qualifier"].tolist(),
            "descriptor": soundings["descriptor"].tolist(),
            "confidence": confidence,
            "hEs_km": soundings["hEs_km"].to_numpy(),
            "fbEs_MHz": soundings["fbEs_MHz"].to_numpy(),
            "source_file": ["synthetic"] * n,
            "source_line": np.arange(1, n + 1),
        }
    )
