"""Streaming gridding of S4max events into seasonal latitude-longitude climatologies.

Events are binned with :func:`numpy.bincount` into running sums and counts, one
day table at a time, so memory is bounded by the grid (4 seasons x 180 x 360
cells at the paper's 1 degree; the default run uses 5-degree cells,
``cosmic.maps.resolution_deg``), not by the number of events.

Season convention
-----------------
DJF, MAM, JJA and SON by calendar month. Winter Y is December Y-1 plus
January and February Y. By default every December, January and February day
inside the configured years is pooled (as ``xarray``'s ``time.season``);
with ``complete_winters_only`` January-February of the first year and
December of the last year are dropped, so only complete winters are averaged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from .events import iter_event_batches

log = logging.getLogger(__name__)

SEASONS = ("DJF", "MAM", "JJA", "SON")
#: Calendar month (1-12) -> index into SEASONS.
MONTH_TO_SEASON = np.array([-1, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0])

EVENT_COLUMNS = ["time", "lattp_s4max", "lontp_s4max", "s4max"]


class SeasonalGrid:
    """Running sums of S4max per season on a regular latitude-longitude grid.

    Parameters
    ----------
    resolution_deg : float
        Cell size in degrees; must divide 180 (``cosmic.maps.resolution_deg``).
    years : sequence of int, optional
        Years whose events are used (all if None).
    complete_winters_only : bool
        Drop January-February of the first year and December of the last year
        (``cosmic.maps.complete_winters_only``).

    Attributes
    ----------
    total, total_sq, count : numpy.ndarray
        Sum of S4max, sum of squares and event count, shape (4, nlat, nlon).
    """

    def __init__(
        self,
        resolution_deg: float,
        *,
        years: Sequence[int] | None = None,
        complete_winters_only: bool,
    ):
        nlat = 180.0 / resolution_deg
        if abs(nlat - round(nlat)) > 1e-9:
            raise ValueError(f"resolution_deg={resolution_deg} does not divide 180 degrees")
        self.resolution_deg = float(resolution_deg)
        self.nlat, self.nlon = int(round(nlat)), int(round(2 * nlat))
        self.years = None if years is None else sorted(years)
        self.complete_winters_only = complete_winters_only
        shape = (len(SEASONS), self.nlat, self.nlon)
        self.total = np.zeros(shape)
        self.total_sq = np.zeros(shape)
        self.count = np.zeros(shape, dtype=np.int64)
        self.n_events = 0

    def _keep(self, year: np.ndarray, month: np.ndarray) -> np.ndarray:
        keep = np.ones(year.shape, bool)
        if self.years is not None:
            keep &= np.isin(year, self.years)
            if self.complete_winters_only:
                first, last = self.years[0], self.years[-1]
                keep &= ~((year == first) & (month <= 2))
                keep &= ~((year == last) & (month == 12))
        return keep

    def add(self, lat, lon, s4max, year, month) -> None:
        """Accumulate events.

        Parameters
        ----------
        lat, lon : array_like
            Tangent-point latitude (degrees N) and longitude (degrees E, any range).
        s4max : array_like
            S4max (dimensionless), already quality controlled.
        year, month : array_like of int
            Calendar year and month (1-12) of each event.
        """
        lat = np.asarray(lat, float)
        lon = np.asarray(lon, float)
        s4 = np.asarray(s4max, float)
        year = np.asarray(year)
        month = np.asarray(month)
        keep = self._keep(year, month) & np.isfinite(lat) & np.isfinite(lon) & np.isfinite(s4)
        lat, lon, s4, month = lat[keep], lon[keep], s4[keep], month[keep]
        res = self.resolution_deg
        i = np.clip(((lat + 90.0) // res).astype(np.int64), 0, self.nlat - 1)
        j = ((np.mod(lon + 180.0, 360.0)) // res).astype(np.int64) % self.nlon
        flat = (MONTH_TO_SEASON[month] * self.nlat + i) * self.nlon + j
        size = self.count.size
        self.count += np.bincount(flat, minlength=size).reshape(self.count.shape)
        self.total += np.bincount(flat, weights=s4, minlength=size).reshape(self.total.shape)
        self.total_sq += np.bincount(flat, weights=s4 * s4, minlength=size).reshape(
            self.total.shape
        )
        self.n_events += int(keep.sum())

    @property
    def lat(self) -> np.ndarray:
        """Cell-centre latitudes (degrees N)."""
        return -90.0 + self.resolution_deg * (np.arange(self.nlat) + 0.5)

    @property
    def lon(self) -> np.ndarray:
        """Cell-centre longitudes (degrees E, -180..180)."""
        return -180.0 + self.resolution_deg * (np.arange(self.nlon) + 0.5)

    def to_dataset(self, *, min_count: int, smoothing_cells: int) -> xr.Dataset:
        """Mean, standard deviation and count per cell and season as a CF Dataset.

        Parameters
        ----------
        min_count : int
            Cells with fewer events are NaN in the mean and standard deviation
            (``cosmic.maps.min_count``).
        smoothing_cells : int
            Half-width (cells) of an optional count-weighted boxcar smoothing of
            the mean (periodic in longitude); 0 = none, as the paper
            (``cosmic.maps.smoothing_cells``).

        Returns
        -------
        xarray.Dataset
            Variables ``s4max_mean``, ``s4max_std`` and ``count`` on
            (season, lat, lon), with bounds and CF attributes.
        """
        total, total_sq, count = self.total, self.total_sq, self.count.astype(float)
        if smoothing_cells > 0:
            total, total_sq, count = (_boxcar(a, smoothing_cells) for a in (total, total_sq, count))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
            var = np.maximum(total_sq / count - mean**2, 0.0) * count / np.maximum(count - 1, 1)
        enough = self.count >= min_count
        mean = np.where(enough, mean, np.nan)
        std = np.where(enough & (self.count > 1), np.sqrt(var), np.nan)
        res = self.resolution_deg
        lat, lon = self.lat, self.lon
        ds = xr.Dataset(
            {
                "s4max_mean": (
                    ("season", "lat", "lon"),
                    mean.astype(np.float32),
                    {
                        "long_name": "mean S4max of Es-height occultation events",
                        "units": "1",
                        "cell_methods": "time: mean (events in season) area: mean (events in cell)",
                        "comment": "S4max at the tangent point, alttp_s4max inside the QC Es height range",
                    },
                ),
                "s4max_std": (
                    ("season", "lat", "lon"),
                    std.astype(np.float32),
                    {
                        "long_name": "standard deviation of S4max of events in the cell",
                        "units": "1",
                    },
                ),
                "count": (
                    ("season", "lat", "lon"),
                    self.count.astype(np.int32),
                    {
                        "long_name": "number of occultation events in the cell",
                        "units": "1",
                    },
                ),
                "lat_bnds": (
                    ("lat", "nv"),
                    np.stack([lat - res / 2, lat + res / 2], axis=1),
                    {"units": "degrees_north"},
                ),
                "lon_bnds": (
                    ("lon", "nv"),
                    np.stack([lon - res / 2, lon + res / 2], axis=1),
                    {"units": "degrees_east"},
                ),
            },
            coords={
                "season": (
                    "season",
                    list(SEASONS),
                    {"long_name": "meteorological season (DJF = Dec-Feb)"},
                ),
                "lat": (
                    "lat",
                    lat,
                    {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bnds"},
                ),
                "lon": (
                    "lon",
                    lon,
                    {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bnds"},
                ),
            },
        )
        ds.attrs.update(
            {
                "title": "Seasonal mean S4max of COSMIC radio-occultation events at Es heights",
                "n_events": self.n_events,
                "resolution_deg": res,
                "min_count": min_count,
                "smoothing_cells": smoothing_cells,
                "season_convention": (
                    "DJF/MAM/JJA/SON by calendar month; winter Y = Dec Y-1 + Jan-Feb Y; "
                    + (
                        "complete winters only"
                        if self.complete_winters_only
                        else "all Dec/Jan/Feb days in the configured years pooled"
                    )
                ),
            }
        )
        return ds


def _boxcar(a: np.ndarray, half: int) -> np.ndarray:
    """Sum over a (2 half + 1)^2 window; periodic in longitude, truncated at the poles."""
    from scipy.ndimage import uniform_filter

    size = 2 * half + 1
    out = np.empty_like(a, dtype=float)
    for k in range(a.shape[0]):
        wrapped = np.pad(a[k].astype(float), ((0, 0), (half, half)), mode="wrap")
        smooth = uniform_filter(wrapped, size=size, mode="constant", cval=0.0) * size * size
        out[k] = smooth[:, half:-half]
    return out


def grid_event_tables(
    paths: Iterable[str | os.PathLike],
    *,
    resolution_deg: float,
    years: Sequence[int] | None = None,
    complete_winters_only: bool,
    progress_every: int = 100,
) -> SeasonalGrid:
    """Stream daily event tables (Parquet) into a :class:`SeasonalGrid`.

    Parameters
    ----------
    paths : iterable of path-like
        Event tables with columns ``time``, ``lattp_s4max``, ``lontp_s4max``, ``s4max``
        (already quality controlled).
    resolution_deg, years, complete_winters_only
        See :class:`SeasonalGrid`.
    progress_every : int
        Log progress every this many files.

    Returns
    -------
    SeasonalGrid
    """
    grid = SeasonalGrid(resolution_deg, years=years, complete_winters_only=complete_winters_only)
    for ev in iter_event_batches(paths, EVENT_COLUMNS, progress_every=progress_every):
        grid.add(ev["lattp_s4max"], ev["lontp_s4max"], ev["s4max"], ev["year"], ev["month"])
    return grid


def write_seasonal_maps(
    event_paths: Sequence[str | os.PathLike],
    out_paths: Sequence[str | os.PathLike],
    *,
    resolution_deg: float,
    min_count: int,
    complete_winters_only: bool,
    smoothing_cells: int,
    years: Sequence[int],
    es_altitude_km: tuple[float, float],
    config: Mapping[str, Any] | None = None,
    coverage: Sequence[Any] | None = None,
) -> None:
    """Grid the event tables and write one CF netCDF file per season.

    Parameters
    ----------
    event_paths : sequence of path-like
        Daily event tables (QC passed).
    out_paths : sequence of path-like
        Output files; each name must contain its season (``..._DJF.nc``).
    resolution_deg, complete_winters_only
        See :class:`SeasonalGrid` (``cosmic.maps``).
    min_count, smoothing_cells
        See :meth:`SeasonalGrid.to_dataset` (``cosmic.maps``).
    years : sequence of int
        Configured years (``cosmic.years``).
    es_altitude_km : (float, float)
        Es height range the events were selected in (km, ``cosmic.qc.altitude_km``);
        recorded as ``es_altitude_min_km``/``es_altitude_max_km`` for the labels
        of the figures drawn from the maps.
    config : mapping, optional
        Configuration recorded as a hash in the provenance attributes.
    coverage : sequence of estransport.climatology.coverage.Coverage, optional
        The missions whose events are pooled: cells whose latitude none of them
        observes get no mean or standard deviation (counts are kept), and the
        files record a ``covered`` flag, the ``missions`` and their
        ``coverage``. None (the paper's COSMIC-1): no masking, nothing recorded.
    """
    from ..io.atomic import write_netcdf
    from ..provenance import provenance_attrs
    from .coverage import apply_coverage

    grid = grid_event_tables(
        event_paths,
        resolution_deg=resolution_deg,
        years=years,
        complete_winters_only=complete_winters_only,
    )
    ds = grid.to_dataset(min_count=min_count, smoothing_cells=smoothing_cells)
    if coverage is not None:
        ds = apply_coverage(ds, coverage, variables=("s4max_mean", "s4max_std"))
    ds.attrs.update(provenance_attrs(config, event_paths, step="seasonal_maps"))
    ds.attrs["years"] = " ".join(map(str, years))
    ds.attrs["es_altitude_min_km"] = float(es_altitude_km[0])
    ds.attrs["es_altitude_max_km"] = float(es_altitude_km[1])
    for path in out_paths:
        season = next((s for s in SEASONS if f"_{s}" in os.path.basename(os.fspath(path))), None)
        if season is None:
            raise ValueError(f"cannot tell the season from output name {path}")
        sub = ds.sel(season=[season])
        write_netcdf(sub, path)
        log.info(
            "%s: %d events, %d cells with data",
            path,
            int(sub["count"].sum()),
            int((sub["count"] > 0).sum()),
        )
