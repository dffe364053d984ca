"""Synthetic Ca+ lidar nights with planted metal ion clouds (the MIC slice's embedded default).

What a night looks like (``docs/science.md`` §9; every number a field of the
dataclasses below, set from config ``lidar.synthetic``):

* **Site and instrument.** A zenith resonance lidar at the station, range bins
  ``altitude_min_km`` .. ``altitude_max_km``, one profile per
  ``profile_minutes``. It observes only when the Sun is below
  ``dark_elevation_deg`` (daylight gaps). Photon counts per bin are
  Poisson(K n (z_ref/z)^2 + B): K counts per cm-3 at z_ref, sky background B;
  the retrieved density is (N - B^)(z/z_ref)^2/K with B^ the mean of
  ``background_bins`` background bins, and its uncertainty sqrt(N)(z/z_ref)^2/K.
* **Weather.** Nights in ``cloudy_nights`` have no data at all (no file);
  on the others a gap of ``gap_hours`` appears with probability
  ``gap_probability`` (cloud passing).
* **Metal layers.** A main Ca+ layer (Gaussian, peak ``main_peak_cm3`` at
  ``main_peak_km``, different widths below and above) and a weak thermospheric
  background ``background_cm3`` exp(-(z - 120 km)/``background_scale_km``).
* **Metal ion clouds.** Up to ``per_night`` clouds a night, each born at a
  random time in ``birth_window_h`` (hours from dusk; negative = before dusk,
  unseen) on a **convergence node** of the planted tides between
  ``birth_altitude_km``; it then moves with the planted vertical ion drift
  (dz/dt = w_i(z, t), integrated here with a fixed-step fourth-order
  Runge-Kutta scheme of 1 min) until it reaches ``merge_km`` (it merges into the
  main layer), decays away (2.5 ``lifetime_h``) or day breaks. Its density is
  a Gaussian of standard deviation ``thickness_km`` around that path, with
  amplitude peak (1 - exp(-dt/rise_h)) exp(-dt/lifetime_h). Clouds closer than
  ``min_separation_km`` to an accepted one are redrawn.

The planted drift and its nodes come from :mod:`estransport.synthetic.tides`
(the generator's own A5 and node bracketing), **not** from the library code the
tests check. The truth is written beside the files: ``planted_mics.csv`` (one row
per cloud), ``planted_paths.csv`` (the path every minute) and
``planted_nodes.csv`` (every planted node every 15 min).

Files: per clear night one CEDAR Madrigal HDF5 file (``docs/formats.md`` §7.1,
Table Layout, metadata and Array Layout, written here with h5py and not with the
reader's code) or one canonical CF-netCDF file (§7.3).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io.atomic import atomic_path, write_csv
from .tides import (
    PlantedTides,
    StationColumn,
    planted_drift_field,
    planted_nodes,
)

log = logging.getLogger(__name__)

#: km h-1 per m s-1.
_KMH_PER_MS = 3.6
#: Time step of the planted cloud motion, hours (fixed-step RK4).
_RK4_STEP_H = 1.0 / 60.0
#: Sub-samples averaged over one profile's integration (a moving cloud smears).
_SUBSAMPLES = 5
#: Madrigal placeholders [GAP -> I]: no Madrigal instrument code, kind-of-data code or
#: parameter mnemonic is known for a Ca+ density from the Beijing lidar (docs/formats.md §7.2).
MADRIGAL_KINST = 9999
MADRIGAL_KINDAT = 1
MADRIGAL_DENSITY_MNEMONIC = "ncap"


@dataclass(frozen=True)
class LidarSite:
    """Where the lidar is: name, latitude (deg N), longitude (deg E), altitude (km)."""

    name: str
    lat: float
    lon: float
    altitude_km: float


@dataclass(frozen=True)
class LidarInstrument:
    """Range bins, cadence, photon budget and darkness threshold of the synthetic lidar."""

    altitude_min_km: float
    altitude_max_km: float
    altitude_step_km: float
    profile_minutes: float
    signal_counts_per_cm3: float
    reference_km: float
    background_counts: float
    background_bins: int
    dark_elevation_deg: float

    @property
    def altitudes(self) -> np.ndarray:
        n = int(round((self.altitude_max_km - self.altitude_min_km) / self.altitude_step_km)) + 1
        return self.altitude_min_km + self.altitude_step_km * np.arange(n)

    def noise_cm3(self, z_km, n_cm3=0.0) -> np.ndarray:
        """Expected one-sigma density noise (cm-3) at altitude z for a true density n."""
        z = np.asarray(z_km, float)
        geom = (z / self.reference_km) ** 2
        counts = (
            self.signal_counts_per_cm3 * np.asarray(n_cm3, float) / geom + self.background_counts
        )
        return np.sqrt(counts) * geom / self.signal_counts_per_cm3


@dataclass(frozen=True)
class PlantedLayers:
    """The main Ca+ layer and the thermospheric background (cm-3, km)."""

    main_peak_cm3: float
    main_peak_km: float
    main_width_below_km: float
    main_width_above_km: float
    background_cm3: float
    background_scale_km: float

    def density_cm3(self, z_km) -> np.ndarray:
        z = np.asarray(z_km, float)
        width = np.where(z < self.main_peak_km, self.main_width_below_km, self.main_width_above_km)
        main = self.main_peak_cm3 * np.exp(-0.5 * ((z - self.main_peak_km) / width) ** 2)
        return main + self.background_cm3 * np.exp(-(z - 120.0) / self.background_scale_km)


@dataclass(frozen=True)
class PlantedClouds:
    """How many metal ion clouds, where, how dense, how thick, how long-lived."""

    per_night: int
    birth_altitude_km: tuple[float, float]
    birth_window_h: tuple[float, float]
    peak_cm3: tuple[float, float]
    thickness_km: tuple[float, float]
    lifetime_h: tuple[float, float]
    rise_h: float
    merge_km: float
    min_separation_km: float
    max_attempts: int


@dataclass(frozen=True)
class Sky:
    """Weather: nights without data and the chance of a cloud gap on the others."""

    cloudy_nights: tuple[dt.date, ...]
    gap_probability: float
    gap_hours: tuple[float, float]


# --------------------------------------------------------------------------------------
# darkness
# --------------------------------------------------------------------------------------


def solar_elevation_deg(times: pd.DatetimeIndex, lat: float, lon: float) -> np.ndarray:
    """Approximate solar elevation, degrees.

    Declination after Cooper (1969, Solar Energy 12, 333):
    delta = 23.45 sin(360 (284 + n)/365) degrees (n = day of year); hour angle
    15 (LST - 12) degrees with LST = UT + lon/15 (the equation of time, at most
    16 min, is neglected [I]).
    """
    t = pd.DatetimeIndex(times)
    n = t.day_of_year.to_numpy(float)
    ut = (t.hour + t.minute / 60.0 + t.second / 3600.0).to_numpy(float)
    decl = np.radians(23.45 * np.sin(np.radians(360.0 * (284.0 + n) / 365.0)))
    hour_angle = np.radians(15.0 * (ut + lon / 15.0 - 12.0))
    phi = np.radians(lat)
    s = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(hour_angle)
    return np.degrees(np.arcsin(np.clip(s, -1, 1)))


def dark_interval(
    night: dt.date, site: LidarSite, threshold_deg: float
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Dusk and dawn (UT) of the night that starts on the local evening of ``night``."""
    noon_ut = (pd.Timestamp(night) + pd.Timedelta(hours=12.0 - site.lon / 15.0)).round("min")
    grid = pd.date_range(noon_ut, noon_ut + pd.Timedelta(hours=24), freq="1min")
    dark = solar_elevation_deg(grid, site.lat, site.lon) < threshold_deg
    if not dark.any():
        raise ValueError(
            f"the Sun does not set below {threshold_deg} deg on {night} at {site.name}"
        )
    idx = np.nonzero(dark)[0]
    return grid[idx[0]], grid[idx[-1]]


