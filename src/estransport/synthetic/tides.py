"""Planted thermospheric tides over the lidar, and the ion drift and convergence nodes they imply.

The metal-ion-cloud slice (``docs/science.md`` §9) needs a model state up to
300 km in which ion layers descend along tidal convergence nodes. This module
holds the **planted truth** shared by the two generators of that slice:

* :mod:`estransport.synthetic.waccmx_column` writes the winds below as CESM
  history files (read back by the same CESM reader as real WACCM-X output);
* :mod:`estransport.synthetic.lidar` moves planted metal ion clouds with the ion
  drift these winds imply and writes them as lidar files.

Planted winds (migrating diurnal n = 1 and semidiurnal n = 2 tides; east, north)::

    V_n = f(t) A_n(z) cos(psi_n),   U_n = f(t) A_n(z) sin(psi_n)   (clockwise rotation, as in the north)
    psi_n = n 2 pi (t_LT - t_max,n - s(t)) / 24 h + Phi_n(z)
    Phi_n(z) = 2 pi H_n / lambda_n (1 - exp(-(z - z_ref) / H_n))   (d Phi/dz = 2 pi / lambda_n(z))
    lambda_n(z) = lambda_n exp((z - z_ref) / H_n)                  (vertical wavelength grows with height)
    A_n(z) = A_hi - (A_hi - A_lo) exp(-max(z - z_ref, 0) / H_A)

plus constant mean winds U_0, V_0; W = 0. s(t) and f(t) are a day-to-day
shift of the local time of maximum and an amplitude factor, drawn once per day
and varying linearly in between, so that no two nights are alike. Since psi increases with t and
decreases with z, lines of constant phase, and the convergence nodes with them,
move **down** at lambda_n(z) / (24 h / n).

Planted vertical ion drift (``planted_vertical_drift``): equation A5 of Yu et
al. (2021) written out here term by term, deliberately **not** with
:mod:`estransport.physics.drift`, so that the tests compare two independent
codes::

    w_i = [ (r cos D cos I - sin D sin I cos I) U - (r sin D cos I + cos D sin I cos I) V
            + (r^2 + sin^2 I) W ] / (1 + r^2)

with I, D from IGRF-14 (:mod:`estransport.physics.igrf`) and r = nu_in / omega_i
from NRLMSIS 2.1 and the Langevin rates of :mod:`estransport.physics.collisions`
at the station (both checked against published numbers in their own tests;
``docs/science.md`` §4). The convergence nodes (w_i = 0 with dw_i/dz < 0) are found
here with this module's own bracketing (``planted_nodes``), again not with
:mod:`estransport.physics.trajectory`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

#: Hours per solar day.
_DAY_H = 24.0


@dataclass(frozen=True)
class TideComponent:
    """One migrating tide of the planted winds.

    Attributes
    ----------
    harmonic : int
        n: 1 diurnal, 2 semidiurnal.
    amplitude_low_m_s, amplitude_high_m_s : float
        Wind amplitude at ``ref_km`` and its asymptote far above, m s-1.
    amplitude_scale_km : float
        e-folding height of the growth from low to high amplitude, km.
    wavelength_km : float
        Vertical wavelength at ``ref_km``, km.
    wavelength_scale_km : float
        The wavelength grows by e every this many km.
    max_local_time_h : float
        Local time of the maximum northward wind at ``ref_km``, hours.
    """

    harmonic: int
    amplitude_low_m_s: float
    amplitude_high_m_s: float
    amplitude_scale_km: float
    wavelength_km: float
    wavelength_scale_km: float
    max_local_time_h: float


@dataclass(frozen=True)
class PlantedTides:
    """The planted thermospheric winds over the lidar.

    Attributes
    ----------
    ref_km : float
        Reference altitude of amplitudes, wavelengths and phases, km.
    diurnal, semidiurnal : TideComponent
        The two tides.
    mean_u_m_s, mean_v_m_s : float
        Constant eastward and northward mean winds, m s-1.
    day_shift_h : tuple of float
        Day-to-day variability: a shift of both tides' local time of maximum,
        hours, at 00 UT of each day of the period (day 0 first), varying
        linearly in between and constant beyond the ends. Empty: no shift.
    day_factor : tuple of float
        Day-to-day factor on both tides' amplitudes, at 00 UT of each day, as
        ``day_shift_h``. Empty: 1.
    """

    ref_km: float
    diurnal: TideComponent
    semidiurnal: TideComponent
    mean_u_m_s: float
    mean_v_m_s: float
    day_shift_h: tuple[float, ...] = ()
    day_factor: tuple[float, ...] = ()

    @property
    def components(self) -> tuple[TideComponent, TideComponent]:
        return (self.diurnal, self.semidiurnal)

    def as_attrs(self) -> dict[str, float | int]:
        """Flat ``{name: value}`` of every parameter (for netCDF/Parquet metadata)."""
        out: dict[str, float | int] = {
            "ref_km": self.ref_km,
            "mean_u_m_s": self.mean_u_m_s,
            "mean_v_m_s": self.mean_v_m_s,
        }
        for name in ("diurnal", "semidiurnal"):
            for key, value in dataclasses.asdict(getattr(self, name)).items():
                out[f"{name}_{key}"] = value
        out["day_shift_h"] = " ".join(f"{v:.4f}" for v in self.day_shift_h)
        out["day_factor"] = " ".join(f"{v:.4f}" for v in self.day_factor)
        return out

    def variability(self, ut_hours) -> tuple[np.ndarray, np.ndarray]:
        """(shift in hours, amplitude factor) at ``ut_hours`` since the period's first midnight."""
        t = np.asarray(ut_hours, float)
        knots = lambda vals: np.arange(len(vals)) * _DAY_H  # noqa: E731
        shift = (
            np.interp(t, knots(self.day_shift_h), self.day_shift_h)
            if self.day_shift_h
            else np.zeros_like(t)
        )
        factor = (
            np.interp(t, knots(self.day_factor), self.day_factor)
            if self.day_factor
            else np.ones_like(t)
        )
        return shift, factor


