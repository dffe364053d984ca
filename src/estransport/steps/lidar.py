"""Steps of the metal-ion-cloud rules (``workflow/rules/lidar.smk``; docs/science.md §9).

Each step reads the ``lidar`` config sections its rule passes as params and
calls the library with explicit keyword arguments:

* :func:`lidar_synthetic_column` - the embedded default model: hourly WACCM-X
  column files with the planted tides (:mod:`estransport.synthetic.waccmx_column`);
* :func:`lidar_synthetic` - the embedded default lidar nights with planted clouds
  (:mod:`estransport.synthetic.lidar`);
* :func:`lidar_profiles` - lidar files (Madrigal HDF5 or canonical) -> one
  canonical profile series;
* :func:`lidar_cloud_tracks` - detections, tracks, the detection summary;
* :func:`lidar_column_state` - history files -> the model state over the lidar;
* :func:`lidar_column_drift` - the ion drift there and its convergence nodes;
* :func:`lidar_descent_prediction` - trajectories from each track's first
  detection, observed against predicted;
* :func:`lidar_es_epoch` - superposed-epoch foEs and h'Es at the nearest ionosonde;
* :func:`fig_mic_time_altitude`, :func:`fig_mic_descent_rates`,
  :func:`fig_mic_es_epoch` - the three figures.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import ConfigError, InputFileError
from ..io.atomic import write_csv, write_netcdf
from ..io.datasets import open_dataset, read_csv, read_parquet
from ..lidar.detection import DetectionSettings
from ..lidar.superposed import EpochSettings
from ..lidar.tracking import TrackingSettings
from ..provenance import provenance_attrs
from ..synthetic.tides import PlantedTides, TideComponent, draw_day_variability
from . import RuleJob

log = logging.getLogger(__name__)

#: Altitude of the background column of the synthetic generators: 0.5 km steps up to
#: 400 km, above the model top (lidar.model.synthetic.top_km <= 390 km).
_COLUMN_ALTITUDES_KM = np.arange(0.0, 400.5, 0.5)
#: The Es characteristics of the superposed-epoch analysis: column of the hourly
#: table, units, and the sense of the test (a foEs rise; h'Es either way).
ES_CHARACTERISTICS = (("foEs", "foEs_MHz", "MHz", "greater"), ("h'Es", "hEs_km", "km", "two-sided"))
#: Largest distance (degrees) between the configured station and the files' station.
STATION_TOLERANCE_DEG = 0.5
#: The synthetic ionosonde gets the planted Es response only within this distance of
#: the lidar (km): the planted clouds are local to the lidar, and a test registry whose
#: nearest station is far away should not be changed by them.
ES_RESPONSE_MAX_KM = 500.0
#: Mean Earth radius for great-circle distances, km (IUGG mean radius R1 = 6371.0088 km).
EARTH_RADIUS_KM = 6371.0088


# --------------------------------------------------------------------------------------
# config -> library arguments
# --------------------------------------------------------------------------------------


def parse_dates(values: Sequence, key: str) -> list[dt.date]:
    """ISO date strings (or YAML dates) -> dates, naming the config key on error."""
    out = []
    for v in values:
        if isinstance(v, dt.date):
            out.append(v)
            continue
        try:
            out.append(dt.date.fromisoformat(str(v)))
        except ValueError:
            raise ConfigError(key, f"{v!r} is not an ISO date YYYY-MM-DD") from None
    return out


def planted_tides(tides: Mapping, *, seed: int, n_days: int) -> PlantedTides:
    """:class:`PlantedTides` from ``lidar.synthetic.tides`` and the seed."""
    shifts, factors = draw_day_variability(
        seed,
        n_days,
        shift_sd_h=float(tides["day_shift_sd_h"]),
        factor_sd=float(tides["day_factor_sd"]),
    )
    comp = {
        name: TideComponent(harmonic=h, **{k: float(v) for k, v in tides[name].items()})
        for name, h in (("diurnal", 1), ("semidiurnal", 2))
    }
    return PlantedTides(
        ref_km=float(tides["ref_km"]),
        diurnal=comp["diurnal"],
        semidiurnal=comp["semidiurnal"],
        mean_u_m_s=float(tides["mean_u_m_s"]),
        mean_v_m_s=float(tides["mean_v_m_s"]),
        day_shift_h=shifts,
        day_factor=factors,
    )


def synthetic_period(synthetic: Mapping) -> tuple[list[dt.date], dt.date, int]:
    """(nights, first night, days from the first to the last night inclusive)."""
    nights = sorted(parse_dates(synthetic["nights"], "lidar.synthetic.nights"))
    return nights, nights[0], (nights[-1] - nights[0]).days + 1


def _station_column(
    station: Mapping,
    nights: list[dt.date],
    msis: Mapping,
    *,
    ion_mass_u: float,
    momentum_transfer: bool,
):
    from ..synthetic.tides import station_column

    mid = nights[0] + (nights[-1] - nights[0]) / 2
    return station_column(
        _COLUMN_ALTITUDES_KM,
        lat=float(station["lat"]),
        lon=float(station["lon"]),
        date=mid,
        f107=float(msis["f107"]),
        f107a=float(msis["f107a"]),
        ap=float(msis["ap"]),
        ion_mass_u=float(ion_mass_u),
        momentum_transfer=bool(momentum_transfer),
    )


def detection_settings(detection: Mapping) -> DetectionSettings:
    """``lidar.detection`` -> :class:`DetectionSettings`."""
    return DetectionSettings(
        base_km=float(detection["base_km"]),
        top_km=float(detection["top_km"]),
        false_alarm_per_profile=float(detection["false_alarm_per_profile"]),
        background_window_h=float(detection["background_window_h"]),
        min_background_profiles=int(detection["min_background_profiles"]),
        extent_sigma=float(detection["extent_sigma"]),
        noise=str(detection["noise"]),
    )


def tracking_settings(lidar: Mapping) -> TrackingSettings:
    """``lidar.tracking`` and the altitudes of ``lidar`` -> :class:`TrackingSettings`."""
    tr, det = lidar["tracking"], lidar["detection"]
    return TrackingSettings(
        max_gap_min=float(tr["max_gap_min"]),
        max_rate_km_per_h=float(tr["max_rate_km_per_h"]),
        gate_km=float(tr["gate_km"]),
        min_detections=int(tr["min_detections"]),
        continuation_floor_km=float(tr["continuation_floor_km"]),
        base_km=float(det["base_km"]),
        false_alarm_per_profile=float(det["false_alarm_per_profile"]),
        extent_sigma=float(det["extent_sigma"]),
        arrival_km=float(lidar["es"]["arrival_altitude_km"]),
        main_layer_km=float(lidar["main_layer_km"]),
        main_layer_halfwidth_km=float(lidar["main_layer_halfwidth_km"]),
    )


def epoch_settings(es: Mapping) -> EpochSettings:
    """``lidar.es`` -> :class:`EpochSettings`."""
    return EpochSettings(
        lags_h=tuple(int(v) for v in es["lags_h"]),
        baseline_h=tuple(int(v) for v in es["baseline_h"]),
        response_h=tuple(int(v) for v in es["response_h"]),
        n_random=int(es["n_random"]),
        random_window_days=int(es["random_window_days"]),
        alpha=float(es["alpha"]),
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (km) on a sphere of radius :data:`EARTH_RADIUS_KM`."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon1 - lon2)
    )
    return EARTH_RADIUS_KM * math.acos(max(-1.0, min(1.0, c)))


def nearest_station(stations: Mapping[str, tuple[float, float]], lat: float, lon: float) -> str:
    """Code of the station nearest (great circle) to (lat, lon).

    Parameters
    ----------
    stations : mapping
        Code -> (lat, lon) in degrees.
    lat, lon : float
        Degrees.

    Returns
    -------
    str
    """
    if not stations:
        raise ConfigError("ionosonde.stations", "no ionosonde station to link the lidar to")
    return min(stations, key=lambda c: distance_km(lat, lon, *stations[c]))


def _write_nc(ds: xr.Dataset, path) -> None:
    """Write ``ds`` (atomic, CF-1.8) with its times as double seconds since 1970 (UTC).

    ``time`` and ``time_bnds`` get one unit, so the bounds agree with their coordinate
    (CF-1.8 §7.1); the encodings go through ``write_netcdf``'s ``encoding`` argument,
    which replaces a variable's own ``.encoding``.
    """
    enc = {
        name: {
            "units": "seconds since 1970-01-01 00:00:00",
            "calendar": "standard",
            "dtype": "float64",
        }
        for name in ("time", "time_bnds")
        if name in ds.variables and np.issubdtype(ds[name].dtype, np.datetime64)
    }
    write_netcdf(ds, path, encoding=enc)


def _times_csv(df: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO 8601 UTC text with a Z (units stated in the value)."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(out[c].notna(), "")
    return out


def _read_table(path, time_columns: Sequence[str]) -> pd.DataFrame:
    df = read_csv(path)
    for c in time_columns:
        if c in df:
            df[c] = pd.to_datetime(df[c], utc=True).dt.tz_localize(None)
    return df


# --------------------------------------------------------------------------------------
# synthetic inputs
# --------------------------------------------------------------------------------------


def lidar_synthetic_column(job: RuleJob) -> None:
    """Rule lidar_synthetic_column: hourly WACCM-X column files with the planted tides.

    Reads ``job.params.synthetic`` (``lidar.synthetic``: nights, tides),
    ``job.params.model`` (``lidar.model.synthetic``), ``job.params.station``,
    ``job.params.msis`` (``model.msis``), ``job.params.ion`` (mass and collision
    form) and ``job.params.seed``; writes ``job.output.history`` (one file per
    night, names as :func:`estransport.synthetic.waccmx_column.history_file_names`)
    and ``job.output.truth`` (the planted winds and drift at the station).
    """
    from ..synthetic.tides import planted_drift_field, planted_winds
    from ..synthetic.waccmx_column import ColumnGrid, history_file_names, write_column_history

    syn, model, station = job.params.synthetic, job.params.model, job.params.station
    nights, start, n_days = synthetic_period(syn)
    tides = planted_tides(syn["tides"], seed=int(job.params.seed), n_days=n_days)
    column = _station_column(station, nights, job.params.msis, **job.params.ion)
    grid = ColumnGrid(
        case=str(model["case"]),
        lat=float(station["lat"]),
        lon=float(station["lon"]),
        step_deg=float(model["step_deg"]),
        top_km=float(model["top_km"]),
        dlnp_upper=float(model["dlnp_upper"]),
        dlnp_lower=float(model["dlnp_lower"]),
    )
    outputs = [Path(p) for p in job.output.history]
    names = history_file_names(grid.case, nights)
    if [p.name for p in outputs] != names:
        raise ValueError(
            f"outputs {[p.name for p in outputs]} do not match the generator's {names}"
        )
    write_column_history(
        outputs[0].parent,
        days=nights,
        grid=grid,
        tides=tides,
        column=column,
        ut_offset_hours=[(d - start).days * 24.0 for d in nights],
    )
    # the planted truth at the station, hourly over the whole period, on 1-km levels
    hours = np.arange(0.0, 24.0 * n_days)
    z = np.arange(80.0, grid.top_km + 0.5, 1.0)
    pick = np.searchsorted(column.altitude_km, z)
    u, v = planted_winds(z[None, :], hours[:, None], grid.lon, tides)
    w = planted_drift_field(column, hours, lon=grid.lon, tides=tides)[:, pick]
    times = np.datetime64(start.isoformat(), "ns") + (hours * 3600e9).astype("timedelta64[ns]")
    truth = xr.Dataset(
        {
            "U": (
                ("time", "altitude"),
                u,
                {"units": "m s-1", "long_name": "planted eastward wind"},
            ),
            "V": (
                ("time", "altitude"),
                v,
                {"units": "m s-1", "long_name": "planted northward wind"},
            ),
            "w_planted": (
                ("time", "altitude"),
                w,
                {
                    "units": "m s-1",
                    "long_name": "planted upward ion drift (generator's own A5, estransport.synthetic.tides)",
                },
            ),
            "r_i": ("altitude", column.r[pick], {"units": "1", "long_name": "planted r_i"}),
            "inclination": (
                "altitude",
                column.inclination_deg[pick],
                {
                    "units": "degree",
                    "long_name": "magnetic inclination (IGRF-14, downward positive)",
                },
            ),
            "declination": (
                "altitude",
                column.declination_deg[pick],
                {"units": "degree", "long_name": "magnetic declination (IGRF-14, east of north)"},
            ),
        },
        coords={
            "time": ("time", times, {"long_name": "time (UTC)"}),
            "altitude": ("altitude", z, {"units": "km", "long_name": "geometric altitude"}),
        },
        attrs={
            **provenance_attrs(
                {"synthetic": syn, "model": model, "station": station},
                step="lidar_synthetic_column",
            ),
            "title": "planted truth of the synthetic WACCM-X column (lidar slice)",
            **{f"tide_{k}": v for k, v in tides.as_attrs().items()},
        },
    )
    _write_nc(truth, job.output.truth)


def lidar_synthetic(job: RuleJob) -> None:
    """Rule lidar_synthetic: synthetic lidar nights with planted clouds, and the planted truth.

    Reads ``job.params.synthetic`` (``lidar.synthetic``), ``job.params.station``,
    ``job.params.format``, ``job.params.species``, ``job.params.msis``,
    ``job.params.ion``, ``job.params.arrival_km`` and ``job.params.seed``; writes
    ``job.output.nights`` (one file per clear night) and ``job.output.mics``
    (``planted_mics.csv``; ``planted_paths.csv`` and ``planted_nodes.csv`` go
    beside it).
    """
    from ..synthetic.lidar import (
        LidarInstrument,
        LidarSite,
        PlantedClouds,
        PlantedLayers,
        Sky,
        night_file_name,
        write_synthetic_lidar,
    )

    syn, station = job.params.synthetic, job.params.station
    nights, start, n_days = synthetic_period(syn)
    cloudy = set(parse_dates(syn["cloudy_nights"], "lidar.synthetic.cloudy_nights"))
    site = LidarSite(
        name=str(station["name"]),
        lat=float(station["lat"]),
        lon=float(station["lon"]),
        altitude_km=float(station["altitude_km"]),
    )
    ins = syn["instrument"]
    instrument = LidarInstrument(
        altitude_min_km=float(ins["altitude_km"]["min"]),
        altitude_max_km=float(ins["altitude_km"]["max"]),
        altitude_step_km=float(ins["altitude_km"]["step"]),
        profile_minutes=float(ins["profile_minutes"]),
        signal_counts_per_cm3=float(ins["signal_counts_per_cm3"]),
        reference_km=float(ins["reference_km"]),
        background_counts=float(ins["background_counts"]),
        background_bins=int(ins["background_bins"]),
        dark_elevation_deg=float(ins["dark_elevation_deg"]),
    )
    layers = PlantedLayers(**{k: float(v) for k, v in syn["layers"].items()})
    c = syn["clouds"]
    clouds = PlantedClouds(
        per_night=int(c["per_night"]),
        birth_altitude_km=tuple(float(v) for v in c["birth_altitude_km"]),
        birth_window_h=tuple(float(v) for v in c["birth_window_h"]),
        peak_cm3=tuple(float(v) for v in c["peak_cm3"]),
        thickness_km=tuple(float(v) for v in c["thickness_km"]),
        lifetime_h=tuple(float(v) for v in c["lifetime_h"]),
        rise_h=float(c["rise_h"]),
        merge_km=float(c["merge_km"]),
        min_separation_km=float(c["min_separation_km"]),
        max_attempts=int(c["max_attempts"]),
    )
    sky = Sky(
        cloudy_nights=tuple(sorted(cloudy)),
        gap_probability=float(syn["gap_probability"]),
        gap_hours=tuple(float(v) for v in syn["gap_hours"]),
    )
    fmt = str(job.params.format)
    by_name = {night_file_name(site, n, fmt): n for n in nights if n not in cloudy}
    outputs = {}
    for p in job.output.nights:
        name = Path(p).name
        if name not in by_name:
            raise ValueError(
                f"output {p} is not a clear night of the generator ({sorted(by_name)})"
            )
        outputs[by_name[name]] = p
    tides = planted_tides(syn["tides"], seed=int(job.params.seed), n_days=n_days)
    column = _station_column(station, nights, job.params.msis, **job.params.ion)
    mics = write_synthetic_lidar(
        outputs=outputs,
        truth_dir=Path(job.output.mics).parent,
        nights=nights,
        period_start=start,
        fmt=fmt,
        species=str(job.params.species),
        site=site,
        instrument=instrument,
        layers=layers,
        clouds=clouds,
        sky=sky,
        tides=tides,
        column=column,
        arrival_km=float(job.params.arrival_km),
        seed=int(job.params.seed),
    )
    log.info(
        "planted %d clouds on %d nights (%d observed, %d arriving below %s km)",
        len(mics),
        len(nights),
        int(mics["observed"].sum()) if len(mics) else 0,
        int(mics["arrival_time"].notna().sum()) if len(mics) else 0,
        job.params.arrival_km,
    )


# --------------------------------------------------------------------------------------
# lidar analysis
# --------------------------------------------------------------------------------------


def lidar_profiles(job: RuleJob) -> None:
    """Rule lidar_profiles: lidar files -> one canonical profile series (``profiles.nc``).

    Reads ``job.input.raw`` (files of ``job.params.format``), ``job.params.species``,
    ``job.params.madrigal`` and ``job.params.station`` (the files' station must
    lie within 0.5 degree of it); writes ``job.output.profiles``.
    """
    from ..lidar.canonical import merge_profiles, read_canonical
    from ..lidar.madrigal import read_madrigal_lidar

    paths = sorted(str(p) for p in job.input.raw)
    fmt = str(job.params.format)
    if fmt == "madrigal":
        parts = [
            read_madrigal_lidar(
                p,
                density_parameter=job.params.madrigal["density_parameter"],
                species=str(job.params.species),
            )
            for p in paths
        ]
    elif fmt == "canonical":
        parts = [read_canonical(p) for p in paths]
    else:
        raise ConfigError("lidar.format", f"unknown format {fmt!r}")
    st = job.params.station
    for ds, p in zip(parts, paths, strict=True):
        dlat = abs(float(ds.attrs["station_latitude"]) - float(st["lat"]))
        dlon = abs((float(ds.attrs["station_longitude"]) - float(st["lon"]) + 180) % 360 - 180)
        if max(dlat, dlon) > STATION_TOLERANCE_DEG:
            raise InputFileError(
                p,
                f"station ({ds.attrs['station_latitude']}, "
                f"{ds.attrs['station_longitude']}) is more than "
                f"{STATION_TOLERANCE_DEG} degree from lidar.station "
                f"({st['lat']}, {st['lon']}); set lidar.station",
            )
    merged = merge_profiles(parts, paths)
    merged.attrs.update(
        provenance_attrs(
            {"format": fmt, "species": job.params.species, "madrigal": job.params.madrigal},
            paths,
            step="lidar_profiles",
        )
    )
    merged.attrs["station_name"] = str(st["name"])
    _write_nc(merged, job.output.profiles)
    log.info(
        "%d profiles on %d altitudes from %d files",
        merged.sizes["time"],
        merged.sizes["altitude"],
        len(paths),
    )


def lidar_cloud_tracks(job: RuleJob) -> None:
    """Rule lidar_cloud_tracks: detected clouds, their tracks and the detection summary.

    Reads ``job.input.profiles`` and ``job.params.lidar`` (``detection``,
    ``tracking``, ``main_layer_km``, ``main_layer_halfwidth_km``,
    ``es.arrival_altitude_km``); writes ``job.output.detections``,
    ``job.output.tracks`` and ``job.output.summary`` (the stated false-alarm rate,
    the thresholds and the noise scale).
    """
    from ..lidar.detection import detect_clouds
    from ..lidar.tracking import track_clouds

    lidar = job.params.lidar
    det_s, tr_s = detection_settings(lidar["detection"]), tracking_settings(lidar)
    with open_dataset(job.input.profiles) as ds:
        ds = ds.load()
    detections, field = detect_clouds(ds, det_s)
    detections, tracks = track_clouds(detections, field, tr_s)
    searched = field["searched"].values
    summary = pd.DataFrame(
        [
            {
                "profiles": int(field.sizes["time"]),
                "profiles_searched": int(searched.sum()),
                "base_km": det_s.base_km,
                "top_km": det_s.top_km,
                "stated_false_alarm_per_profile": det_s.false_alarm_per_profile,
                "median_bins_searched": float(np.median(field["n_bins"].values[searched]))
                if searched.any()
                else 0.0,
                "median_threshold_zscore": float(np.nanmedian(field["threshold_zscore"].values))
                if searched.any()
                else float("nan"),
                "noise_model": field.attrs["noise_model"],
                "noise_scale_by_night": field.attrs["noise_scale_by_night"],
                "detections_above_base": int((~detections["continuation"]).sum()),
                "detections_below_base": int(detections["continuation"].sum()),
                "tracks": int(len(tracks)),
                "tracks_reaching_es": int(tracks["reaches_es"].sum()),
                "tracks_reaching_main_layer": int(tracks["reaches_main_layer"].sum()),
            }
        ]
    )
    write_csv(_times_csv(detections), job.output.detections, float_format="%.6g")
    write_csv(_times_csv(tracks), job.output.tracks, float_format="%.6g")
    write_csv(summary, job.output.summary)
    log.info(
        "%d detections, %d tracks (%d reach Es heights, %d the main layer)",
        len(detections),
        len(tracks),
        int(tracks["reaches_es"].sum()),
        int(tracks["reaches_main_layer"].sum()),
    )


# --------------------------------------------------------------------------------------
# the predicted descent
# --------------------------------------------------------------------------------------


def lidar_column_state(job: RuleJob) -> None:
    """Rule lidar_column_state: history files -> the model state over the lidar.

    Reads ``job.input.history``, ``job.params.model`` (the ``model`` reader keys
    ``scale_height``, ``composition``, ``electric_field``, ``ps_fallback``,
    ``msis``), ``job.params.altitude_km`` (``lidar.model.altitude_km``) and
    ``job.params.station``; writes ``job.output.state`` on (time, altitude).
    """
    from ..daskutil import dask_threads
    from ..lidar.prediction import column_at_station
    from ..model.state import build_model_state

    m, st = job.params.model, job.params.station
    sh = m["scale_height"] if m["scale_height"] == "local" else float(m["scale_height"])
    state = build_model_state(
        list(job.input.history),
        altitude_km=dict(job.params.altitude_km),
        scale_height=sh,
        composition=str(m["composition"]),
        electric_field=str(m["electric_field"]),
        ps_fallback=str(m["ps_fallback"]),
        f107=float(m["msis"]["f107"]),
        f107a=float(m["msis"]["f107a"]),
        ap=float(m["msis"]["ap"]),
    )
    with dask_threads(job.threads):
        col = column_at_station(state, lat=float(st["lat"]), lon=float(st["lon"]))
    top = float(job.params.altitude_km["max"])
    have = col["altitude"].values[np.isfinite(col["U"].values).any(axis=0)]
    if have.size == 0 or have.max() < top - 1e-6:
        raise InputFileError(
            job.input.history[0],
            f"the model reaches only {have.max() if have.size else 'no'} km over "
            f"the lidar, below lidar.model.altitude_km.max = {top} km (WACCM-X "
            "output is needed for the thermosphere)",
        )
    keep = [
        v
        for v in (
            "U",
            "V",
            "W",
            "T",
            "p",
            "n_air",
            "n_N2",
            "n_O2",
            "n_O",
            "mean_mass",
            "E_east",
            "E_north",
            "E_up",
        )
        if v in col
    ]
    col = col[keep]
    col["time"].attrs = {"long_name": "time (UTC)"}
    col.attrs = {
        **provenance_attrs(
            {"model": m, "altitude_km": job.params.altitude_km, "station": st},
            job.input.history,
            step="lidar_column_state",
        ),
        "title": "model state over the lidar (second study)",
        "station_latitude": float(st["lat"]),
        "station_longitude": float(st["lon"]),
        "comment": "model state interpolated linearly in latitude and longitude to the lidar",
    }
    _write_nc(col, job.output.state)


def lidar_column_drift(job: RuleJob) -> None:
    """Rule lidar_column_drift: ion drift over the lidar and its convergence nodes.

    Reads ``job.input.state``, ``job.params.prediction`` (``lidar.prediction``),
    ``job.params.ion_mass_u`` and ``job.params.station``; writes
    ``job.output.drift`` and ``job.output.nodes``.
    """
    from ..lidar.prediction import column_drift, node_table

    pred, st = job.params.prediction, job.params.station
    igrf = (
        parse_dates([pred["igrf_date"]], "lidar.prediction.igrf_date")[0]
        if pred["igrf_date"]
        else None
    )
    with open_dataset(job.input.state) as ds:
        col = ds.load()
    drift = column_drift(
        col,
        lat=float(st["lat"]),
        lon=float(st["lon"]),
        ion_mass_u=float(job.params.ion_mass_u),
        momentum_transfer=bool(pred["momentum_transfer"]),
        use_electric_field=bool(pred["electric_field"]),
        igrf_date=igrf,
    )
    drift.attrs.update(
        provenance_attrs(
            {"prediction": pred, "ion_mass_u": job.params.ion_mass_u, "station": st},
            [job.input.state],
            step="lidar_column_drift",
        )
    )
    drift.attrs.setdefault("title", "ion drift and convergence nodes over the lidar (second study)")
    _write_nc(drift, job.output.drift)
    write_csv(_times_csv(node_table(drift)), job.output.nodes, float_format="%.6g")


def lidar_descent_prediction(job: RuleJob) -> None:
    """Rule lidar_descent_prediction: predicted trajectories and observed-against-predicted table.

    Reads ``job.input.detections``, ``job.input.tracks``, ``job.input.drift``,
    ``job.params.prediction`` and ``job.params.arrival_km``; writes
    ``job.output.trajectories`` and ``job.output.comparison``.
    """
    from ..lidar.prediction import predict_tracks

    det = _read_table(job.input.detections, ["time"])
    tracks = _read_table(job.input.tracks, ["first_time", "last_time", "arrival_time"])
    with open_dataset(job.input.drift) as ds:
        drift = ds.load()
    pred = job.params.prediction
    traj, comp = predict_tracks(
        det,
        tracks,
        drift,
        arrival_km=float(job.params.arrival_km),
        max_step_s=float(pred["max_step_s"]),
        output_step_s=float(pred["output_step_s"]),
    )
    write_csv(_times_csv(traj), job.output.trajectories, float_format="%.6g")
    write_csv(_times_csv(comp), job.output.comparison, float_format="%.6g")
    if len(comp):
        log.info(
            "predicted/observed descent rate: median %.3f over %d tracks",
            float(np.nanmedian(comp["predicted_rate_km_per_h"] / comp["observed_rate_km_per_h"])),
            len(comp),
        )


def lidar_es_epoch(job: RuleJob) -> None:
    """Rule lidar_es_epoch: superposed-epoch foEs and h'Es at the ionosonde around the arrivals.

    Reads ``job.input.tracks``, ``job.input.hourly`` (the station's hourly table),
    ``job.params.es`` (``lidar.es``), ``job.params.station`` (the ionosonde code)
    and ``job.params.seed``; writes ``job.output.composite`` and ``job.output.test``.
    """
    from ..lidar.superposed import superposed_epoch

    settings = epoch_settings(job.params.es)
    tracks = _read_table(job.input.tracks, ["first_time", "last_time", "arrival_time"])
    epochs = tracks["arrival_time"].dropna().to_numpy("datetime64[ns]")
    hourly = read_parquet(job.input.hourly)
    comps, tests = [], []
    for name, column, units, alternative in ES_CHARACTERISTICS:
        table, test = superposed_epoch(
            hourly["time_ut"].to_numpy("datetime64[ns]"),
            hourly[column].to_numpy(float),
            epochs,
            settings,
            alternative=alternative,
            seed=int(job.params.seed),
        )
        table.insert(0, "characteristic", name)
        table.insert(1, "units", units)
        comps.append(table)
        tests.append(
            {
                "characteristic": name,
                "units": units,
                "station": job.params.station,
                "alternative": alternative,
                "alpha": settings.alpha,
                "response_h": f"{settings.response_h[0]}..{settings.response_h[1]}",
                "baseline_h": f"{settings.baseline_h[0]}..{settings.baseline_h[1]}",
                "n_random": settings.n_random,
                **test,
            }
        )
        log.info(
            "%s at %s: response %.3g %s over %d arrivals, p = %.3g",
            name,
            job.params.station,
            test["statistic"],
            units,
            test["n_epochs"],
            test["p_value"],
        )
    write_csv(pd.concat(comps, ignore_index=True), job.output.composite, float_format="%.6g")
    write_csv(pd.DataFrame(tests), job.output.test, float_format="%.6g")


# --------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------


def fig_mic_time_altitude(job: RuleJob) -> None:
    """Rule fig_mic_time_altitude: lidar density with clouds, fitted tracks and predicted trajectories."""
    from ..plotting.fig_mic import plot_time_altitude

    with open_dataset(job.input.profiles) as ds:
        profiles = ds.load()
    lidar = job.params.lidar
    plot_time_altitude(
        profiles,
        _read_table(job.input.detections, ["time"]),
        _read_table(job.input.tracks, ["first_time", "last_time", "arrival_time"]),
        _read_table(job.input.trajectories, ["time"]),
        job.output.png,
        job.output.extra,
        species=str(lidar["species"]),
        density_limits_cm3=lidar["figures"]["density_limits_cm3"],
        altitude_km=lidar["figures"]["altitude_km"],
        base_km=float(lidar["detection"]["base_km"]),
        arrival_km=float(lidar["es"]["arrival_altitude_km"]),
        dpi=int(job.params.dpi),
    )


def fig_mic_descent_rates(job: RuleJob) -> None:
    """Rule fig_mic_descent_rates: observed against predicted descent rate, 1:1 line."""
    from ..plotting.fig_mic import plot_descent_rates

    comp = _read_table(
        job.input.comparison, ["first_time", "observed_arrival_time", "predicted_arrival_time"]
    )
    plot_descent_rates(comp, job.output.png, job.output.extra, dpi=int(job.params.dpi))


def fig_mic_es_epoch(job: RuleJob) -> None:
    """Rule fig_mic_es_epoch: superposed-epoch foEs and h'Es with the random-epoch band."""
    from ..plotting.fig_mic import plot_es_epoch

    es = job.params.es
    plot_es_epoch(
        read_csv(job.input.composite),
        read_csv(job.input.test),
        job.output.png,
        job.output.extra,
        station=str(job.params.station_name),
        response_h=es["response_h"],
        alpha=float(es["alpha"]),
        dpi=int(job.params.dpi),
    )
