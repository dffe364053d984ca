"""Synthetic ionosonde foEs with a planted truth, written in the real archive formats.

The embedded default of the ionosonde slice. For each station and year the
generator simulates soundings and writes them in the station's format
(``config/stations.tsv``): IIWG station-month files (the Greenwich chain), SAO
4.x, SAO.XML 5.0 or GIRO DIDBase exports (the 120 E chain), or UKSSDC daily
Data Files. The real parsers then read them, so the default run exercises the
same code as real data.

Planted truth (:class:`PlantedTruth`; every number is a config value under
``ionosonde.synthetic``)
-----------------------------------------------------------------------------------
The mean foEs of a station at latitude ``lat`` (degrees N) on day of year
``d`` and local hour ``h`` is::

    foEs = (base + amp * exp(-0.5 * (dd / width)**2)) * (1 + diurnal * cos(2 pi (h - 11) / 24))
    dd   = d - d_peak(lat)            (wrapped to -182.6..182.6 days; d is fractional,
                                       with noon UT of day-of-year n at exactly n)
    d_peak(lat) = ref_doy + (|lat| - ref_lat) / slope   (+ 182 days in the south)

so the **summer-peak DOY is linear in latitude** with slope ``slope`` in
degrees/day (the planted speed is that slope times pi R / 180 / 86400): low
latitudes peak earlier. On top of the mean:

* day-to-day variability: an AR(1) series in MHz (``day_sd_MHz``, lag-one
  correlation ``day_rho``), the same for every hour of a day;
* sounding-to-sounding noise (``hour_sd_MHz``);
* gaps: whole days without soundings (``gap_day_fraction``) and one outage of
  ``outage_days`` consecutive days per station-year;
* letter-only entries: with probability ``letter_only_fraction`` (doubled at
  night) a sounding has no value and only a descriptive letter (``B``, ``C``,
  ``G``, ``S``), as URSI tables write it (FORMATS.md 3.0);
* qualifying letters ``U``/``D``/``E`` on a fraction ``qualifier_fraction`` of values;
* in formats with a confidence (SAO, DIDBase), a fraction
  ``low_confidence_fraction`` of soundings has a low autoscaling confidence
  (CS 0 or 25) **and a wrong value** (``low_confidence_bias_MHz`` too high), so a
  missing confidence filter shows up as a biased result.

Values below the sounders' lowest frequency (1 MHz) are letter ``E`` ("below
the range"). h'Es is 100-115 km with noise; fbEs is 0.8 foEs.

Randomness: one :func:`numpy.random.default_rng` per station-year, seeded with
``[seed, crc32(station code), year]``: the same seed gives the same bytes
whatever the order or parallelism of the jobs.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from ..io.atomic import atomic_path
from ..ionosonde.analysis import SH_SHIFT_DAYS
from ..ionosonde.stations import Station

#: Lowest sounding frequency of the simulated sounders, MHz (values below are letter E).
F_MIN_MHZ = 1.0
#: Descriptive letters used for letter-only entries (FORMATS.md 3.0: absorption,
#: equipment, too weak, interference).
LETTER_ONLY = ("B", "C", "G", "S")
#: Qualifying letters attached to some values (FORMATS.md 3.0).
QUALIFIERS = ("U", "D", "E")
#: Local hour of the diurnal maximum of foEs (late morning; Es peaks by day).
DIURNAL_PEAK_HOUR = 11.0
#: Mean tropical year in days, for the wrap of the seasonal cycle.
YEAR_DAYS = 365.2422


@dataclasses.dataclass(frozen=True)
class PlantedTruth:
    """Parameters of the synthetic foEs (see the module docstring for the model).

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
        Fraction of soundings with low confidence and a wrong value (SAO, DIDBase).
    low_confidence_bias_MHz : float
        How much too high the low-confidence values are, MHz.
    didbase_cadence_min : int
        Sounding interval of DIDBase exports, minutes (SAO, SAO.XML and the
        hourly formats sound once an hour).
    """

    slope_deg_per_day: float = 1.0
    ref_lat_deg: float = 40.0
    ref_doy: float = 185.0
    base_MHz: float = 2.5
    amp_MHz: float = 4.0
    width_days: float = 30.0
    diurnal: float = 0.3
    day_sd_MHz: float = 0.3
    day_rho: float = 0.3
    hour_sd_MHz: float = 0.6
    gap_day_fraction: float = 0.03
    outage_days: int = 10
    letter_only_fraction: float = 0.08
    qualifier_fraction: float = 0.1
    low_confidence_fraction: float = 0.05
    low_confidence_bias_MHz: float = 3.0
    didbase_cadence_min: int = 15

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any] | None) -> PlantedTruth:
        """Build from the ``ionosonde.synthetic`` config section (unknown keys are ignored)."""
        cfg = dict(cfg or {})
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in cfg.items() if k in names})

    def peak_doy(self, lat_deg: float) -> float:
        """Planted summer-peak day of year at ``lat_deg`` (local DOY: SH shifted back).

        Parameters
        ----------
        lat_deg : float
            Latitude, degrees N.

        Returns
        -------
        float
            ``ref_doy + (|lat| - ref_lat) / slope`` (days).
        """
        return self.ref_doy + (abs(lat_deg) - self.ref_lat_deg) / self.slope_deg_per_day


def station_rng(seed: int, code: str, year: int) -> np.random.Generator:
    """The random generator of one station-year (independent of job order)."""
    return np.random.default_rng([int(seed), zlib.crc32(code.encode()), int(year)])


def mean_foes(times_ut: pd.DatetimeIndex, lat: float, lon: float, truth: PlantedTruth) -> np.ndarray:
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
    peak = truth.peak_doy(lat) + (0 if lat >= 0 else SH_SHIFT_DAYS)
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
        Draw autoscaling confidences (and wrong low-confidence values); else
        every sounding is manually scaled (confidence 999).

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
    value = np.round(np.maximum(value, 0.5), 1)  # tabulated to 0.1 MHz (URSI code 30)
    true_value = value.copy()
    qualifier = np.where(rng.random(n) < truth.qualifier_fraction,
                         rng.choice(QUALIFIERS, n), "").astype(object)
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
    return pd.DataFrame({
        "time_ut": times_ut,
        "foEs_MHz": value,
        "true_foEs_MHz": true_value,
        "qualifier": qualifier,
        "descriptor": descriptor,
        "confidence": confidence,
        "hEs_km": hes,
        "fbEs_MHz": np.round(0.8 * value, 1),
    })


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
    out = {first + dt.timedelta(days=int(i)) for i in np.flatnonzero(rng.random(ndays) < truth.gap_day_fraction)}
    if truth.outage_days > 0:
        start = int(rng.integers(0, ndays - truth.outage_days))
        out |= {first + dt.timedelta(days=start + i) for i in range(truth.outage_days)}
    return out


def _meridian_time_grid(year: int, meridian_deg: float, cadence_min: int = 60) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Local times of every sounding of ``year`` (local calendar) and the UT times."""
    local = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:59", freq=f"{cadence_min}min")
    return local, local - pd.Timedelta(hours=meridian_deg / 15.0)


