"""Small lidar nights built here (not with the synthetic generator) for the detection and tracking tests.

A night is a canonical Dataset: profiles every ``step_min`` from 10 to 22 UT,
1-km bins 80-320 km, a main layer (100 cm-3 at 100 km), Gaussian noise whose
standard deviation grows as z^2 (photon noise of a lidar) and straight-descending
Gaussian clouds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from estransport.lidar.canonical import canonical_dataset
from estransport.lidar.canonical import merge_profiles as _merge

ALT = np.arange(80.0, 321.0, 1.0)


@dataclass(frozen=True)
class Cloud:
    """A straight descent: at t0_h (hours after 00 UT) at z0_km, falling rate_km_h, Gaussian."""

    t0_h: float
    t1_h: float
    z0_km: float
    rate_km_h: float
    peak_cm3: float
    sigma_km: float

    def altitude(self, t_h):
        return self.z0_km - self.rate_km_h * (np.asarray(t_h) - self.t0_h)


def noise_cm3(z_km, noise_200_cm3: float) -> np.ndarray:
    return noise_200_cm3 * (np.asarray(z_km) / 200.0) ** 2


def night(
    day: str,
    clouds=(),
    *,
    seed: int,
    noise_200_cm3: float = 2.5,
    step_min: float = 10.0,
    start_h: float = 10.0,
    end_h: float = 22.0,
    gap_h: tuple[float, float] | None = None,
) -> xr.Dataset:
    """One night as a canonical Dataset (densities in m-3)."""
    rng = np.random.default_rng(seed)
    t_h = np.arange(start_h, end_h, step_min / 60.0)
    if gap_h:
        t_h = t_h[(t_h < gap_h[0]) | (t_h >= gap_h[1])]
    mid_h = t_h + step_min / 120.0
    z = ALT
    n = 100.0 * np.exp(-0.5 * ((z - 100.0) / np.where(z < 100, 4.0, 6.0)) ** 2)
    n = n + 0.5 * np.exp(-(z - 120.0) / 80.0)
    dens = np.tile(n, (t_h.size, 1))
    for c in clouds:
        live = (mid_h >= c.t0_h) & (mid_h <= c.t1_h)
        zc = c.altitude(mid_h[live])
        dens[live] += c.peak_cm3 * np.exp(-0.5 * ((z[None, :] - zc[:, None]) / c.sigma_km) ** 2)
    sig = noise_cm3(z, noise_200_cm3)[None, :] * np.sqrt(1.0 + dens / 200.0)
    obs = dens + rng.normal(0.0, 1.0, dens.shape) * sig
    t0 = np.datetime64(day + "T00:00", "ns")
    start = t0 + (t_h * 3.6e12).astype("timedelta64[ns]")
    return canonical_dataset(
        time_start=start,
        time_end=start + np.timedelta64(int(step_min * 60), "s"),
        altitude_km=z,
        density_m3=obs * 1e6,
        uncertainty_m3=sig * 1e6,
        species="Ca+",
        station_name="test",
        station_latitude=40.3,
        station_longitude=116.2,
    )


def nights(specs, **kw) -> xr.Dataset:
    """Several nights merged: ``specs`` is a list of (day, clouds, seed)."""
    parts = [night(day, clouds, seed=seed, **kw) for day, clouds, seed in specs]
    return _merge(parts, [f"{day}.nc" for day, _, _ in specs])