def wavelength_km(z_km, comp: TideComponent, ref_km: float) -> np.ndarray:
    """Vertical wavelength lambda_n(z) = lambda_n exp((z - z_ref)/H_n), km."""
    return comp.wavelength_km * np.exp(
        (np.asarray(z_km, float) - ref_km) / comp.wavelength_scale_km
    )


def vertical_phase(z_km, comp: TideComponent, ref_km: float) -> np.ndarray:
    """Phi_n(z) = 2 pi H_n / lambda_n (1 - exp(-(z - z_ref)/H_n)), rad (the integral of 2 pi / lambda_n)."""
    h = comp.wavelength_scale_km
    return (
        2.0
        * np.pi
        * h
        / comp.wavelength_km
        * (1.0 - np.exp(-(np.asarray(z_km, float) - ref_km) / h))
    )


def amplitude(z_km, comp: TideComponent, ref_km: float) -> np.ndarray:
    """A_n(z), m s-1: A_lo at and below z_ref, rising to A_hi with e-folding height H_A."""
    dz = np.maximum(np.asarray(z_km, float) - ref_km, 0.0)
    lo, hi = comp.amplitude_low_m_s, comp.amplitude_high_m_s
    return hi - (hi - lo) * np.exp(-dz / comp.amplitude_scale_km)


def local_time_h(ut_hours, lon_deg) -> np.ndarray:
    """Local (solar) time, hours: UT + lon / 15 (not wrapped; the tides are periodic)."""
    return np.asarray(ut_hours, float) + np.asarray(lon_deg, float) / 15.0