def _drop_gaps(df: pd.DataFrame, local: pd.DatetimeIndex, gaps: set[dt.date]) -> pd.DataFrame:
    keep = ~pd.Index(local.date).isin(list(gaps))
    return df.loc[keep].reset_index(drop=True).assign(_local=local[keep])


# --------------------------------------------------------------------------- writers


def _cell(value: float, qualifier: str, descriptor: str, scale: float) -> str:
    """A ``VVVQD`` cell: 3-digit integer in units of ``scale``, then the two letters."""
    q = qualifier or " "
    d = descriptor or " "
    if value is None or not np.isfinite(value):
        return f"   {q}{d}"
    iv = int(round(value / scale))
    if not 0 <= iv <= 999:
        raise ValueError(f"value {value} does not fit I3 in units of {scale}")
    return f"{iv:3d}{q}{d}"


def _lines(items: list[str], per_line: int) -> list[str]:
    return ["".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]


def _fixed(value: float, width: int, decimals: int) -> str:
    text = f"{value:{width}.{decimals}f}"
    if len(text) != width:
        raise ValueError(f"{value} does not fit F{width}.{decimals}")
    return text


def _columns(df: pd.DataFrame, names: tuple[str, ...]) -> dict[str, list]:
    """Columns as plain Python lists (iterating pandas string arrays row by row is slow)."""
    return {n: df[n].tolist() for n in names}


