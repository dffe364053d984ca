"""Monthly zonal-mean S4max on a latitude x altitude grid, and the column-density ratio.

This is the Es climatology of the paper's Fig. 3: for each calendar month, the
mean S4max of all events (any longitude, any year) falling in a latitude band
and a tangent-altitude bin within the Es heights. Events are streamed from the
daily tables into running sums, so memory is bounded by the grid.

Column-density ratio
--------------------
For month m and latitude band j the *column density* is the vertical integral
of the Es intensity over the Es height range of thickness L,

    C(m, j) = L * mean_k S(m, k, j)          (S = mean S4max of altitude bin k; km)

where the mean runs over the altitude bins with at least ``min_count`` events
(bins below it have too few events for a mean; treating them as zero would
bias sparsely sampled bands low). A band is used only when at least
``min_valid_fraction`` of its bins are valid; otherwise C is NaN. The ratio is
C divided by its **area-weighted (cos latitude) global mean** over the valid
bands of the same month,

    R(m, j) = C(m, j) / ( sum_j cos(phi_j) C(m, j) / sum_j cos(phi_j) ),

so that the cos-weighted mean of R is exactly 1 in every month (docs/science.md
section 2).
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

MONTH_COLUMNS = ["time", "lattp_s4max", "alttp_s4max", "s4max"]


class MonthlyLatAltGrid:
    """Running sums of S4max per calendar month, altitude bin and latitude band.

    Parameters
    ----------
    lat_resolution_deg : float
        Latitude band width in degrees; must divide 180 (``cosmic.monthly.lat_resolution_deg``).
    altitude_km : (float, float)
        Es height range (km); bins of ``alt_resolution_km`` span it (``cosmic.qc.altitude_km``).
    alt_resolution_km : float
        Altitude bin height (km); must divide the range (``cosmic.monthly.alt_resolution_km``).
    years : sequence of int, optional
        Years whose events are used (all if None).
    """

    def __init__(
        self,
        lat_resolution_deg: float,
        *,
        altitude_km: Sequence[float],
        alt_resolution_km: float,
        years: Sequence[int] | None = None,
    ):
        nlat = 180.0 / lat_resolution_deg
        nalt = (altitude_km[1] - altitude_km[0]) / alt_resolution_km
        if abs(nlat - round(nlat)) > 1e-9:
            raise ValueError(f"lat_resolution_deg={lat_resolution_deg} does not divide 180 degrees")
        if abs(nalt - round(nalt)) > 1e-9 or nalt < 1:
            raise ValueError(f"alt_resolution_km={alt_resolution_km} does not divide {altitude_km}")
        self.lat_res, self.alt_res = float(lat_resolution_deg), float(alt_resolution_km)
        self.alt0, self.alt1 = float(altitude_km[0]), float(altitude_km[1])
        self.nlat, self.nalt = int(round(nlat)), int(round(nalt))
        self.years = None if years is None else sorted(years)
        shape = (12, self.nalt, self.nlat)
        self.total = np.zeros(shape)
        self.count = np.zeros(shape, dtype=np.int64)
        self.n_events = 0

    @property
    def lat(self) -> np.ndarray:
        """Band-centre latitudes (degrees N)."""
        return -90.0 + self.lat_res * (np.arange(self.nlat) + 0.5)

    @property
    def altitude(self) -> np.ndarray:
        """Bin-centre altitudes (km)."""
        return self.alt0 + self.alt_res * (np.arange(self.nalt) + 0.5)

    def add(self, lat, alt_km, s4max, year, month) -> None:
        """Accumulate events.

        Parameters
        ----------
        lat : array_like
            Tangent-point latitude (degrees N).
        alt_km : array_like
            Tangent-point altitude (km); events outside the range are ignored.
        s4max : array_like
            S4max (dimensionless), quality controlled.
        year, month : array_like of int
            Calendar year and month (1-12).
        """
        lat, alt, s4 = (np.asarray(a, float) for a in (lat, alt_km, s4max))
        year, month = np.asarray(year), np.asarray(month)
        keep = (
            np.isfinite(lat)
            & np.isfinite(alt)
            & np.isfinite(s4)
            & (alt >= self.alt0)
            & (alt <= self.alt1)
        )
        if self.years is not None:
            keep &= np.isin(year, self.years)
        lat, alt, s4, month = lat[keep], alt[keep], s4[keep], month[keep]
        i = np.clip(((lat + 90.0) // self.lat_res).astype(np.int64), 0, self.nlat - 1)
        k = np.clip(((alt - self.alt0) // self.alt_res).astype(np.int64), 0, self.nalt - 1)
        flat = ((month - 1) * self.nalt + k) * self.nlat + i
        self.count += np.bincount(flat, minlength=self.count.size).reshape(self.count.shape)
        self.total += np.bincount(flat, weights=s4, minlength=self.total.size).reshape(
            self.total.shape
        )
        self.n_events += int(keep.sum())

    def to_dataset(
        self, *, min_count: int, min_valid_fraction: float, covered: np.ndarray | None = None
    ) -> xr.Dataset:
        """Monthly mean S4max, counts, column density and its ratio as a CF Dataset.

        Parameters
        ----------
        min_count : int
            Bins with fewer events are NaN in the mean (``cosmic.monthly.min_count``).
        min_valid_fraction : float
            Latitude bands with a smaller fraction of valid altitude bins get no
            column density (see :func:`column_density_ratio`;
            ``cosmic.monthly.min_valid_fraction``).
        covered : numpy.ndarray of bool, optional
            Per latitude band, whether the pooled missions observe it
            (:func:`estransport.climatology.coverage.covered_latitudes`); bands
            not observed get no mean and no column density, and do not enter
            the global mean of the ratio. None: every band (COSMIC-1).

        Returns
        -------
        xarray.Dataset
            ``s4max_mean`` and ``count`` on (month, altitude, lat);
            ``column_density`` (km) and ``column_density_ratio`` (1) on (month, lat).
        """
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = self.total / self.count
        mean = np.where(self.count >= min_count, mean, np.nan)
        if covered is not None:
            mean = np.where(np.asarray(covered, bool)[None, None, :], mean, np.nan)
        column, ratio = column_density_ratio(
            mean, self.lat, self.alt_res, min_valid_fraction=min_valid_fraction
        )
        lat, alt = self.lat, self.altitude
        ds = xr.Dataset(
            {
                "s4max_mean": (
                    ("month", "altitude", "lat"),
                    mean.astype(np.float32),
                    {
                        "long_name": "zonal-mean S4max of Es-height occultation events",
                        "units": "1",
                        "cell_methods": "time: mean within month (all years) longitude: mean (events)",
                    },
                ),
                "count": (
                    ("month", "altitude", "lat"),
                    self.count.astype(np.int32),
                    {"long_name": "number of occultation events in the bin", "units": "1"},
                ),
                "column_density": (
                    ("month", "lat"),
                    column.astype(np.float32),
                    {
                        "long_name": "vertical integral of zonal-mean S4max over the Es heights",
                        "units": "km",
                        "comment": "mean of s4max_mean over altitude bins with >= min_count events, times the "
                        "Es layer thickness; NaN where fewer than min_valid_fraction of the bins are valid",
                    },
                ),
                "column_density_ratio": (
                    ("month", "lat"),
                    ratio.astype(np.float32),
                    {
                        "long_name": "column density divided by its cos(latitude)-weighted global mean",
                        "units": "1",
                        "comment": "the cos(latitude)-weighted mean over bands with a column density is 1 in every month",
                    },
                ),
            },
            coords={
                "month": ("month", np.arange(1, 13), {"long_name": "calendar month", "units": "1"}),
                "altitude": (
                    "altitude",
                    alt,
                    {
                        "standard_name": "altitude",
                        "units": "km",
                        "positive": "up",
                        "long_name": "tangent-point altitude (bin centre)",
                    },
                ),
                "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north"}),
            },
        )
        ds.attrs.update(
            {
                "title": "Monthly zonal-mean S4max of COSMIC occultation events at Es heights",
                "n_events": self.n_events,
                "lat_resolution_deg": self.lat_res,
                "alt_resolution_km": self.alt_res,
                "min_count": min_count,
                "min_valid_fraction": min_valid_fraction,
            }
        )
        return ds


def column_density_ratio(
    mean: np.ndarray, lat: np.ndarray, dz_km: float, *, min_valid_fraction: float
) -> tuple[np.ndarray, np.ndarray]:
    """Column density and its ratio to the cos(latitude)-weighted global mean.

    Parameters
    ----------
    mean : numpy.ndarray
        Mean S4max (dimensionless), shape (month, altitude, lat); NaN = too few events.
    lat : numpy.ndarray
        Band-centre latitudes (degrees N), shape (lat,).
    dz_km : float
        Altitude bin height (km).
    min_valid_fraction : float
        Bands with a smaller fraction of valid altitude bins are NaN and excluded
        from the global mean.

    Returns
    -------
    column : numpy.ndarray
        Column density (km): the mean over valid bins times the layer thickness,
        shape (month, lat).
    ratio : numpy.ndarray
        Column density over its area-weighted mean (dimensionless), shape (month, lat).
    """
    valid = np.isfinite(mean)
    fraction = valid.mean(axis=1)
    usable = fraction >= min_valid_fraction
    thickness = mean.shape[1] * dz_km
    with np.errstate(invalid="ignore", divide="ignore"):
        column = np.where(
            usable, np.nansum(mean, axis=1) / np.maximum(valid.sum(axis=1), 1) * thickness, np.nan
        )
        w = np.cos(np.radians(lat))[None, :] * usable
        global_mean = np.nansum(column * w, axis=1, keepdims=True) / w.sum(axis=1, keepdims=True)
        ratio = column / global_mean
    return column, ratio


def grid_monthly(
    paths: Iterable[str | os.PathLike],
    *,
    lat_resolution_deg: float,
    altitude_km: Sequence[float],
    alt_resolution_km: float,
    years: Sequence[int] | None = None,
    progress_every: int = 100,
) -> MonthlyLatAltGrid:
    """Stream daily event tables (Parquet) into a :class:`MonthlyLatAltGrid`.

    Parameters
    ----------
    paths : iterable of path-like
        Event tables with ``time``, ``lattp_s4max``, ``alttp_s4max``, ``s4max``.
    lat_resolution_deg, altitude_km, alt_resolution_km, years
        See :class:`MonthlyLatAltGrid`.
    progress_every : int
        Log progress every this many files.

    Returns
    -------
    MonthlyLatAltGrid
    """
    grid = MonthlyLatAltGrid(
        lat_resolution_deg,
        altitude_km=altitude_km,
        alt_resolution_km=alt_resolution_km,
        years=years,
    )
    for ev in iter_event_batches(paths, MONTH_COLUMNS, progress_every=progress_every):
        grid.add(ev["lattp_s4max"], ev["alttp_s4max"], ev["s4max"], ev["year"], ev["month"])
    return grid


def write_monthly_lat_alt(
    event_paths: Sequence[str | os.PathLike],
    out_path: str | os.PathLike,
    *,
    lat_resolution_deg: float,
    alt_resolution_km: float,
    min_count: int,
    min_valid_fraction: float,
    altitude_km: Sequence[float],
    years: Sequence[int],
    config: Mapping[str, Any] | None = None,
    coverage: Sequence[Any] | None = None,
) -> None:
    """Grid the event tables into the monthly latitude-altitude climatology (CF netCDF).

    Parameters
    ----------
    event_paths : sequence of path-like
        Daily event tables.
    out_path : path-like
        Output ``monthly_lat_alt.nc``.
    lat_resolution_deg, alt_resolution_km, altitude_km
        See :class:`MonthlyLatAltGrid` (``cosmic.monthly``; ``altitude_km`` is the
        Es range ``cosmic.qc.altitude_km`` as (min, max), km).
    min_count, min_valid_fraction
        See :meth:`MonthlyLatAltGrid.to_dataset` (``cosmic.monthly``).
    years : sequence of int
        Configured years (``cosmic.years``).
    config : mapping, optional
        Configuration hashed into the provenance attributes.
    coverage : sequence of estransport.climatology.coverage.Coverage, optional
        The missions whose events are pooled: bands none of them observes are
        blank (see :meth:`MonthlyLatAltGrid.to_dataset`), and the file records
        a ``covered`` flag, the ``missions`` and their ``coverage``. None (the
        paper's COSMIC-1): no masking, nothing recorded.
    """
    from ..io.atomic import write_netcdf
    from ..provenance import provenance_attrs
    from .coverage import apply_coverage, covered_latitudes

    grid = grid_monthly(
        event_paths,
        lat_resolution_deg=lat_resolution_deg,
        altitude_km=altitude_km,
        alt_resolution_km=alt_resolution_km,
        years=years,
    )
    half = grid.lat_res / 2.0
    covered = (
        None if coverage is None else covered_latitudes(grid.lat - half, grid.lat + half, coverage)
    )
    ds = grid.to_dataset(
        min_count=min_count, min_valid_fraction=min_valid_fraction, covered=covered
    )
    if coverage is not None:
        ds = apply_coverage(ds, coverage, variables=())
    ds.attrs.update(provenance_attrs(config, event_paths, step="monthly_lat_alt"))
    ds.attrs["years"] = " ".join(map(str, years))
    write_netcdf(ds, out_path)
    log.info("%s: %d events", out_path, grid.n_events)
