"""This run's numbers next to the paper's: ``results/tables/paper_numbers.csv``.

One row per quantity, with the columns

========== ================================================================
quantity   what is compared (region, months)
value_this_run  this run's value as text (a range "low to high", a band
           "lo–hi°", or "value ± standard error")
paper_value  the paper's value as the paper states it (docs/science.md 2, 5, 6, 7)
units      units of both values
source     the workflow file the value comes from
notes      the definition used
value_low, value_high  this run's value as numbers (equal for a single value)
paper_low, paper_high  the paper's value as numbers (sorted)
========== ================================================================

Definitions (each bound is a ``transport`` config key; the paper's values in brackets)
--------------------------------------------------------------------------------------
**Range** of a field over a region (rows a and b): the low to high percentile
of the values, optionally cos(latitude) area weighted, or the minimum and
maximum (``transport.range``; see :func:`estransport.physics.flux.field_range`).

a. Meridional ion velocity in a region and months (``transport.velocity_region``;
   [107-118 km, 10-60 deg N, June-August]): the range of ``v_ion`` of
   ``residual_drift_monthly.nc`` (the Fe+ drift driven by the zonal-mean
   residual circulation and zonal-mean U), or of the sum of the chosen drift
   parts, over all model points of the region and months.
b. Fe+ meridional flux at the map level (``transport.flux``; [106 km, January
   and July]): the range of the meridional flux map (``flux_106km_range.csv``).
c. Latitude band of flux convergence in a layer (``transport.convergence``;
   [105-115 km, January and July]), each month searched in its summer
   hemisphere: :func:`estransport.physics.flux.convergence_band` of the
   layer-mean zonal-mean convergence.
d. Latitude band of the summer Es maximum: in the summer hemisphere (June-August
   north, December-February south), the contiguous latitude bands around the
   hemispheric maximum of the season-mean column-density ratio where the ratio
   is at least ``transport.es_band.threshold`` (1 = the cos-weighted global
   mean); edges are band edges.
e. Winter-trough S4max: the mean S4max of all events (count-weighted cell
   means) in the cells of ``maps_DJF.nc`` (north) and ``maps_JJA.nc``
   (south) whose centre lies in a geomagnetic-latitude band of the winter
   hemisphere (``transport.winter_trough``; [60-80 deg]; centred dipole of
   IGRF-14 at :func:`estransport.geomag.geomagnetic_epoch` of the configured
   years, as Fig. 2a,b).
f. Ionosonde summer-peak slopes and speeds from ``regression.csv`` (slope ±
   standard error), one row per fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from ..geomag import geomagnetic_epoch, geomagnetic_latitude
from ..physics.flux import (
    DIVERGENCE_UNITS,
    FLUX_UNITS,
    convergence_band,
    convergence_profile,
    cos_lat_weights,
    field_range,
    summer_hemisphere,
)

#: Columns of paper_numbers.csv, in order.
COLUMNS = [
    "quantity",
    "value_this_run",
    "paper_value",
    "units",
    "source",
    "notes",
    "value_low",
    "value_high",
    "paper_low",
    "paper_high",
]

#: The paper's values (Yu et al. 2021, as recorded in docs/science.md): text, low, high.
PAPER = {
    "velocity": ("-1.08 to 7.45", -1.08, 7.45),  # docs/science.md 5 (abstract of the paper)
    "flux_jan": ("-3.3e7 to -2.3e9 (mostly southward)", -2.3e9, -3.3e7),  # docs/science.md 6
    "flux_jul": ("1.6e7 to 4.9e9 (mostly northward)", 1.6e7, 4.9e9),  # docs/science.md 6
    "convergence": ("25–45° (summer hemisphere)", 25.0, 45.0),  # docs/science.md 6
    "es_band": ("10–60°", 10.0, 60.0),  # docs/science.md 2
    "trough": ("< 0.3", 0.0, 0.3),  # docs/science.md 2 (S4max is non-negative)
}
#: The paper's ionosonde fits (docs/science.md 7): slope (deg/day) ± se, speed (m/s) ± se.
PAPER_FITS = {
    "Greenwich": ((8.06, 0.15), (10.35, 0.19)),
    "120E": ((0.99, 0.29), (1.27, 0.37)),
    "all": ((3.16, 0.13), (4.06, 0.17)),
}
#: Hemispheric summer months (June-August north, December-February south).
SUMMER_MONTHS = {"N": (6, 7, 8), "S": (12, 1, 2)}
_HEMI = {"N": "°N", "S": "°S"}


def _fmt(x: float, digits: int = 3) -> str:
    """A number as short text: ``digits`` significant digits, or e-notation (2 digits) if large or small."""
    if not np.isfinite(x):
        return "nan"
    if x != 0 and (abs(x) >= 1e4 or abs(x) < 1e-2):
        return f"{x:.2g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
    return f"{x:.{digits}g}"


def _range_label(method: str, percentiles: Sequence[float], area_weighted: bool) -> str:
    """Words for the range definition in use (``transport.range``)."""
    if method == "minmax":
        return "min–max"
    w = ", cos(lat) weighted" if area_weighted else ""
    return f"{percentiles[0]:g}th–{percentiles[1]:g}th percentile{w}"


def _row(quantity, lo, hi, paper_key_or_tuple, units, source, notes, text=None):
    """One table row; ``paper_key_or_tuple`` is a :data:`PAPER` key or a (text, low, high) tuple."""
    paper = PAPER[paper_key_or_tuple] if isinstance(paper_key_or_tuple, str) else paper_key_or_tuple
    return {
        "quantity": quantity,
        "value_this_run": text if text is not None else f"{_fmt(lo)} to {_fmt(hi)}",
        "paper_value": paper[0],
        "units": units,
        "source": source,
        "notes": notes,
        "value_low": float(lo),
        "value_high": float(hi),
        "paper_low": float(paper[1]),
        "paper_high": float(paper[2]),
    }


def velocity_rows(
    drift: xr.Dataset,
    *,
    altitude_km: Sequence[float],
    lat_deg: Sequence[float],
    months: Sequence[int],
    drivers: Sequence[str] | None,
    range_method: str,
    percentiles: Sequence[float],
    area_weighted: bool,
    source: str = "results/drift/residual_drift_monthly.nc",
) -> list[dict]:
    """Row (a): range of the meridional ion velocity in the summer region.

    Parameters
    ----------
    drift : xarray.Dataset
        Residual-circulation drift (``v_ion`` or ``v_ion_by_driver`` in m s-1
        on month, altitude, lat).
    altitude_km, lat_deg : (float, float)
        The region: altitude (km) and latitude (degrees north) ranges, ends
        included (``transport.velocity_region``).
    months : sequence of int
        Calendar months of the region (those missing from ``drift`` are left out).
    drivers : sequence of str or None
        Drift parts summed (``U``, ``V``, ``W``); None = the total ``v_ion``.
    range_method, percentiles, area_weighted
        The range definition (``transport.range``; :func:`estransport.physics.flux.field_range`,
        cos(latitude) weights when ``area_weighted``).
    source : str
        Workflow file named in the row.

    Returns
    -------
    list of dict
        One row, m s-1.
    """
    a0, a1 = float(altitude_km[0]), float(altitude_km[1])
    l0, l1 = float(lat_deg[0]), float(lat_deg[1])
    months = [int(m) for m in months]
    v = (
        drift["v_ion"]
        if drivers is None
        else drift["v_ion_by_driver"].sel(driver=list(drivers)).sum("driver")
    )
    have = [m for m in months if m in set(int(x) for x in v["month"].values)]
    sub = v.sel(month=have, altitude=slice(a0, a1), lat=slice(l0, l1))
    weights = cos_lat_weights(sub).values if area_weighted else None
    lo, hi = (
        field_range(sub.values, weights, method=range_method, percentiles=tuple(percentiles))
        if sub.size
        else (np.nan, np.nan)
    )
    parts = (
        "all drift parts (U, v*, w*)" if drivers is None else "drift driven by " + "+".join(drivers)
    )
    label = _range_label(range_method, percentiles, area_weighted)
    return [
        _row(
            f"meridional ion velocity, {a0:g}–{a1:g} km, {l0:g}–{l1:g}°N, months {','.join(map(str, have))}",
            lo,
            hi,
            "velocity",
            "m s-1",
            source,
            f"{label} over {sub.size} model points; {parts} of the zonal-mean residual circulation",
        )
    ]


def flux_rows(
    ranges: pd.DataFrame,
    *,
    months: Sequence[int],
    source: str = "results/flux/flux_106km_range.csv",
) -> list[dict]:
    """Rows (b): range of the meridional Fe+ flux at the map level, January and July.

    Parameters
    ----------
    ranges : pandas.DataFrame
        :func:`estransport.physics.flux.flux_range_table` (m-2 s-1).
    months : sequence of int
        Months reported (``transport.flux.months``; the paper: 1 and 7; other
        months have no paper value).
    source : str
        Workflow file named in the rows.

    Returns
    -------
    list of dict
        One row per month, m-2 s-1.
    """
    rows = []
    for m in months:
        r = ranges.loc[ranges["month"] == m]
        if r.empty:
            raise ValueError(f"month {m} is not in the flux range table")
        r = r.iloc[0]
        key = {1: "flux_jan", 7: "flux_jul"}.get(int(m))
        paper = PAPER[key] if key else ("not given", np.nan, np.nan)
        name = pd.Timestamp(2000, int(m), 1).strftime("%B")
        rows.append(
            _row(
                f"Fe+ meridional flux at {r['level_km']:g} km, {name}",
                r["flux_north_low"],
                r["flux_north_high"],
                paper,
                FLUX_UNITS,
                source,
                f"{r['range_method']} of the monthly-mean map; southward over "
                f"{100 * r['southward_area_fraction']:.0f}% of the area; min {_fmt(r['flux_north_min'])}, "
                f"max {_fmt(r['flux_north_max'])}",
            )
        )
    return rows


def convergence_rows(
    flux: xr.Dataset,
    *,
    altitude_km: Sequence[float],
    months: Sequence[int],
    component: str,
    threshold: float,
    source: str = "results/flux/fe_flux.nc",
) -> list[dict]:
    """Rows (c): latitude band of Fe+ flux convergence in the summer hemisphere.

    Parameters
    ----------
    flux : xarray.Dataset
        :func:`estransport.physics.flux.compute_fe_flux` output.
    altitude_km : (float, float)
        Layer averaged, km.
    months : sequence of int
        Months reported, each searched in its summer hemisphere.
    component : {"meridional", "total"}
        See :func:`estransport.physics.flux.convergence_profile`.
    threshold : float
        Band edge as a fraction of the hemispheric maximum
        (:func:`estransport.physics.flux.convergence_band`).
    source : str
        Workflow file named in the rows.

    Returns
    -------
    list of dict
        One row per month, degrees (absolute latitude in the summer hemisphere).
    """
    layer = (float(altitude_km[0]), float(altitude_km[1]))
    comp = component
    thr = float(threshold)
    rows = []
    for m in months:
        hemi = summer_hemisphere(int(m))
        prof = convergence_profile(flux, int(m), layer, component=comp)
        band = convergence_band(prof, hemi, threshold=thr)
        name = pd.Timestamp(2000, int(m), 1).strftime("%B")
        text = (
            f"{band['lat_low']:.0f}–{band['lat_high']:.0f}{_HEMI[hemi]} "
            f"(peak {band['lat_peak']:.0f}{_HEMI[hemi]})"
        )
        rows.append(
            _row(
                f"latitude band of Fe+ flux convergence, {layer[0]:g}–{layer[1]:g} km, {name} "
                f"(summer hemisphere {hemi})",
                band["lat_low"],
                band["lat_high"],
                "convergence",
                "degree",
                source,
                f"{comp} convergence of the zonal-mean flux, layer mean; band where it is >= "
                f"{thr:g} x its hemispheric maximum ({_fmt(band['peak'])} {DIVERGENCE_UNITS})",
                text=text,
            )
        )
    return rows


def es_band_rows(
    monthly: xr.Dataset, *, threshold: float, source: str = "results/occultation/monthly_lat_alt.nc"
) -> list[dict]:
    """Rows (d): latitude band of the summer Es maximum in each hemisphere.

    Parameters
    ----------
    monthly : xarray.Dataset
        Monthly climatology with ``column_density_ratio`` (1) on (month, lat)
        and attribute ``lat_resolution_deg``.
    threshold : float
        Lowest column-density ratio inside the band (1 = the global mean).
    source : str
        Workflow file named in the rows.

    Returns
    -------
    list of dict
        Rows for the northern (June-August) and southern (December-February)
        summer, degrees (absolute latitude).
    """
    ratio = monthly["column_density_ratio"]
    lat = monthly["lat"].values
    res = float(monthly.attrs.get("lat_resolution_deg", np.median(np.diff(lat))))
    rows = []
    for hemi, months in SUMMER_MONTHS.items():
        prof = ratio.sel(month=list(months)).mean("month", skipna=True).values
        sel = lat > 0 if hemi == "N" else lat < 0
        x, y = np.abs(lat[sel]), prof[sel]
        order = np.argsort(x)
        x, y = x[order], y[order]
        lo = hi = peak = np.nan
        if np.isfinite(y).any() and np.nanmax(y) >= threshold:
            k = int(np.nanargmax(y))
            i = j = k
            while i > 0 and np.isfinite(y[i - 1]) and y[i - 1] >= threshold:
                i -= 1
            while j < y.size - 1 and np.isfinite(y[j + 1]) and y[j + 1] >= threshold:
                j += 1
            lo, hi, peak = max(x[i] - res / 2, 0.0), min(x[j] + res / 2, 90.0), x[k]
        season = "June–August" if hemi == "N" else "December–February"
        rows.append(
            _row(
                f"latitude band of the summer Es maximum, {season} ({'north' if hemi == 'N' else 'south'})",
                lo,
                hi,
                "es_band",
                "degree",
                source,
                f"contiguous latitude bands around the hemispheric maximum (at {peak:g}{_HEMI[hemi]}) of the "
                f"season-mean column-density ratio with ratio >= {threshold:g}",
                text=f"{lo:.0f}–{hi:.0f}{_HEMI[hemi]}",
            )
        )
    return rows


def winter_trough_rows(
    maps: Mapping[str, xr.Dataset], *, years: Sequence[int], maglat_deg: Sequence[float]
) -> list[dict]:
    """Rows (e): mean S4max along the winter-hemisphere geomagnetic-latitude band.

    Parameters
    ----------
    maps : mapping
        ``{"DJF": maps_DJF, "JJA": maps_JJA}`` seasonal map datasets
        (``s4max_mean``, ``count`` on season, lat, lon).
    years : sequence of int
        Configured years (:func:`estransport.geomag.geomagnetic_epoch`, as Fig. 2a,b).
    maglat_deg : (float, float)
        Absolute geomagnetic latitude band, degrees (``transport.winter_trough``).

    Returns
    -------
    list of dict
        Rows for northern winter (DJF) and southern winter (JJA); S4max (1).
    """
    epoch = geomagnetic_epoch(years)
    rows = []
    for season, sign in (("DJF", 1.0), ("JJA", -1.0)):
        ds = maps[season]
        mean = ds["s4max_mean"].isel(season=0).values.astype(float)
        count = ds["count"].isel(season=0).values.astype(float)
        glat, glon = np.meshgrid(ds["lat"].values, ds["lon"].values, indexing="ij")
        mlat = geomagnetic_latitude(glat, glon, epoch) * sign
        band = (mlat >= maglat_deg[0]) & (mlat <= maglat_deg[1]) & np.isfinite(mean) & (count > 0)
        n = count[band].sum()
        value = float((mean[band] * count[band]).sum() / n) if n > 0 else np.nan
        cmax = float(mean[band].max()) if band.any() else np.nan
        hemi = "north" if sign > 0 else "south"
        rows.append(
            _row(
                f"winter-trough S4max, {maglat_deg[0]:g}–{maglat_deg[1]:g}° geomagnetic latitude, {season} ({hemi})",
                value,
                value,
                "trough",
                "1",
                f"results/occultation/maps_{season}.nc",
                f"mean S4max of the {int(n)} events in {int(band.sum())} cells whose centre lies in the band "
                f"(centred dipole, IGRF-14 {epoch.year}); highest cell mean {_fmt(cmax)}",
                text=_fmt(value),
            )
        )
    return rows


#: How each estimator's rows are described (docs/science.md §10).
ESTIMATOR_NOTES = {
    "paper": "latitude against mean peak DOY (the paper's method)",
    "station_year": "latitude against station-year peak DOY",
    "inverse": "mean peak DOY against absolute latitude, drift = reciprocal slope (bias-corrected)",
    "eiv": "York/ODR line of mean peak DOY and absolute latitude with station SEs",
}


def ionosonde_rows(
    regression: pd.DataFrame, *, source: str = "results/ionosonde/regression.csv"
) -> list[dict]:
    """Rows (f): latitude-versus-peak-DOY slopes and speeds of each fit.

    Parameters
    ----------
    regression : pandas.DataFrame
        :func:`estransport.ionosonde.regression.fits_table` (``fit``,
        ``slope_deg_per_day``, ``slope_se_deg_per_day``, ``speed_m_per_s``,
        ``speed_se_m_per_s``, ``r``, ``p_value``, ``n_points``, ``estimator``,
        ``default``, ``interval``, the bootstrap and analytic intervals); a table
        without ``estimator`` is the paper's method alone.

    Returns
    -------
    list of dict
        Two rows per fit and estimator: slope (degree day-1) and speed (m s-1). The
        configured estimator's rows come first; the rows of the paper's method, when it
        is not the configured one, say so in the quantity.
    """
    rows = []
    for _, r in regression.iterrows():
        fit = str(r["fit"])
        paper = PAPER_FITS.get(fit)
        label = {"all": "all stations"}.get(fit, f"{fit} chain")
        estimator = str(r.get("estimator", "paper"))
        default = bool(r.get("default", True))
        if not default:
            label += ", the paper's method" if estimator == "paper" else f", {estimator} fit"
        stats = f"r = {r['r']:.2f}, p = {r['p_value']:.2g}, {int(r['n_points'])} points"
        kind_ci = str(r.get("interval", "bootstrap"))
        has_ci = "slope_ci_low_deg_per_day" in r and "ci_level" in r
        for kind, units, k in (("slope", "degree day-1", 0), ("speed", "m s-1", 1)):
            unit_col = "deg_per_day" if kind == "slope" else "m_per_s"
            val = float(r[f"{kind}_{unit_col}"])
            se = float(r[f"{kind}_se_{unit_col}"])
            lo = hi = np.nan
            if kind_ci == "analytic" and "analytic_ci_low_deg_per_day" in r:
                prefix = "analytic_" if kind == "slope" else "analytic_speed_"
                lo, hi = (float(r[f"{prefix}ci_{e}_{unit_col}"]) for e in ("low", "high"))
            elif has_ci:
                lo, hi = (float(r[f"{kind}_ci_{e}_{unit_col}"]) for e in ("low", "high"))
            if paper is not None:
                pv, pse = paper[k]
                ptxt = (f"{pv:g} ± {pse:g}", pv, pv)
            else:
                ptxt = ("not in the paper", np.nan, np.nan)
            text = (
                f"{_fmt(val)} ± {_fmt(se, 2)}"
                if np.isfinite(val)
                else f"no fit ({int(r['n_points'])} points)"
            )
            interval = ""
            if has_ci and np.isfinite(lo):
                ci = f"[{_fmt(lo)}, {_fmt(hi) if np.isfinite(hi) else 'unbounded'}]"
                interval = f"{100 * float(r['ci_level']):g} % {kind_ci} interval {ci}; "
            rows.append(
                _row(
                    f"ionosonde summer-peak {kind}, {label}",
                    val,
                    val,
                    ptxt,
                    units,
                    source,
                    f"{ESTIMATOR_NOTES.get(estimator, estimator)}; ± standard error; "
                    f"{interval}{stats}",
                    text=text,
                )
            )
    return rows


def build_paper_numbers(
    *,
    residual_drift: xr.Dataset,
    flux: xr.Dataset,
    flux_ranges: pd.DataFrame,
    monthly: xr.Dataset,
    maps: Mapping[str, xr.Dataset],
    regression: pd.DataFrame | None,
    years: Sequence[int],
    range_method: str,
    range_percentiles: Sequence[float],
    range_area_weighted: bool,
    velocity_altitude_km: Sequence[float],
    velocity_lat_deg: Sequence[float],
    velocity_months: Sequence[int],
    velocity_drivers: Sequence[str] | None,
    flux_months: Sequence[int],
    convergence_altitude_km: Sequence[float],
    convergence_months: Sequence[int],
    convergence_component: str,
    convergence_threshold: float,
    es_band_threshold: float,
    trough_maglat_deg: Sequence[float],
) -> pd.DataFrame:
    """Assemble every row of ``paper_numbers.csv`` (see the module notes).

    Parameters
    ----------
    residual_drift, flux, flux_ranges, monthly, maps
        The workflow products: ``residual_drift_monthly.nc``, ``fe_flux.nc``
        (``divergence_meridional_zm``, ``convergence_zm``), ``flux_106km_range.csv``,
        ``monthly_lat_alt.nc`` and ``{"DJF": maps_DJF.nc, "JJA": maps_JJA.nc}``.
    regression : pandas.DataFrame or None
        Ionosonde ``regression.csv``; rows f only when given.
    years : sequence of int
        COSMIC years (dipole epoch of row e).
    range_method, range_percentiles, range_area_weighted
        ``transport.range`` (row a; rows b come with their range in ``flux_ranges``).
    velocity_altitude_km, velocity_lat_deg, velocity_months, velocity_drivers
        ``transport.velocity_region`` (row a; :func:`velocity_rows`).
    flux_months : sequence of int
        ``transport.flux.months`` (rows b).
    convergence_altitude_km, convergence_months, convergence_component, convergence_threshold
        ``transport.convergence`` (rows c; :func:`convergence_rows`).
    es_band_threshold : float
        ``transport.es_band.threshold`` (rows d).
    trough_maglat_deg : (float, float)
        ``transport.winter_trough.geomagnetic_lat_deg`` (rows e).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`.
    """
    rows = []
    rows += velocity_rows(
        residual_drift,
        altitude_km=velocity_altitude_km,
        lat_deg=velocity_lat_deg,
        months=velocity_months,
        drivers=velocity_drivers,
        range_method=range_method,
        percentiles=range_percentiles,
        area_weighted=range_area_weighted,
    )
    rows += flux_rows(flux_ranges, months=flux_months)
    rows += convergence_rows(
        flux,
        altitude_km=convergence_altitude_km,
        months=convergence_months,
        component=convergence_component,
        threshold=convergence_threshold,
    )
    rows += es_band_rows(monthly, threshold=es_band_threshold)
    rows += winter_trough_rows(maps, years=years, maglat_deg=trough_maglat_deg)
    if regression is not None:
        rows += ionosonde_rows(regression)
    return pd.DataFrame(rows, columns=COLUMNS)
