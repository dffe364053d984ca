"""Link cloud detections into tracks, follow them below the search base, fit their descent.

Method (``docs/science.md`` §9):

1. **Linking.** Profiles are taken in time order. Each active track predicts
   its altitude at the new profile from a straight line through its last
   detections (at most 6; with one detection it predicts no motion). A
   detection can join a track when it lies within the gate
   ``gate_km + v dt`` of the prediction, with v = ``max_rate_km_per_h`` for a
   track of one detection and v/4 once the track has a rate. Detections and
   tracks are paired by the smallest total distance in units of each track's
   gate (Hungarian assignment, :func:`scipy.optimize.linear_sum_assignment`);
   unpaired detections start new tracks. A track ends after ``max_gap_min`` without a detection. A piece of a
   track that follows a gap of more than 3 profiles must have at least 3
   detections, or it is unlinked (a lone detection in the wide gate after a gap is
   more likely a false alarm than the cloud).
2. **Continuation below the base.** A track that reaches the search base is
   followed down to ``continuation_floor_km``: in each later profile the
   cloud is searched only inside the gate around the prediction, at the same
   per-profile false-alarm probability for the (fewer) bins of the gate.
3. **Descent rate.** Weighted least squares of altitude on time with weights
   1/SE^2 of the detections' altitudes; the slope's standard error is scaled by
   sqrt(max(1, chi^2_red)) (Birge ratio), so a track that is not straight gets
   an honest uncertainty. Reported as a descent rate (positive downward, km/h).
4. **Flags.** ``reaches_es`` when the track crosses ``arrival_km`` downward
   (arrival time interpolated between the detections that bracket it);
   ``reaches_main_layer`` when its lowest altitude is within
   ``main_layer_halfwidth_km`` of ``main_layer_km``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from .detection import find_clouds

#: Most recent detections used to predict a track's next altitude.
_PREDICTION_POINTS = 6
#: Cost of an impossible pairing in the assignment.
_FORBIDDEN = 1e9
#: A gap longer than this many profile spacings splits a track into segments ...
SEGMENT_GAP_PROFILES = 3
#: ... and a segment after such a gap needs this many detections to stay in the track.
MIN_SEGMENT = 3


@dataclass(frozen=True)
class TrackingSettings:
    """Parameters of the tracking (config ``lidar.tracking`` and altitudes of ``lidar``).

    Attributes
    ----------
    max_gap_min : float
        Longest time without a detection before a track ends, minutes.
    max_rate_km_per_h : float
        Largest vertical speed allowed when pairing, km/h.
    gate_km : float
        Altitude tolerance of the pairing on top of the motion, km.
    min_detections : int
        Shortest track kept.
    continuation_floor_km : float
        Lowest altitude a track is followed to below the search base, km.
    base_km : float
        The search base of the detection, km.
    false_alarm_per_profile : float
        Per-profile false-alarm probability (also used inside the continuation gate).
    extent_sigma : float
        As in the detection.
    arrival_km : float
        Altitude whose downward crossing is the arrival at Es heights, km.
    main_layer_km, main_layer_halfwidth_km : float
        The main metal layer's peak and the distance above it that counts as
        reaching it, km.
    """

    max_gap_min: float
    max_rate_km_per_h: float
    gate_km: float
    min_detections: int
    continuation_floor_km: float
    base_km: float
    false_alarm_per_profile: float
    extent_sigma: float
    arrival_km: float
    main_layer_km: float
    main_layer_halfwidth_km: float


def _hours(times) -> np.ndarray:
    return np.asarray(times, "datetime64[ns]").astype("int64") / 3.6e12


class _Track:
    def __init__(self, idx: int, t_h: float, z: float):
        self.rows = [idx]
        self.t = [t_h]
        self.z = [z]

    def predict(self, t_h: float) -> tuple[float, bool]:
        """(predicted altitude, has a rate)."""
        if len(self.t) < 2:
            return self.z[-1], False
        t = np.array(self.t[-_PREDICTION_POINTS:])
        z = np.array(self.z[-_PREDICTION_POINTS:])
        slope = np.polyfit(t - t[-1], z, 1)[0]
        return float(z[-1] + slope * (t_h - t[-1])), True

    def add(self, idx: int, t_h: float, z: float) -> None:
        self.rows.append(idx)
        self.t.append(t_h)
        self.z.append(z)


def _gate(settings: TrackingSettings, dt_h: float, has_rate: bool) -> float:
    v = settings.max_rate_km_per_h * (0.25 if has_rate else 1.0)
    return settings.gate_km + v * abs(dt_h)


def link_detections(det: pd.DataFrame, settings: TrackingSettings) -> np.ndarray:
    """Track number of every detection (-1: not part of a kept track).

    Parameters
    ----------
    det : pandas.DataFrame
        Detections (``time``, ``altitude_km``), any order.
    settings : TrackingSettings

    Returns
    -------
    numpy.ndarray of int
        Track ids 0, 1, ... in order of first detection; -1 for detections in
        tracks shorter than ``min_detections``.
    """
    from scipy.optimize import linear_sum_assignment

    if det.empty:
        return np.zeros(0, int)
    t_h = _hours(det["time"].to_numpy())
    z = det["altitude_km"].to_numpy(float)
    order = np.argsort(t_h, kind="stable")
    tracks: list[_Track] = []
    active: list[_Track] = []
    max_gap_h = settings.max_gap_min / 60.0
    uniq = np.unique(t_h[order])
    step = float(np.median(np.diff(uniq))) if uniq.size > 1 else max_gap_h
    young_gap_h = min(max_gap_h, SEGMENT_GAP_PROFILES * step)
    for tt in uniq:
        rows = order[t_h[order] == tt]
        # a track bridges long gaps only once it is established (MIN_SEGMENT detections)
        active = [
            tr
            for tr in active
            if tt - tr.t[-1] <= (max_gap_h if len(tr.t) >= MIN_SEGMENT else young_gap_h) + 1e-9
        ]
        cost = np.full((len(active), rows.size), _FORBIDDEN)
        for a, tr in enumerate(active):
            zp, has_rate = tr.predict(tt)
            gate = _gate(settings, tt - tr.t[-1], has_rate)
            d = np.abs(z[rows] - zp)
            # distance in units of the gate: a young track's wide gate costs it more than
            # an established track's narrow one (a false alarm must not take a cloud away)
            cost[a] = np.where(d <= gate, d / gate, _FORBIDDEN)
        paired = set()
        if active and rows.size:
            ia, ir = linear_sum_assignment(cost)
            for a, r in zip(ia, ir, strict=True):
                if cost[a, r] < _FORBIDDEN:
                    active[a].add(int(rows[r]), tt, z[rows[r]])
                    paired.add(int(r))
        for r in range(rows.size):
            if r not in paired:
                tr = _Track(int(rows[r]), tt, z[rows[r]])
                tracks.append(tr)
                active.append(tr)
    ids = np.full(len(det), -1, int)
    kept = [tr for tr in tracks if len(tr.rows) >= settings.min_detections]
    kept.sort(key=lambda tr: tr.t[0])
    for k, tr in enumerate(kept):
        ids[tr.rows] = k
    return ids


def continue_below_base(
    det: pd.DataFrame, field: xr.Dataset, settings: TrackingSettings
) -> pd.DataFrame:
    """Follow every track that reaches the search base down to the continuation floor.

    Parameters
    ----------
    det : pandas.DataFrame
        Detections with ``track_id`` (from :func:`link_detections`).
    field : xarray.Dataset
        :func:`estransport.lidar.detection.anomaly_field` of the same profiles.
    settings : TrackingSettings

    Returns
    -------
    pandas.DataFrame
        ``det`` with the continuation detections appended (``continuation``
        True, their ``n_bins`` and ``threshold_zscore`` those of the gate).
    """
    det = det.copy()
    det["continuation"] = False
    if det.empty:
        return det
    times = field["time"].values
    t_all = _hours(times)
    alt = field["altitude"].values
    res, noise = field["residual"].values, field["noise"].values
    searched = field["searched"].values
    night = field["night"].values
    new_rows = []
    for tid, grp in det[det["track_id"] >= 0].groupby("track_id"):
        grp = grp.sort_values("time")
        tr = _Track(-1, 0.0, 0.0)
        tr.t = list(_hours(grp["time"].to_numpy()))
        tr.z = list(grp["altitude_km"].to_numpy(float))
        last_i = int(np.searchsorted(times, grp["time"].to_numpy()[-1]))
        zp, has_rate = tr.predict(tr.t[-1])
        if tr.z[-1] > settings.base_km + settings.gate_km:
            continue
        i = last_i + 1
        while i < times.size and night[i] == night[last_i]:
            dt_h = t_all[i] - tr.t[-1]
            if dt_h > settings.max_gap_min / 60.0 + 1e-9:
                break
            if not searched[i]:
                i += 1
                continue
            zp, has_rate = tr.predict(t_all[i])
            gate = _gate(settings, dt_h, has_rate)
            lo, hi = (
                max(zp - gate, settings.continuation_floor_km),
                min(zp + gate, settings.base_km),
            )
            if hi <= lo:
                break
            clouds, n, thr = find_clouds(
                alt,
                res[i],
                noise[i],
                lo_km=lo,
                hi_km=hi,
                false_alarm=settings.false_alarm_per_profile,
                extent_sigma=settings.extent_sigma,
            )
            if clouds:
                c = min(clouds, key=lambda c: abs(c["altitude_km"] - zp))
                new_rows.append(
                    {
                        "time": times[i],
                        "profile": int(i),
                        "night": int(night[i]),
                        **c,
                        "threshold_zscore": thr,
                        "n_bins": n,
                        "track_id": int(tid),
                        "continuation": True,
                    }
                )
                tr.add(-1, t_all[i], c["altitude_km"])
            i += 1
    if new_rows:
        det = pd.concat([det, pd.DataFrame(new_rows)], ignore_index=True)
    return det.sort_values(["time", "altitude_km"], kind="stable").reset_index(drop=True)


def fit_descent(t_h, z_km, se_km) -> dict[str, float]:
    """Weighted least-squares descent rate of one track.

    Parameters
    ----------
    t_h : array_like
        Times, hours.
    z_km, se_km : array_like
        Altitudes and their standard errors, km.

    Returns
    -------
    dict
        ``descent_rate_km_per_h`` (= -slope; positive when descending),
        ``descent_rate_se_km_per_h`` (scaled by sqrt(max(1, chi2_red))),
        ``intercept_km`` (at the first time), ``chi2_red``, ``n``.
    """
    t = np.asarray(t_h, float)
    z = np.asarray(z_km, float)
    w = 1.0 / np.square(np.asarray(se_km, float))
    t = t - t[0]
    n = t.size
    if n < 2 or np.ptp(t) == 0:
        nan = float("nan")
        return {
            "descent_rate_km_per_h": nan,
            "descent_rate_se_km_per_h": nan,
            "intercept_km": float(z[0]) if n else nan,
            "chi2_red": nan,
            "n": n,
        }
    sw, swt, swz = w.sum(), (w * t).sum(), (w * z).sum()
    swtt, swtz = (w * t * t).sum(), (w * t * z).sum()
    det = sw * swtt - swt**2
    slope = (sw * swtz - swt * swz) / det
    intercept = (swtt * swz - swt * swtz) / det
    resid = z - intercept - slope * t
    chi2_red = float((w * resid**2).sum() / (n - 2)) if n > 2 else float("nan")
    var = sw / det * (max(1.0, chi2_red) if np.isfinite(chi2_red) else 1.0)
    return {
        "descent_rate_km_per_h": float(-slope),
        "descent_rate_se_km_per_h": float(np.sqrt(var)),
        "intercept_km": float(intercept),
        "chi2_red": chi2_red,
        "n": n,
    }


def _crossing(t: np.ndarray, z: np.ndarray, level: float):
    """First downward crossing of ``level`` (interpolated time), or None."""
    for k in range(1, t.size):
        if z[k - 1] > level >= z[k]:
            return t[k - 1] + (t[k] - t[k - 1]) * (z[k - 1] - level) / (z[k - 1] - z[k])
    return None


def summarise_tracks(det: pd.DataFrame, settings: TrackingSettings) -> pd.DataFrame:
    """One row per track: extent in time and altitude, descent rate, flags.

    Parameters
    ----------
    det : pandas.DataFrame
        Detections with ``track_id`` (after :func:`continue_below_base`).
    settings : TrackingSettings

    Returns
    -------
    pandas.DataFrame
        ``track_id``, ``night``, ``n_detections``, ``n_continuation``,
        ``first_time``, ``last_time``, ``first_altitude_km``,
        ``last_altitude_km``, ``min_altitude_km``, ``max_altitude_km``,
        ``descent_rate_km_per_h``, ``descent_rate_se_km_per_h``, ``chi2_red``,
        ``mean_peak_density_m3``, ``reaches_es``, ``arrival_time``,
        ``reaches_main_layer``.
    """
    rows = []
    for tid, g in det[det["track_id"] >= 0].groupby("track_id"):
        g = g.sort_values("time")
        t = _hours(g["time"].to_numpy())
        z = g["altitude_km"].to_numpy(float)
        fit = fit_descent(t, z, g["altitude_se_km"].to_numpy(float))
        cross = _crossing(t, z, settings.arrival_km)
        arrival = pd.Timestamp(int(round(cross * 3.6e12))) if cross is not None else pd.NaT
        rows.append(
            {
                "track_id": int(tid),
                "night": int(g["night"].iloc[0]),
                "n_detections": int(len(g)),
                "n_continuation": int(g["continuation"].sum()) if "continuation" in g else 0,
                "first_time": g["time"].iloc[0],
                "last_time": g["time"].iloc[-1],
                "first_altitude_km": float(z[0]),
                "last_altitude_km": float(z[-1]),
                "min_altitude_km": float(z.min()),
                "max_altitude_km": float(z.max()),
                "descent_rate_km_per_h": fit["descent_rate_km_per_h"],
                "descent_rate_se_km_per_h": fit["descent_rate_se_km_per_h"],
                "chi2_red": fit["chi2_red"],
                "mean_peak_density_m3": float(g["peak_density_m3"].mean()),
                "reaches_es": cross is not None,
                "arrival_time": arrival,
                "reaches_main_layer": bool(
                    z.min() <= settings.main_layer_km + settings.main_layer_halfwidth_km
                ),
            }
        )
    cols = [
        "track_id",
        "night",
        "n_detections",
        "n_continuation",
        "first_time",
        "last_time",
        "first_altitude_km",
        "last_altitude_km",
        "min_altitude_km",
        "max_altitude_km",
        "descent_rate_km_per_h",
        "descent_rate_se_km_per_h",
        "chi2_red",
        "mean_peak_density_m3",
        "reaches_es",
        "arrival_time",
        "reaches_main_layer",
    ]
    return pd.DataFrame(rows, columns=cols)


def prune_segments(det: pd.DataFrame, settings: TrackingSettings) -> pd.DataFrame:
    """Unlink short pieces of tracks on either side of a gap, and renumber the tracks.

    A gap of more than ``SEGMENT_GAP_PROFILES`` profile spacings splits a track
    into pieces, and every piece needs at least ``MIN_SEGMENT`` detections: a lone
    detection joined to a track across a gap is more likely a false alarm than
    the cloud. Tracks left shorter than ``min_detections`` are dropped (track_id -1).
    """
    det = det.copy()
    if det.empty or (det["track_id"] < 0).all():
        return det
    step = np.median(np.diff(np.unique(_hours(det["time"].to_numpy())))) if len(det) > 1 else 1.0
    for _tid, g in det[det["track_id"] >= 0].groupby("track_id"):
        g = g.sort_values("time")
        t = _hours(g["time"].to_numpy())
        cuts = np.nonzero(np.diff(t) > SEGMENT_GAP_PROFILES * step + 1e-9)[0] + 1
        if cuts.size == 0:
            continue
        for seg in np.split(np.arange(len(g)), cuts):
            if seg.size < MIN_SEGMENT:
                det.loc[g.index[seg], "track_id"] = -1
    counts = det.loc[det["track_id"] >= 0, "track_id"].value_counts()
    short = counts[counts < settings.min_detections].index
    det.loc[det["track_id"].isin(short), "track_id"] = -1
    firsts = det[det["track_id"] >= 0].groupby("track_id")["time"].min().sort_values()
    renumber = {old: new for new, old in enumerate(firsts.index)}
    det["track_id"] = det["track_id"].map(lambda v: renumber.get(v, -1)).astype(int)
    return det


def track_clouds(
    det: pd.DataFrame, field: xr.Dataset, settings: TrackingSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Link, prune, continue below the base, prune again and summarise.

    Returns
    -------
    detections : pandas.DataFrame
        With ``track_id`` (-1 outside kept tracks) and ``continuation``.
    tracks : pandas.DataFrame
        :func:`summarise_tracks`.
    """
    det = det.copy()
    det["track_id"] = link_detections(det, settings)
    det = prune_segments(det, settings)
    det = continue_below_base(det, field, settings)
    det = prune_segments(det, settings)
    return det, summarise_tracks(det, settings)