# --------------------------------------------------------------------------------------
# planted clouds
# --------------------------------------------------------------------------------------


class _PlantedDrift:
    """The planted w_i(t, z) at the station on a fine (time, altitude) table.

    t in hours since the period start, z in km; the table holds
    :func:`~estransport.synthetic.tides.planted_drift_field` every ``step_h``
    between ``t0_h`` and ``t1_h`` on the column's altitudes, and is interpolated
    bilinearly (this module's own code).
    """

    def __init__(
        self,
        column: StationColumn,
        tides: PlantedTides,
        lon: float,
        t0_h: float,
        t1_h: float,
        step_h: float = 1.0 / 30.0,
    ):
        self.column, self.tides, self.lon = column, tides, lon
        self.t = np.arange(t0_h, t1_h + step_h, step_h)
        self.z = column.altitude_km
        self.w = planted_drift_field(column, self.t, lon=lon, tides=tides)
        self.dt = step_h
        self.dz = float(self.z[1] - self.z[0])
        self.t0, self.z0 = float(self.t[0]), float(self.z[0])
        self.nt, self.nz = self.t.size, self.z.size

    def __call__(self, t_h: float, z_km: float) -> float:
        i = min(max(int((t_h - self.t0) / self.dt), 0), self.nt - 2)
        k = min(max(int((z_km - self.z0) / self.dz), 0), self.nz - 2)
        a = (t_h - self.t0) / self.dt - i
        b = (z_km - self.z0) / self.dz - k
        w = self.w.item
        return (1 - a) * ((1 - b) * w(i, k) + b * w(i, k + 1)) + a * (
            (1 - b) * w(i + 1, k) + b * w(i + 1, k + 1)
        )

    def nodes(self, t_h: float) -> np.ndarray:
        """Planted convergence nodes at time t (computed at t exactly, not from the table)."""
        w = planted_drift_field(self.column, [t_h], lon=self.lon, tides=self.tides)[0]
        return planted_nodes(self.z, w)

    def path(self, t0_h: float, z0_km: float, t1_h: float, stop_km: float):
        """RK4 from (t0, z0) to t1 (hours, km); stops below ``stop_km``."""
        ts, zs = [t0_h], [z0_km]
        t, z, h = t0_h, z0_km, _RK4_STEP_H
        while t < t1_h - 1e-9 and z > stop_km:
            k1 = self(t, z)
            k2 = self(t + h / 2, z + h / 2 * _KMH_PER_MS * k1)
            k3 = self(t + h / 2, z + h / 2 * _KMH_PER_MS * k2)
            k4 = self(t + h, z + h * _KMH_PER_MS * k3)
            z += h * _KMH_PER_MS * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
            t += h
            ts.append(t)
            zs.append(z)
        return np.asarray(ts), np.asarray(zs)