def planted_winds(z_km, ut_hours, lon_deg, tides: PlantedTides) -> tuple[np.ndarray, np.ndarray]:
    """Planted eastward and northward wind, m s-1 (broadcast over the inputs).

    Parameters
    ----------
    z_km : array_like
        Geometric altitude, km.
    ut_hours : array_like
        Universal time in hours since any midnight (e.g. since the period start).
    lon_deg : array_like
        Longitude, degrees E (sets the local time of the migrating tides).
    tides : PlantedTides

    Returns
    -------
    U, V : numpy.ndarray
        m s-1.
    """
    z = np.asarray(z_km, float)
    lt = local_time_h(ut_hours, lon_deg)
    shift, factor = tides.variability(ut_hours)
    u = np.full(np.broadcast(z, lt).shape, tides.mean_u_m_s)
    v = np.full_like(u, tides.mean_v_m_s)
    for comp in tides.components:
        psi = comp.harmonic * 2.0 * np.pi * (
            lt - comp.max_local_time_h - shift
        ) / _DAY_H + vertical_phase(z, comp, tides.ref_km)
        a = factor * amplitude(z, comp, tides.ref_km)
        u = u + a * np.sin(psi)
        v = v + a * np.cos(psi)
    return u, v


def planted_vertical_drift(U, V, W, inclination_deg, declination_deg, r):
    """Vertical ion drift, equation A5 of Yu et al. (2021), written out independently, m s-1.

    Parameters
    ----------
    U, V, W : array_like
        Neutral wind east, north, up, m s-1.
    inclination_deg, declination_deg : array_like
        I (positive down) and D (positive east), degrees.
    r : array_like
        r_i = nu_in / omega_i.

    Returns
    -------
    numpy.ndarray
        w_i, m s-1 (positive up).
    """
    i = np.radians(inclination_deg)
    d = np.radians(declination_deg)
    num = (
        (r * np.cos(d) * np.cos(i) - np.sin(d) * np.sin(i) * np.cos(i)) * U
        - (r * np.sin(d) * np.cos(i) + np.cos(d) * np.sin(i) * np.cos(i)) * V
        + (r * r + np.sin(i) ** 2) * W
    )
    return num / (1.0 + r * r)


def planted_nodes(z_km, w) -> np.ndarray:
    """Altitudes (km) where w turns from > 0 below to < 0 above, by linear interpolation.

    This generator's own bracketing (the library's is
    :func:`estransport.physics.trajectory.convergence_nodes`).
    """
    z = np.asarray(z_km, float)
    w = np.asarray(w, float)
    up_below = w[:-1] > 0
    down_above = w[1:] < 0
    idx = np.nonzero(up_below & down_above)[0]
    return z[idx] + (z[idx + 1] - z[idx]) * w[idx] / (w[idx] - w[idx + 1])


@dataclass(frozen=True)
class StationColumn:
    """The planted column above the station: background, field and r_i on an altitude grid.

    Attributes
    ----------
    altitude_km : numpy.ndarray
        km.
    inclination_deg, declination_deg : numpy.ndarray
        IGRF-14 at the station, degrees.
    r : numpy.ndarray
        r_i = nu_in / omega_i of the ion.
    n_N2, n_O2, n_O, n_total : numpy.ndarray
        NRLMSIS 2.1 diurnal-mean number densities, m-3.
    T : numpy.ndarray
        NRLMSIS 2.1 diurnal-mean temperature, K.
    pressure : numpy.ndarray
        n_total k_B T, Pa.
    """

    altitude_km: np.ndarray
    inclination_deg: np.ndarray
    declination_deg: np.ndarray
    r: np.ndarray
    n_N2: np.ndarray
    n_O2: np.ndarray
    n_O: np.ndarray
    n_total: np.ndarray
    T: np.ndarray
    pressure: np.ndarray