def write_iiwg(
    df: pd.DataFrame, station: Station, path: str | os.PathLike, *, meridian_deg: int,
    year: int, scaling: str = "Manual",
) -> None:
    """Write soundings as IIWG station-month records (one per month) in one file.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly soundings with ``_local`` (local time of the meridian),
        ``foEs_MHz``, ``hEs_km``, letters; one row per local hour at most.
    station : Station
    path : path-like
        Destination (written atomically, CRLF line ends).
    meridian_deg : int
        Meridian of the local time, degrees E (header I4).
    year : int
        Calendar year of the file (local calendar).
    scaling : str
        Header scaling type (``Manual`` or ``Automatic``).
    """
    out: list[str] = []
    code = (station.ursi_code or station.code.upper())[:5]
    col = _columns(df, ("foEs_MHz", "hEs_km", "qualifier", "descriptor"))
    local = df["_local"]
    months, days = local.dt.month.to_numpy(), local.dt.day.to_numpy()
    stamps = local.dt.strftime("%H%M%S").tolist()
    order: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(zip(months.tolist(), days.tolist(), strict=True)):
        order.setdefault(key, []).append(i)
    for month in range(1, 13):
        ndays = calendar.monthrange(year, month)[1]
        rows_of = {d: order.get((month, d), []) for d in range(1, ndays + 1)}
        per_day = [len(rows_of[d]) for d in range(1, ndays + 1)]
        out.append(f"{station.name:<30.30}{code:<5.5}{meridian_deg:4d}"
                   f"{_fixed(station.lat, 5, 1)}{_fixed(station.lon, 5, 1)}"
                   f"{scaling:<10.10}{'Edited':<10}{'synthetic (estransport)':<30.30}")
        ints = [year, month, ndays, 2, sum(per_day), *per_day]
        out.extend(_lines([f"{i:4d}" for i in ints], 30))
        out.append(f"{'foEs':<10}{chr(39) + 'hEs':<10}")
        out.append(f"{'0.1 MHz':<10}{'km':<10}")
        out.append("3034")
        for d in range(1, ndays + 1):
            if rows_of[d]:
                out.extend(_lines([stamps[i] for i in rows_of[d]], 20))
        for column, scale, letters in (("foEs_MHz", 0.1, True), ("hEs_km", 1.0, False)):
            slots: dict[int, list[float]] = {}
            for d in range(1, ndays + 1):
                rows = rows_of[d]
                if not rows:
                    continue
                cells = [
                    _cell(col[column][i], col["qualifier"][i] if letters else "",
                          col["descriptor"][i] if letters else "", scale)
                    for i in rows
                ]
                out.extend(_lines(cells, 24))
                for k, i in enumerate(rows):
                    if np.isfinite(col[column][i]):
                        slots.setdefault(k, []).append(col[column][i])
            out.extend(_summary_lines(slots, scale))
    _write_text(path, out)


def _summary_lines(slots: dict[int, list[float]], scale: float) -> list[str]:
    """The six IIWG summary records: medians, counts and range, quartiles, deciles."""
    rows = {q: [] for q in ("median", "count", "uq", "lq", "ud", "ld")}
    for k in range(24):
        v = np.asarray(slots.get(k, []))
        if len(v):
            qs = np.quantile(v, [0.5, 0.75, 0.25, 0.9, 0.1])
            for key, q in zip(("median", "uq", "lq", "ud", "ld"), qs, strict=True):
                rows[key].append(_cell(q, "", "", scale))
            spread = int(round((v.max() - v.min()) / scale))
            rows["count"].append(f"{min(len(v), 99):2d}{min(spread, 999):3d}")
        else:
            for key in ("median", "uq", "lq", "ud", "ld"):
                rows[key].append("     ")
            rows["count"].append(" 0   ")
    return ["".join(rows[key]).rstrip() for key in ("median", "count", "uq", "lq", "ud", "ld")]