def plant_clouds(
    *,
    nights: Sequence[dt.date],
    period_start: dt.date,
    site: LidarSite,
    instrument: LidarInstrument,
    clouds: PlantedClouds,
    tides: PlantedTides,
    column: StationColumn,
    arrival_km: float,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Draw the clouds of every night and move them with the planted drift.

    Parameters
    ----------
    nights : sequence of datetime.date
        Local evening dates of the nights (including cloudy ones: clouds do not
        care about the weather).
    period_start : datetime.date
        00 UT of this day is t = 0 of the planted tides.
    site, instrument, clouds, tides, column
        The planted truth (see the module notes).
    arrival_km : float
        Altitude whose downward crossing is the cloud's arrival at Es heights, km.
    seed : int
        Top-level seed.

    Returns
    -------
    mics : pandas.DataFrame
        One row per cloud: ``cloud_id``, ``night``, ``birth_time``,
        ``birth_altitude_km``, ``peak_density_m3``, ``thickness_km``,
        ``lifetime_h``, ``end_time``, ``end_altitude_km``, ``merged`` (reached
        ``merge_km``), ``arrival_time`` (first crossing of ``arrival_km``, NaT if
        none), ``dusk``, ``dawn``.
    paths : pandas.DataFrame
        ``cloud_id``, ``time``, ``altitude_km``, ``amplitude_m3``,
        ``expected_snr`` (amplitude over the expected noise of one profile), every minute.
    nodes : pandas.DataFrame
        ``time``, ``node_altitude_km``: the planted convergence nodes every 15 min
        from 6 h before dusk to 1 h after dawn of every night.
    """
    t_ref = pd.Timestamp(period_start)
    hours = lambda ts: (pd.Timestamp(ts) - t_ref) / pd.Timedelta(hours=1)  # noqa: E731
    if np.any(np.abs(np.diff(np.diff(column.altitude_km))) > 1e-9):
        raise ValueError("the planted column needs an evenly spaced altitude grid")
    rows, path_rows, node_rows = [], [], []
    cid = 0
    for night in sorted(nights):
        rng = np.random.default_rng([int(seed), 0x11DA, night.toordinal()])
        dusk, dawn = dark_interval(night, site, instrument.dark_elevation_deg)
        h_dusk, h_dawn = hours(dusk), hours(dawn)
        lo_b, hi_b = clouds.birth_window_h
        drift = _PlantedDrift(column, tides, site.lon, h_dusk + min(lo_b, -6.0) - 0.5, h_dawn + 1.5)
        for t in np.arange(
            np.floor((h_dusk - 6.0) * 4) / 4, h_dawn + 1.0, 0.25
        ):  # on quarter hours
            for zn in drift.nodes(t):
                node_rows.append((t_ref + pd.Timedelta(hours=float(t)), float(zn)))
        accepted: list[tuple[np.ndarray, np.ndarray]] = []
        for _ in range(clouds.max_attempts):
            if len(accepted) >= clouds.per_night:
                break
            t_b = h_dusk + rng.uniform(*clouds.birth_window_h)
            target = rng.uniform(*clouds.birth_altitude_km)
            peak = rng.uniform(*clouds.peak_cm3)
            sigma = rng.uniform(*clouds.thickness_km)
            tau = rng.uniform(*clouds.lifetime_h)
            nodes = drift.nodes(t_b)
            lo, hi = clouds.birth_altitude_km
            nodes = nodes[(nodes >= lo) & (nodes <= hi)]
            if nodes.size == 0:
                continue
            z_b = float(nodes[np.argmin(np.abs(nodes - target))])
            if any(
                ta[0] <= t_b <= ta[-1]
                and abs(np.interp(t_b, ta, za) - z_b) < clouds.min_separation_km
                for ta, za in accepted
            ):
                continue  # born on an accepted cloud's node: no need to integrate it
            t_end = min(t_b + 2.5 * tau, h_dawn + 1.0)
            if t_end < h_dusk + 1.0:
                continue  # gone before it could be seen
            ts, zs = drift.path(t_b, z_b, t_end, clouds.merge_km)
            if any(_too_close(ts, zs, ta, za, clouds.min_separation_km) for ta, za in accepted):
                continue
            accepted.append((ts, zs))
            merged = bool(zs[-1] <= clouds.merge_km)
            below = np.nonzero(zs <= arrival_km)[0]
            arrival = np.nan
            if below.size and below[0] > 0:
                i = below[0]
                arrival = ts[i - 1] + (ts[i] - ts[i - 1]) * (zs[i - 1] - arrival_km) / (
                    zs[i - 1] - zs[i]
                )
            dt_h = ts - t_b
            amp = peak * (1 - np.exp(-dt_h / clouds.rise_h)) * np.exp(-dt_h / tau)
            snr = amp / instrument.noise_cm3(zs)
            for t, z, a, s in zip(ts, zs, amp, snr, strict=True):
                path_rows.append((cid, t_ref + pd.Timedelta(hours=float(t)), z, a * 1e6, s))
            rows.append(
                {
                    "cloud_id": cid,
                    "night": night.isoformat(),
                    "birth_time": t_ref + pd.Timedelta(hours=float(t_b)),
                    "birth_altitude_km": z_b,
                    "peak_density_m3": peak * 1e6,
                    "thickness_km": sigma,
                    "lifetime_h": tau,
                    "end_time": t_ref + pd.Timedelta(hours=float(ts[-1])),
                    "end_altitude_km": float(zs[-1]),
                    "merged": merged,
                    "arrival_time": (t_ref + pd.Timedelta(hours=float(arrival)))
                    if np.isfinite(arrival)
                    else pd.NaT,
                    "dusk": dusk,
                    "dawn": dawn,
                }
            )
            cid += 1
        log.info("night %s: %d planted clouds", night, len(accepted))
    mics = pd.DataFrame(rows)
    paths = pd.DataFrame(
        path_rows, columns=["cloud_id", "time", "altitude_km", "amplitude_m3", "expected_snr"]
    )
    nodes = pd.DataFrame(node_rows, columns=["time", "node_altitude_km"])
    return mics, paths, nodes


def _too_close(ts, zs, ta, za, min_km) -> bool:
    lo, hi = max(ts[0], ta[0]), min(ts[-1], ta[-1])
    if hi <= lo:
        return False
    grid = np.arange(lo, hi, 1.0 / 6.0)
    if grid.size == 0:
        return False
    return bool(np.min(np.abs(np.interp(grid, ts, zs) - np.interp(grid, ta, za))) < min_km)


# --------------------------------------------------------------------------------------
# profiles
# --------------------------------------------------------------------------------------


def night_profiles(
    *,
    night: dt.date,
    site: LidarSite,
    instrument: LidarInstrument,
    layers: PlantedLayers,
    mics: pd.DataFrame,
    paths: pd.DataFrame,
    sky: Sky,
    seed: int,
) -> dict[str, np.ndarray] | None:
    """The observed profiles of one night (None for a cloudy night).

    Returns
    -------
    dict or None
        ``start``, ``end`` (datetime64, per profile), ``altitude_km``,
        ``density_m3``, ``uncertainty_m3``, ``counts``, ``background`` (per
        profile); None when the night is in ``sky.cloudy_nights``.
    """
    if night in set(sky.cloudy_nights):
        return None
    rng = np.random.default_rng([int(seed), 0x11DB, night.toordinal()])
    dusk, dawn = dark_interval(night, site, instrument.dark_elevation_deg)
    step = pd.Timedelta(minutes=instrument.profile_minutes)
    starts = pd.date_range(
        dusk.ceil(f"{int(instrument.profile_minutes)}min"), dawn - step, freq=step
    )
    if rng.uniform() < sky.gap_probability and len(starts) > 10:
        g0 = starts[rng.integers(len(starts) // 4, 3 * len(starts) // 4)]
        g1 = g0 + pd.Timedelta(hours=rng.uniform(*sky.gap_hours))
        starts = starts[(starts < g0) | (starts >= g1)]
    z = instrument.altitudes
    n_true = np.tile(layers.density_cm3(z), (len(starts), 1))
    subs = (np.arange(_SUBSAMPLES) + 0.5) / _SUBSAMPLES * step.total_seconds()
    t_start = starts.to_numpy("datetime64[ns]").astype("int64") / 1e9
    for cloud in mics.itertuples():
        p = paths[paths["cloud_id"] == cloud.cloud_id]
        tp = p["time"].to_numpy("datetime64[ns]").astype("int64") / 1e9
        for i, s in enumerate(t_start):
            tt = s + subs
            inside = (tt >= tp[0]) & (tt <= tp[-1])
            if not inside.any():
                continue
            zc = np.interp(tt[inside], tp, p["altitude_km"].to_numpy())
            amp = np.interp(tt[inside], tp, p["amplitude_m3"].to_numpy()) / 1e6
            shape = np.exp(-0.5 * ((z[None, :] - zc[:, None]) / cloud.thickness_km) ** 2)
            n_true[i] += (amp[:, None] * shape).sum(axis=0) / _SUBSAMPLES
    geom = (z / instrument.reference_km) ** 2
    expected = instrument.signal_counts_per_cm3 * n_true / geom + instrument.background_counts
    counts = rng.poisson(expected).astype(float)
    bg = rng.poisson(instrument.background_counts, (len(starts), instrument.background_bins))
    b_hat = bg.mean(axis=1)
    dens = (counts - b_hat[:, None]) * geom / instrument.signal_counts_per_cm3
    unc = np.sqrt(np.maximum(counts, 1.0)) * geom / instrument.signal_counts_per_cm3
    return {
        "start": starts.to_numpy("datetime64[ns]"),
        "end": (starts + step).to_numpy("datetime64[ns]"),
        "altitude_km": z,
        "density_m3": dens * 1e6,
        "uncertainty_m3": unc * 1e6,
        "counts": counts,
        "background": b_hat,
    }


# --------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------

#: Data Parameters rows (description, isError, units, category) of the columns written.
#: Prolog and coordinate rows as printed from a real Madrigal file [V3] [S60]; ELM,
#: NCAP and DNCAP are this generator's [I] (docs/formats.md §7.2).
_MADRIGAL_PARAMETERS = {
    "year": ("Year (universal time)", 0, "y", "Madrigal Hdf5 Prolog Parameters"),
    "month": ("Month (universal time)", 0, "m", "Madrigal Hdf5 Prolog Parameters"),
    "day": ("Day (universal time)", 0, "d", "Madrigal Hdf5 Prolog Parameters"),
    "hour": ("Hour (universal time)", 0, "h", "Madrigal Hdf5 Prolog Parameters"),
    "min": ("Minute (universal time)", 0, "m", "Madrigal Hdf5 Prolog Parameters"),
    "sec": ("Second (universal time)", 0, "s", "Madrigal Hdf5 Prolog Parameters"),
    "recno": ("Logical Record Number", 0, "N/A", "Madrigal Hdf5 Prolog Parameters"),
    "kindat": ("Kind of data", 0, "N/A", "Madrigal Hdf5 Prolog Parameters"),
    "kinst": ("Instrument Code", 0, "N/A", "Madrigal Hdf5 Prolog Parameters"),
    "ut1_unix": ("Unix seconds (1/1/1970) at start", 0, "s", "Madrigal Hdf5 Prolog Parameters"),
    "ut2_unix": ("Unix seconds (1/1/1970) at end", 0, "s", "Madrigal Hdf5 Prolog Parameters"),
    "gdlat": ("Geodetic latitude of measurement", 0, "deg", "Geographic Coordinate"),
    "glon": ("Geographic longitude of measurement", 0, "deg", "Geographic Coordinate"),
    "elm": ("Elevation angle of the beam", 0, "deg", "Radar Instrument Operation Parameter"),
    "gdalt": ("Geodetic altitude (height)", 0, "km", "Geographic Coordinate"),
    MADRIGAL_DENSITY_MNEMONIC: ("Ca+ number density (synthetic)", 0, "m-3", "Lidar Parameter"),
    "d" + MADRIGAL_DENSITY_MNEMONIC: (
        "Error in Ca+ number density (synthetic)",
        1,
        "m-3",
        "Lidar Parameter",
    ),
}
_ONE_D = ("gdlat", "glon", "elm")
_TWO_D = ("gdalt", MADRIGAL_DENSITY_MNEMONIC, "d" + MADRIGAL_DENSITY_MNEMONIC)


def _parameter_table(names: Sequence[str]) -> np.ndarray:
    rows = [(n.upper(), *_MADRIGAL_PARAMETERS[n]) for n in names]
    w = [max(len(str(r[i])) for r in rows) for i in range(5)]
    dtype = [
        ("mnemonic", f"S{w[0]}"),
        ("description", f"S{w[1]}"),
        ("isError", "<i8"),
        ("units", f"S{w[3]}"),
        ("category", f"S{w[4]}"),
    ]
    return np.array(
        [(r[0].encode(), r[1].encode(), r[2], r[3].encode(), r[4].encode()) for r in rows],
        dtype=dtype,
    )


def write_madrigal_night(path: str | os.PathLike, prof: dict, site: LidarSite) -> None:
    """Write one night as a CEDAR Madrigal 3 HDF5 file (docs/formats.md §7.1).

    ``/Data/Table Layout`` (one row per profile and altitude), ``/Metadata/Data
    Parameters``, ``Experiment Parameters``, ``Independent Spatial Parameters``
    (gdalt), ``_record_layout`` and ``/Data/Array Layout`` (timestamps, gdalt,
    1D and 2D Parameters with 2-D arrays shaped (altitude, time)), following the
    structure of Madrigal's own writer [V] [S58]. Missing densities are NaN.
    """
    import h5py

    start, end, z = prof["start"], prof["end"], prof["altitude_km"]
    nt, nz = start.size, z.size
    ut1 = start.astype("datetime64[ns]").astype("int64") / 1e9
    ut2 = end.astype("datetime64[ns]").astype("int64") / 1e9
    t = pd.DatetimeIndex(start)
    fields = [
        "year",
        "month",
        "day",
        "hour",
        "min",
        "sec",
        "recno",
        "kindat",
        "kinst",
        "ut1_unix",
        "ut2_unix",
        *_ONE_D,
        *_TWO_D,
    ]
    dtype = [(n, "<i8") for n in fields[:9]] + [(n, "<f8") for n in fields[9:]]
    table = np.zeros(nt * nz, dtype=dtype)
    rep = lambda a: np.repeat(np.asarray(a), nz)  # noqa: E731
    for name, values in (
        ("year", t.year),
        ("month", t.month),
        ("day", t.day),
        ("hour", t.hour),
        ("min", t.minute),
        ("sec", t.second),
        ("recno", np.arange(nt)),
        ("kindat", np.full(nt, MADRIGAL_KINDAT)),
        ("kinst", np.full(nt, MADRIGAL_KINST)),
        ("ut1_unix", ut1),
        ("ut2_unix", ut2),
        ("gdlat", np.full(nt, site.lat)),
        ("glon", np.full(nt, site.lon)),
        ("elm", np.full(nt, 90.0)),
    ):
        table[name] = rep(values)
    table["gdalt"] = np.tile(z, nt)
    table[MADRIGAL_DENSITY_MNEMONIC] = prof["density_m3"].ravel()
    table["d" + MADRIGAL_DENSITY_MNEMONIC] = prof["uncertainty_m3"].ravel()
    record_layout = np.zeros(1, dtype=[(n, "<i8") for n in fields])
    for n in fields:
        record_layout[n] = 3 if n == "gdalt" else (2 if n in _TWO_D else 1)
    vlen = h5py.special_dtype(vlen=str)
    exp = np.array(
        [
            ("instrument", f"{site.name} Ca+ lidar (synthetic)"),
            ("instrument code(s)", str(MADRIGAL_KINST)),
            ("kind of data file", "Ca+ density profiles (synthetic)"),
            ("kindat code(s)", str(MADRIGAL_KINDAT)),
            ("start time", f"{pd.Timestamp(start[0]):%Y-%m-%d %H:%M:%S} UT"),
            ("end time", f"{pd.Timestamp(end[-1]):%Y-%m-%d %H:%M:%S} UT"),
            ("Cedar file name", Path(path).name),
            ("status description", "synthetic (estransport)"),
            ("instrument latitude", str(site.lat)),
            ("instrument longitude", str(site.lon)),
            ("instrument altitude", str(site.altitude_km)),
            ("instrument category", "Resonance Lidars"),
            ("instrument PI", "estransport synthetic generator"),
            ("instrument PI email", ""),
        ],
        dtype=[("name", vlen), ("value", vlen)],
    )
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        data = f.create_group("Data")
        data.create_dataset(
            "Table Layout", data=table, compression="gzip", chunks=True, maxshape=(None,)
        )
        meta = f.create_group("Metadata")
        meta.create_dataset("Data Parameters", data=_parameter_table(fields))
        meta.create_dataset("Experiment Parameters", data=exp)
        meta.create_dataset(
            "Independent Spatial Parameters",
            data=np.array(
                [(b"gdalt", b"Geodetic altitude (height)")],
                dtype=[("mnemonic", "S5"), ("description", "S26")],
            ),
        )
        rl = meta.create_dataset("_record_layout", data=record_layout)
        rl.attrs["description"] = (
            "This is meant to be internal data.  For each Madrigal record "
            "and parameter, it has a 2 if its a 2D parameter, 1 if its a "
            "1D parameter, and 0 if there is no data."
        )
        arr = data.create_group("Array Layout")
        arr.create_dataset(
            "Layout Description",
            data=np.array(
                [("Reshaped Table Layout: time and gdalt in separate dimensions",)],
                dtype=[("Layout Description", vlen)],
            ),
        )
        arr.create_dataset("timestamps", data=ut1)
        arr.create_dataset("gdalt", data=z)
        one = arr.create_group("1D Parameters")
        one.create_dataset("Data Parameters", data=_parameter_table(_ONE_D))
        for n in _ONE_D:
            one.create_dataset(n, data=table[n][::nz])
        two = arr.create_group("2D Parameters")
        two.create_dataset("Data Parameters", data=_parameter_table(_TWO_D[1:]))
        for n in _TWO_D[1:]:
            two.create_dataset(n, data=table[n].reshape(nt, nz).T, compression="gzip")


def write_canonical_night(
    path: str | os.PathLike, prof: dict, site: LidarSite, species: str
) -> None:
    """Write one night in the canonical CF-netCDF lidar layout (docs/formats.md §7.3)."""
    import netCDF4

    start, end, z = prof["start"], prof["end"], prof["altitude_km"]
    secs = lambda a: a.astype("datetime64[ns]").astype("int64") / 1e9  # noqa: E731
    with atomic_path(path) as tmp, netCDF4.Dataset(tmp, "w", format="NETCDF4") as nc:
        nc.Conventions = "CF-1.8"
        nc.estransport_lidar_layout = "1.0"
        nc.title = f"{site.name} {species} lidar, synthetic (estransport.synthetic.lidar)"
        nc.species = species
        nc.station_name = site.name
        nc.station_latitude = site.lat
        nc.station_longitude = site.lon
        nc.station_altitude_km = site.altitude_km
        nc.instrument = f"{site.name} {species} resonance lidar (synthetic)"
        nc.source_format = "canonical"
        nc.createDimension("time", None)
        nc.createDimension("altitude", z.size)
        nc.createDimension("nv", 2)
        tv = nc.createVariable("time", "f8", ("time",))
        tv.units, tv.standard_name, tv.calendar, tv.bounds = (
            "seconds since 1970-01-01 00:00:00",
            "time",
            "standard",
            "time_bnds",
        )
        tv[:] = 0.5 * (secs(start) + secs(end))
        tb = nc.createVariable("time_bnds", "f8", ("time", "nv"))
        tb.units, tb.calendar = "seconds since 1970-01-01 00:00:00", "standard"
        tb[:] = np.stack([secs(start), secs(end)], axis=-1)
        av = nc.createVariable("altitude", "f8", ("altitude",))
        av.units, av.positive, av.standard_name, av.axis = "km", "up", "altitude", "Z"
        av.long_name = "altitude of the range-bin centre"
        av.comment = (
            "geodetic altitude of the bin centre (above the reference ellipsoid); it differs "
            "from altitude above the geoid by the geoid undulation (|N| < 110 m)"
        )
        av[:] = z
        for name, values, lname in (
            ("density", prof["density_m3"], f"{species} number density"),
            (
                "density_uncertainty",
                prof["uncertainty_m3"],
                f"one-sigma uncertainty of the {species} number density",
            ),
        ):
            v = nc.createVariable(
                name, "f4", ("time", "altitude"), zlib=True, fill_value=np.float32(np.nan)
            )
            v.units, v.long_name = "m-3", lname
            v[:] = values
        pc = nc.createVariable("photon_counts", "f4", ("time", "altitude"), zlib=True)
        pc.units, pc.long_name = "1", "photon counts per range bin and integration"
        pc[:] = prof["counts"]
        bc = nc.createVariable("background_counts", "f4", ("time",))
        bc.units, bc.long_name = "1", "estimated background counts per range bin and integration"
        bc[:] = prof["background"]


def night_file_name(site: LidarSite, night: dt.date, fmt: str) -> str:
    """``{station}_{YYYYMMDD}.hdf5`` (Madrigal) or ``.nc`` (canonical), lower-case station."""
    ext = {"madrigal": "hdf5", "canonical": "nc"}[fmt]
    return f"{site.name.lower()}_{night:%Y%m%d}.{ext}"


def write_synthetic_lidar(
    *,
    outputs: dict[dt.date, str | os.PathLike],
    truth_dir: str | os.PathLike,
    nights: Sequence[dt.date],
    period_start: dt.date,
    fmt: str,
    species: str,
    site: LidarSite,
    instrument: LidarInstrument,
    layers: PlantedLayers,
    clouds: PlantedClouds,
    sky: Sky,
    tides: PlantedTides,
    column: StationColumn,
    arrival_km: float,
    seed: int,
) -> pd.DataFrame:
    """Plant the clouds, write one file per clear night and the planted truth.

    Parameters
    ----------
    outputs : dict
        Night -> file path, for every night that is not cloudy.
    truth_dir : path-like
        Where ``planted_mics.csv``, ``planted_paths.csv`` and ``planted_nodes.csv`` go.
    nights, period_start, site, instrument, layers, clouds, sky, tides, column, arrival_km, seed
        See :func:`plant_clouds` and :func:`night_profiles`.
    fmt : {"madrigal", "canonical"}
        File format.
    species : str
        E.g. ``"Ca+"``.

    Returns
    -------
    pandas.DataFrame
        The planted clouds (``planted_mics.csv``).
    """
    expected = {n for n in nights if n not in set(sky.cloudy_nights)}
    if set(outputs) != expected:
        raise ValueError(
            f"outputs for nights {sorted(outputs)} do not match the clear nights {sorted(expected)}"
        )
    mics, paths, nodes = plant_clouds(
        nights=nights,
        period_start=period_start,
        site=site,
        instrument=instrument,
        clouds=clouds,
        tides=tides,
        column=column,
        arrival_km=arrival_km,
        seed=seed,
    )
    observed = []
    for night in sorted(nights):
        prof = night_profiles(
            night=night,
            site=site,
            instrument=instrument,
            layers=layers,
            mics=mics,
            paths=paths,
            sky=sky,
            seed=seed,
        )
        if prof is None:
            continue
        observed.append((night, prof["start"], prof["end"]))
        if fmt == "madrigal":
            write_madrigal_night(outputs[night], prof, site)
        elif fmt == "canonical":
            write_canonical_night(outputs[night], prof, site, species)
        else:
            raise ValueError(f"unknown lidar format {fmt!r}")
        log.info("wrote %s (%d profiles)", outputs[night], prof["start"].size)
    # which clouds the lidar saw at least once (a profile during the cloud's life)
    seen = []
    for cloud in mics.itertuples():
        b, e = np.datetime64(cloud.birth_time), np.datetime64(cloud.end_time)
        seen.append(any(((s >= b) & (s <= e)).any() for _, s, _ in observed))
    mics["observed"] = seen
    truth_dir = Path(truth_dir)
    write_csv(mics, truth_dir / "planted_mics.csv")
    write_csv(paths, truth_dir / "planted_paths.csv", float_format="%.5g")
    write_csv(nodes, truth_dir / "planted_nodes.csv", float_format="%.5g")
    return mics