def station_column(
    altitude_km,
    *,
    lat: float,
    lon: float,
    date: dt.date,
    f107: float,
    f107a: float,
    ap: float,
    ion_mass_u: float,
    momentum_transfer: bool,
) -> StationColumn:
    """The time-independent background of the planted column at the station.

    Parameters
    ----------
    altitude_km : array_like
        Geometric altitudes, km (0 to above the model top).
    lat, lon : float
        Station, degrees N / E.
    date : datetime.date
        Day of the MSIS diurnal mean and of the IGRF epoch.
    f107, f107a, ap : float
        NRLMSIS 2.1 inputs, passed explicitly (sfu, sfu, Ap).
    ion_mass_u : float
        Mass of the metal ion, u (Ca+ 40.078).
    momentum_transfer : bool
        Collision-frequency form (see :mod:`estransport.physics.collisions`).

    Returns
    -------
    StationColumn
    """
    from ..physics.atmosphere import msis_profiles
    from ..physics.collisions import (
        collision_ratio,
        gyrofrequency,
        ion_neutral_collision_frequency,
    )
    from ..physics.igrf import field_at

    z = np.asarray(altitude_km, float)
    bg = msis_profiles(
        [dt.datetime(date.year, date.month, date.day)], z, [lat], f107=f107, f107a=f107a, ap=ap
    ).isel(time=0, lat=0)
    inc, dec, b = field_at(np.full_like(z, lat), np.full_like(z, lon), z, date)
    nu = ion_neutral_collision_frequency(
        bg["n_N2"].values,
        bg["n_O2"].values,
        bg["n_O"].values,
        ion_mass_u=ion_mass_u,
        momentum_transfer=momentum_transfer,
    )
    r = collision_ratio(nu, gyrofrequency(b, ion_mass_u))
    return StationColumn(
        altitude_km=z,
        inclination_deg=np.asarray(inc, float),
        declination_deg=np.asarray(dec, float),
        r=np.asarray(r, float),
        n_N2=bg["n_N2"].values,
        n_O2=bg["n_O2"].values,
        n_O=bg["n_O"].values,
        n_total=bg["n_total"].values,
        T=bg["T"].values,
        pressure=bg["pressure"].values,
    )


def planted_drift_field(
    column: StationColumn, ut_hours, *, lon: float, tides: PlantedTides
) -> np.ndarray:
    """Planted w_i at the station on (time, altitude), m s-1.

    Parameters
    ----------
    column : StationColumn
        Altitudes, I, D and r.
    ut_hours : array_like, 1-D
        Hours since the period's first midnight (UT).
    lon : float
        Station longitude, degrees E.
    tides : PlantedTides

    Returns
    -------
    numpy.ndarray
        (time, altitude), m s-1.
    """
    t = np.asarray(ut_hours, float)[:, None]
    u, v = planted_winds(column.altitude_km[None, :], t, lon, tides)
    return planted_vertical_drift(
        u,
        v,
        0.0,
        column.inclination_deg[None, :],
        column.declination_deg[None, :],
        column.r[None, :],
    )


def draw_day_variability(
    seed: int, n_days: int, *, shift_sd_h: float, factor_sd: float
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The day-to-day shifts and amplitude factors of :class:`PlantedTides`, from the seed.

    Parameters
    ----------
    seed : int
        Top-level seed (same seed, same tides in both generators).
    n_days : int
        Days of the period (knots at 00 UT of day 0 ... n_days, inclusive).
    shift_sd_h : float
        Standard deviation of the shift of the local time of maximum, hours.
    factor_sd : float
        Standard deviation of the amplitude factor around 1 (clipped to >= 0.3).

    Returns
    -------
    day_shift_h, day_factor : tuple of float
    """
    rng = np.random.default_rng([int(seed), 0x7D1E])  # "tide": a stream of its own
    shifts = rng.normal(0.0, shift_sd_h, n_days + 1)
    factors = np.clip(1.0 + rng.normal(0.0, factor_sd, n_days + 1), 0.3, None)
    return tuple(float(s) for s in shifts), tuple(float(f) for f in factors)