def write_ukssdc_daily(
    df: pd.DataFrame, path: str | os.PathLike, *, year: int,
) -> None:
    """Write hourly foEs as a UKSSDC 128-byte daily Data File (``VVVQD`` cells, 0.1 MHz).

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings with ``_local`` (local mean time, on the hour), ``foEs_MHz`` and letters.
    path : path-like
        Destination (written atomically, one 128-character record per line, CRLF).
    year : int
        Year of the file (local calendar); only its days are written.
    """
    col = _columns(df, ("foEs_MHz", "qualifier", "descriptor"))
    local = df["_local"]
    dates, hours = local.dt.date.tolist(), local.dt.hour.tolist()
    records: dict[dt.date, list[str]] = {}
    for i, (day, hour) in enumerate(zip(dates, hours, strict=True)):
        if day.year != year:
            continue
        cells = records.setdefault(day, ["     "] * 24)
        cells[hour] = _cell(col["foEs_MHz"][i], col["qualifier"][i], col["descriptor"][i], 0.1)
    out = [f"{d.year:4d}{d.month:2d}{d.day:2d}" + "".join(c) for d, c in sorted(records.items())]
    _write_text(path, out)


def _sao_static(station: Station) -> tuple[list[str], str]:
    """The lines of an SAO record that do not change between soundings, and the g2 text."""
    counts = [0] * 80
    counts[0], counts[1], counts[2], counts[3], counts[4] = 5, 1, 77, 49, 20
    counts[53], counts[54], counts[79] = 49, 49, 5
    head = ["".join(f"{c:3d}" for c in counts[:40]), "".join(f"{c:3d}" for c in counts[40:]),
            "".join(_fixed(v, 7, 3) for v in (1.2, 60.0, station.lat, station.lon, 50.0)),
            f"DPS-4D synthetic/{station.ursi_code or station.code.upper()[:5]}, "
            "estransport planted-truth generator"]
    return head, "9999.000"


#: Two equal digits of SAO analysis flag 10 for each synthetic confidence (125 - 25 k).
SAO_CONFIDENCE_DIGIT = {100: 1, 75: 2, 25: 4, 0: 5}


def write_sao(df: pd.DataFrame, station: Station, path: str | os.PathLike) -> None:
    """Write soundings as one multi-record SAO 4.3 file (``FF`` preface, CRLF).

    Each record has groups 1-5 and 54-55: group 4 holds 49 characteristics
    (foEs at 6, h'Es at 14, fbEs at 48, others ``9999.000``), the confidence
    goes into analysis flag 10 as two equal digits ``k`` (confidence
    ``125 - 25 k``: 100, 75, 25, 0 for k = 1, 2, 4, 5) and the foEs letters
    into position 6 of groups 54/55.

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT) with ``foEs_MHz``, ``hEs_km``, ``fbEs_MHz``, letters and ``confidence``.
    station : Station
    path : path-like
        Destination (written atomically).
    """
    head, nd = _sao_static(station)
    col = _columns(df, ("foEs_MHz", "hEs_km", "fbEs_MHz", "qualifier", "descriptor",
                        "confidence"))
    t = df["time_ut"]
    stamps = (t.dt.strftime("FF%Y") + t.dt.day_of_year.map("{:03d}".format)
              + t.dt.strftime("%m%d%H%M%S")).tolist()
    fill = "0" * (77 - 19)

    def f8(v: float) -> str:
        return f"{v:8.3f}" if np.isfinite(v) else nd

    g4_1_pre, g4_1_mid, g4_1_post = nd * 5, nd * 7, nd
    g4_2 = nd * 15
    g4_4_pre, g4_4_post = nd * 2, nd
    out: list[str] = []
    for i, stamp in enumerate(stamps):
        flags = [" 0"] * 20
        flags[9] = f"{11 * SAO_CONFIDENCE_DIGIT[int(col['confidence'][i])]:2d}"
        ql = col["qualifier"][i] or "/"
        dl = col["descriptor"][i] or "/"
        out.extend(head)
        out.append(stamp + fill)
        out.append(g4_1_pre + f8(col["foEs_MHz"][i]) + g4_1_mid + f8(col["hEs_km"][i]) + g4_1_post)
        out.append(g4_2)
        out.append(g4_2)
        out.append(g4_4_pre + f8(col["fbEs_MHz"][i]) + g4_4_post)
        out.append("".join(flags))
        out.append("/////" + ql + "/" * 43)
        out.append("/////" + dl + "/" * 43)
    _write_text(path, out)


