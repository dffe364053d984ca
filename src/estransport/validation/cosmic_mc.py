"""Monte Carlo of the COSMIC headline numbers: S4max maps, winter trough and summer Es band.

For each seed the synthetic COSMIC events of every configured day are drawn exactly as
:func:`estransport.synthetic.cosmic.generate_day_arcs` draws them, quality controlled
with :func:`estransport.io.scnlv1.apply_qc`, and gridded with the library's
:class:`~estransport.climatology.gridding.SeasonalGrid` and
:class:`~estransport.climatology.monthly.MonthlyLatAltGrid`. The numbers of
``paper_numbers.csv`` are then computed with the table's own functions and compared
with the same numbers computed from the planted climatology
(:func:`estransport.synthetic.cosmic.es_intensity`).

What the shortcut skips: the netCDF-3 members (their S4 series, orbits and the
attributes the analysis does not read), the tar archive, the per-day event Parquet files
and QC tables. The attributes the analysis reads (tangent point, local time, S4max as
float32, the -999 fills, zero-byte members) come from the same draws in the same order:
the generator draws them all before its per-arc loop, whose further draws only fill
member contents. ``tests/test_validation_headline.py`` checks, for one day, that the
shortcut's events equal what the real ingest reads from the written tarball.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..climatology.gridding import SeasonalGrid
from ..climatology.monthly import MonthlyLatAltGrid
from ..geomag import geomagnetic_latitude
from ..io.scnlv1 import apply_qc
from ..synthetic.cosmic import FILL, PlantedEsClimatology, es_intensity, planted_mean_s4max
from ..tables.paper_numbers import es_band_rows, winter_trough_rows


@dataclass(frozen=True)
class CosmicSetup:
    """The COSMIC part of a configuration (``cosmic`` and ``transport`` config keys).

    Attributes
    ----------
    years : tuple of int
        ``cosmic.years``.
    day_step : int
        ``cosmic.day_step``.
    arcs_per_day, es_fraction, fill_fraction, empty_member_fraction : float
        ``cosmic.synthetic``.
    altitude_km, s4max_range : (float, float)
        ``cosmic.qc``.
    map_resolutions_deg : tuple of float
        Map cell sizes compared (the configured ``cosmic.maps.resolution_deg`` and 1).
    complete_winters_only : bool
        ``cosmic.maps.complete_winters_only``.
    smoothing_cells : int
        ``cosmic.maps.smoothing_cells`` (applied at every compared resolution).
    min_count_compare : tuple of int
        Fewest events in a cell for it to enter the map comparison, per resolution.
    lat_resolution_deg, alt_resolution_km, monthly_min_count, min_valid_fraction : float
        ``cosmic.monthly``.
    es_band_threshold : float
        ``transport.es_band.threshold``.
    trough_maglat_deg : (float, float)
        ``transport.winter_trough.geomagnetic_lat_deg``.
    """

    years: tuple[int, ...]
    day_step: int
    arcs_per_day: int
    es_fraction: float
    fill_fraction: float
    empty_member_fraction: float
    altitude_km: tuple[float, float]
    s4max_range: tuple[float, float]
    map_resolutions_deg: tuple[float, ...]
    complete_winters_only: bool
    smoothing_cells: int
    min_count_compare: tuple[int, ...]
    lat_resolution_deg: float
    alt_resolution_km: float
    monthly_min_count: int
    min_valid_fraction: float
    es_band_threshold: float
    trough_maglat_deg: tuple[float, float]

    def days(self) -> list[tuple[int, int]]:
        """(year, day of year) of every configured day (as the workflow's ``cosmic_days``)."""
        out = []
        for year in self.years:
            ndays = 366 if dt.date(year, 12, 31).timetuple().tm_yday == 366 else 365
            out.extend((year, doy) for doy in range(1, ndays + 1, self.day_step))
        return out


def day_events(
    year: int, doy: int, *, setup: CosmicSetup, seed: int, truth: PlantedEsClimatology
) -> pd.DataFrame:
    """The events the ingest reads from one synthetic day, without writing the tarball.

    Parameters
    ----------
    year, doy : int
        Day.
    setup : CosmicSetup
    seed : int
        Master seed (the day's generator is ``default_rng([seed, year, doy])``).
    truth : PlantedEsClimatology

    Returns
    -------
    pandas.DataFrame
        ``lattp_s4max``, ``lontp_s4max`` (wrapped to [-180, 180)), ``alttp_s4max``,
        ``lcttp_s4max``, ``s4max`` (float32 values, as written), -999 for fills; one
        row per non-empty member; attribute ``month``.
    """
    # --- the draws of generate_day_arcs before its per-arc loop, in its order
    rng = np.random.default_rng([seed, year, doy])
    day0 = dt.datetime(year, 1, 1) + dt.timedelta(days=doy - 1)
    n = setup.arcs_per_day
    seconds = np.sort(rng.uniform(0, 86400 - 600, n))
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon = rng.uniform(-180, 180, n)
    maglat = geomagnetic_latitude(lat, lon, day0.date())
    es = rng.random(n) < setup.es_fraction
    alt = np.empty(n)
    z = rng.normal(truth.peak_altitude_km, truth.layer_sigma_km, n)
    bad = (z < 90) | (z > 130)
    while bad.any():
        z[bad] = rng.normal(truth.peak_altitude_km, truth.layer_sigma_km, bad.sum())
        bad = (z < 90) | (z > 130)
    alt[es] = z[es]
    out = ~es
    alt[out] = np.where(
        rng.random(out.sum()) < 0.5,
        rng.uniform(60, 89.5, out.sum()),
        rng.uniform(130.5, 300, out.sum()),
    )
    expected = es_intensity(lat, lon, doy, alt, maglat, truth)
    s4max = expected * np.exp(
        truth.noise_sigma * rng.standard_normal(n) - 0.5 * truth.noise_sigma**2
    )
    outlier = es & (rng.random(n) < truth.outlier_fraction)
    s4max[outlier] = rng.uniform(5.2, 9.0, outlier.sum())
    fill = rng.random(n) < setup.fill_fraction
    empty = rng.random(n) < setup.empty_member_fraction
    lct = np.mod(seconds / 3600.0 + lon / 15.0, 24.0)
    # --- the attributes as written and read back
    keep = ~empty
    s4 = s4max.astype(np.float32).astype(np.float64)
    tp = np.where(fill[:, None], FILL, np.stack([alt, lat, lon, lct], axis=1))
    lon_tp = tp[:, 2].copy()
    ok = lon_tp != FILL
    lon_tp[ok] = (lon_tp[ok] + 180.0) % 360.0 - 180.0
    events = pd.DataFrame(
        {
            "lattp_s4max": tp[keep, 1],
            "lontp_s4max": lon_tp[keep],
            "alttp_s4max": tp[keep, 0],
            "lcttp_s4max": tp[keep, 3],
            "s4max": s4[keep],
        }
    )
    events.attrs["month"] = day0.month
    return events


def seed_grids(
    *, setup: CosmicSetup, seed: int, truth: PlantedEsClimatology
) -> tuple[dict[float, SeasonalGrid], MonthlyLatAltGrid]:
    """Seasonal maps at every compared resolution and the monthly climatology of one seed."""
    grids = {
        r: SeasonalGrid(r, years=setup.years, complete_winters_only=setup.complete_winters_only)
        for r in setup.map_resolutions_deg
    }
    monthly = MonthlyLatAltGrid(
        setup.lat_resolution_deg,
        altitude_km=setup.altitude_km,
        alt_resolution_km=setup.alt_resolution_km,
        years=setup.years,
    )
    for year, doy in setup.days():
        ev = day_events(year, doy, setup=setup, seed=seed, truth=truth)
        kept, _ = apply_qc(ev, altitude_km=setup.altitude_km, s4max_range=setup.s4max_range)
        yr = np.full(len(kept), year)
        mo = np.full(len(kept), ev.attrs["month"])
        for g in grids.values():
            g.add(kept["lattp_s4max"], kept["lontp_s4max"], kept["s4max"], yr, mo)
        monthly.add(kept["lattp_s4max"], kept["alttp_s4max"], kept["s4max"], yr, mo)
    return grids, monthly


#: Meteorological seasons compared.
SEASON_MONTHS = {"DJF": (12, 1, 2), "JJA": (6, 7, 8)}


def _season_doys(setup: CosmicSetup, season: str) -> list[int]:
    months = SEASON_MONTHS[season]
    return [
        doy
        for year, doy in setup.days()
        if (dt.date(year, 1, 1) + dt.timedelta(days=doy - 1)).month in months
    ]


def planted_map(
    setup: CosmicSetup,
    season: str,
    resolution_deg: float,
    truth: PlantedEsClimatology,
    *,
    epoch: dt.date,
) -> np.ndarray:
    """The planted seasonal mean S4max of each cell (cell area-mean over the season's days)."""
    g = SeasonalGrid(resolution_deg, complete_winters_only=setup.complete_winters_only)
    doys = _season_doys(setup, season)
    nsub = max(1, int(round(resolution_deg)))  # about one sample per degree inside a cell
    offs = (np.arange(nsub) + 0.5) / nsub - 0.5
    lat2, lon2 = np.meshgrid(g.lat, g.lon, indexing="ij")
    acc = np.zeros(lat2.shape)
    wsum = np.zeros(lat2.shape)
    for dy in offs * resolution_deg:
        w = np.cos(np.radians(lat2 + dy))  # events are uniform on the sphere
        for dx in offs * resolution_deg:
            acc += w * planted_mean_s4max(
                lat2 + dy, lon2 + dx, doys, truth, altitude_km=setup.altitude_km, epoch=epoch
            )
            wsum += w
    return acc / wsum


def planted_monthly(setup: CosmicSetup, truth: PlantedEsClimatology, *, epoch: dt.date):
    """The planted monthly zonal-mean S4max on (month, altitude, lat) of the monthly grid."""
    g = MonthlyLatAltGrid(
        setup.lat_resolution_deg,
        altitude_km=setup.altitude_km,
        alt_resolution_km=setup.alt_resolution_km,
    )
    lons = np.arange(-177.5, 180, 5.0)
    sub = (np.arange(5) + 0.5) / 5 - 0.5
    out = np.zeros((12, g.nalt, g.nlat))
    by_month: dict[int, list[int]] = {}
    for year, doy in setup.days():
        by_month.setdefault((dt.date(year, 1, 1) + dt.timedelta(days=doy - 1)).month, []).append(
            doy
        )
    for m, doys in by_month.items():
        for j, la in enumerate(g.lat):
            lat_s = la + sub * setup.lat_resolution_deg
            w = np.cos(np.radians(lat_s))
            lat2, lon2 = np.meshgrid(lat_s, lons, indexing="ij")
            mlat = geomagnetic_latitude(lat2, lon2, epoch)
            for k, z in enumerate(g.altitude):
                vals = np.mean([es_intensity(lat2, lon2, d, z, mlat, truth) for d in doys], axis=0)
                out[m - 1, k, j] = np.sum(vals.mean(axis=1) * w) / w.sum()
    g.total = out
    g.count = np.ones(out.shape, dtype=np.int64)  # every bin "valid": the planted value
    return g.to_dataset(min_count=1, min_valid_fraction=setup.min_valid_fraction)


def _maps_datasets(grid: SeasonalGrid, smoothing_cells: int) -> dict[str, object]:
    ds = grid.to_dataset(min_count=1, smoothing_cells=smoothing_cells)
    return {s: ds.sel(season=[s]) for s in SEASON_MONTHS}


def headline_rows(
    grids: dict[float, SeasonalGrid],
    monthly: MonthlyLatAltGrid,
    *,
    setup: CosmicSetup,
    planted_maps: dict[tuple[float, str], np.ndarray],
    seed: int,
) -> list[dict]:
    """This seed's headline numbers: map correlation and median ratio, trough and band edges.

    Returns
    -------
    list of dict
        ``seed``, ``quantity``, ``resolution``, ``value`` (one per number).
    """
    rows = []
    for (res, season), planted in planted_maps.items():
        ds = (
            grids[res]
            .to_dataset(min_count=1, smoothing_cells=setup.smoothing_cells)
            .sel(season=season)
        )
        mean = ds["s4max_mean"].values.astype(float)
        count = ds["count"].values
        k = setup.map_resolutions_deg.index(res)
        ok = (count >= setup.min_count_compare[k]) & np.isfinite(mean)
        r = float(np.corrcoef(mean[ok], planted[ok])[0, 1]) if ok.sum() > 2 else math.nan
        ratio = float(np.median(mean[ok] / planted[ok])) if ok.any() else math.nan
        rows += [
            {
                "seed": seed,
                "quantity": f"S4max map {season}: correlation with planted",
                "resolution": f"{res:g}°",
                "value": r,
            },
            {
                "seed": seed,
                "quantity": f"S4max map {season}: median recovered/planted",
                "resolution": f"{res:g}°",
                "value": ratio,
            },
            {
                "seed": seed,
                "quantity": f"S4max map {season}: cells compared",
                "resolution": f"{res:g}°",
                "value": float(ok.sum()),
            },
        ]
    res0 = setup.map_resolutions_deg[0]
    for row in winter_trough_rows(
        _maps_datasets(grids[res0], setup.smoothing_cells),
        years=setup.years,
        maglat_deg=setup.trough_maglat_deg,
    ):
        rows.append(
            {
                "seed": seed,
                "quantity": row["quantity"],
                "resolution": f"{res0:g}°",
                "value": row["value_low"],
            }
        )
    mds = monthly.to_dataset(
        min_count=setup.monthly_min_count, min_valid_fraction=setup.min_valid_fraction
    )
    for row in es_band_rows(mds, threshold=setup.es_band_threshold):
        for end, key in (("equatorward edge", "value_low"), ("poleward edge", "value_high")):
            rows.append(
                {
                    "seed": seed,
                    "quantity": f"{row['quantity']}: {end}",
                    "resolution": f"{setup.lat_resolution_deg:g}°",
                    "value": row[key],
                }
            )
    return rows


def planted_rows(setup: CosmicSetup, truth: PlantedEsClimatology, *, epoch: dt.date) -> dict:
    """The planted values of the trough and band-edge rows (quantity -> value)."""
    out = {}
    res0 = setup.map_resolutions_deg[0]
    g = SeasonalGrid(res0, years=setup.years, complete_winters_only=setup.complete_winters_only)
    maps = {}
    for season in SEASON_MONTHS:
        planted = planted_map(setup, season, res0, truth, epoch=epoch)
        # counts proportional to cell area: events are uniform on the sphere
        area = np.cos(np.radians(g.lat))[:, None] * np.ones(g.nlon)[None, :]
        ds = g.to_dataset(min_count=0, smoothing_cells=0).sel(season=[season]).copy()
        ds["s4max_mean"].values[0] = planted
        ds["count"].values[0] = np.round(area * 1e6).astype(np.int32)
        maps[season] = ds
    for row in winter_trough_rows(maps, years=setup.years, maglat_deg=setup.trough_maglat_deg):
        out[row["quantity"]] = row["value_low"]
    mds = planted_monthly(setup, truth, epoch=epoch)
    for row in es_band_rows(mds, threshold=setup.es_band_threshold):
        out[f"{row['quantity']}: equatorward edge"] = row["value_low"]
        out[f"{row['quantity']}: poleward edge"] = row["value_high"]
    return out


def _run_chunk(args) -> list[dict]:
    setup, seeds, truth, planted_maps = args
    rows = []
    for seed in seeds:
        grids, monthly = seed_grids(setup=setup, seed=int(seed), truth=truth)
        rows += headline_rows(
            grids, monthly, setup=setup, planted_maps=planted_maps, seed=int(seed)
        )
    return rows


def run_seeds(
    setup: CosmicSetup,
    seeds: Sequence[int],
    truth: PlantedEsClimatology,
    *,
    epoch: dt.date,
    workers: int = 1,
) -> pd.DataFrame:
    """Every seed's headline numbers (one row per seed and quantity), in a process pool.

    Parameters
    ----------
    setup : CosmicSetup
    seeds : sequence of int
        Generator seeds.
    truth : PlantedEsClimatology
    epoch : datetime.date
        Dipole epoch of the planted maps (as :func:`winter_trough_rows`: 1 July of the
        middle year).
    workers : int
        Processes (1 = in this process); the table is the same whatever the number.

    Returns
    -------
    pandas.DataFrame
        ``seed``, ``quantity``, ``resolution``, ``value``, sorted by seed.
    """
    planted_maps = {
        (r, s): planted_map(setup, s, r, truth, epoch=epoch)
        for r in setup.map_resolutions_deg
        for s in SEASON_MONTHS
    }
    seeds = [int(s) for s in seeds]
    if workers <= 1 or len(seeds) < 2:
        rows = _run_chunk((setup, seeds, truth, planted_maps))
    else:
        from concurrent.futures import ProcessPoolExecutor

        chunks = [seeds[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = pool.map(_run_chunk, [(setup, c, truth, planted_maps) for c in chunks])
            rows = [r for part in parts for r in part]
    table = pd.DataFrame(rows, columns=["seed", "quantity", "resolution", "value"])
    return table.sort_values("seed", kind="stable").reset_index(drop=True)