def write_saoxml(df: pd.DataFrame, station: Station, path: str | os.PathLike) -> None:
    """Write soundings as an SAO.XML 5.0 ``SAORecordList`` (manual scaling, LF).

    A letter-only entry is a foEs ``URSI`` element with an empty ``Val`` and its letter.

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT) with ``foEs_MHz``, ``hEs_km`` and letters.
    station : Station
    path : path-like
        Destination (written atomically).
    """
    code = station.ursi_code or station.code.upper()[:5]
    col = _columns(df, ("foEs_MHz", "hEs_km", "qualifier", "descriptor"))
    stamps = df["time_ut"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").tolist()
    opening = (f'URSICode={quoteattr(code)} StationName={quoteattr(station.name)} '
               f'GeoLatitude="{station.lat:.3f}" GeoLongitude="{station.lon % 360:.3f}" '
               'Source="Ionosonde" SourceType="DPS4D" ScalerType="manual">')
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<SAORecordList>"]
    for i, stamp in enumerate(stamps):
        out.append(f'  <SAORecord FormatVersion="5.0" StartTimeUTC="{stamp}" {opening}')
        chars = []
        q, d = col["qualifier"][i], col["descriptor"][i]
        letters = (f' QL="{q}"' if q else "") + (f' DL="{d}"' if d else "")
        fo, he = col["foEs_MHz"][i], col["hEs_km"][i]
        if np.isfinite(fo):
            chars.append(f'<URSI ID="30" Val="{fo:.2f}" Name="foEs" Units="MHz"{letters}/>')
        elif letters:
            chars.append(f'<URSI ID="30" Val="" Name="foEs" Units="MHz"{letters}/>')
        if np.isfinite(he):
            chars.append(f'<URSI ID="34" Val="{he:.1f}" Name="h\'Es" Units="km"/>')
        out.append(f'    <CharacteristicList Num="{len(chars)}">')
        out.extend(f"      {c}" for c in chars)
        out.append("    </CharacteristicList>")
        out.append("  </SAORecord>")
    out.append("</SAORecordList>")
    _write_text(path, out, newline="\n")


def write_didbase(df: pd.DataFrame, station: Station, path: str | os.PathLike, *, year: int) -> None:
    """Write soundings as a GIRO ``DIDBGetValues`` export (foEs and hEs, LF).

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT) with ``foEs_MHz``, ``hEs_km``, letters and ``confidence``.
    station : Station
    path : path-like
        Destination (written atomically).
    year : int
        Year of the query interval in the header.
    """
    code = station.ursi_code or station.code.upper()[:5]
    lon = station.lon % 360
    out = [
        "# Global Ionospheric Radio Observatory",
        "# GIRO Tabulated Ionospheric Characteristics, Version 1.0 Revision B",
        "# Generated by DIDBGetValues on 2025-01-29T09:29:46.594Z (synthetic: estransport generator)",
        "#",
        f"# Location: GEO {abs(station.lat):.1f}{'N' if station.lat >= 0 else 'S'} {lon:.1f}E, "
        f"URSI-Code {code} {station.name.upper()}",
        "# Instrument: Ionosonde, Model: DPS-4D",
        "#",
        "# Query for measurement intervals of time:",
        f"# {year}-01-01T00:00:00.000Z - {year}-12-31T23:59:59.000Z",
        "#",
        "# Data Selection:",
        "# CS is Autoscaling Confidence Score (from 0 to 100, 999 if manual scaling, -1 if unknown)",
        "# foEs [MHz] - Es layer critical frequency",
        "# hEs [km] - Es layer virtual height",
        "#",
        "# All GIRO measurements are released under CC-BY-NC-SA 4.0 license",
        "# Please follow the Lowell GIRO Data Center RULES OF THE ROAD",
        "# https://ulcar.uml.edu/DIDBase/RulesOfTheRoadForDIDBase.htm",
        f"# Requires acknowledgement of {code} data provider",
        "#",
        "#Time                     CS   foEs QD    hEs QD",
    ]
    col = _columns(df, ("foEs_MHz", "hEs_km", "qualifier", "descriptor", "confidence"))
    stamps = df["time_ut"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").tolist()
    for i, stamp in enumerate(stamps):
        qd = (col["qualifier"][i] or "/") + (col["descriptor"][i] or "/")
        fo, he = col["foEs_MHz"][i], col["hEs_km"][i]
        fo = f"{fo:6.2f}" if np.isfinite(fo) else "   ---"
        he = f"{he:6.1f}" if np.isfinite(he) else "   ---"
        out.append(f"{stamp} {int(col['confidence'][i]):3d} {fo} {qd} {he} //")
    _write_text(path, out, newline="\n")


def _write_text(path, lines: list[str], newline: str = "\r\n") -> None:
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as fh:
        fh.write(newline.join(lines) + newline)


# --------------------------------------------------------------------------- driver


def iiwg_meridian(lon_deg: float) -> int:
    """Time meridian the synthetic IIWG files use: the standard meridian nearest the station.

    ``15 * round(lon / 15)`` degrees E (Lisbon, 9.27 W: -15, i.e. UT - 1 h), so
    the reader's local-time-to-UT conversion is exercised.
    """
    return int(15 * round(lon_deg / 15))


def generate_station_year(
    station: Station,
    year: int,
    dest: str | os.PathLike,
    *,
    seed: int,
    truth: PlantedTruth | Mapping[str, Any] | None = None,
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
    truth : PlantedTruth or mapping, optional
        Planted parameters (default :class:`PlantedTruth`).

    Returns
    -------
    pandas.DataFrame
        The soundings written (UT; ``true_foEs_MHz`` holds the values before
        letter-only masking and low-confidence corruption), for tests.
    """
    if not isinstance(truth, PlantedTruth):
        truth = PlantedTruth.from_config(truth)
    rng = station_rng(seed, station.code, year)
    fmt = station.format
    if fmt == "iiwg":
        meridian = iiwg_meridian(station.lon)
    elif fmt == "ukssdc_daily":
        meridian = station.meridian_deg
    else:
        meridian = 0.0
    cadence = truth.didbase_cadence_min if fmt == "didbase" else 60
    local, times_ut = _meridian_time_grid(year, meridian, cadence)
    df = simulate(times_ut, station, truth, rng, with_confidence=fmt in ("sao", "didbase"))
    df = _drop_gaps(df, local, gap_days(year, truth, rng))
    Path(dest).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "iiwg":
        write_iiwg(df, station, dest, meridian_deg=int(meridian), year=year)
    elif fmt == "ukssdc_daily":
        write_ukssdc_daily(df, dest, year=year)
    elif fmt == "sao":
        write_sao(df, station, dest)
    elif fmt == "saoxml":
        write_saoxml(df, station, dest)
    elif fmt == "didbase":
        write_didbase(df, station, dest, year=year)
    else:
        raise ValueError(f"no synthetic writer for format {fmt!r}")
    return df.drop(columns=["_local"])
