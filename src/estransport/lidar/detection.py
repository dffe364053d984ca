"""Detection of metal ion clouds in lidar profiles, with a stated false-alarm rate.

Method (``docs/science.md`` §9):

1. **Background.** At each altitude, the median of the other profiles within
   +- ``background_window_h``/2 of the profile (a leave-one-out running median in
   time). The main metal layer and the slowly varying thermospheric background
   stay in it; a cloud that crosses an altitude bin in less than half the window
   does not. A second pass leaves out the bins above ``MASK_SIGMA`` (and those
   within ``MASK_DILATE_KM`` of them), so that a slow cloud does not raise the
   median under itself. Profiles with fewer than ``min_background_profiles``
   neighbours are not searched.
2. **Noise.** Residual r = x - background. With uncertainties in the file
   (``noise="uncertainty"``) the noise of a bin is sigma_ref times one robust
   scale factor per night, s = 1.4826 MAD(r / sigma_ref) over every searched bin
   of the night (it absorbs the noise of the background estimate and any error
   in the file's sigmas); sigma_ref is the running median in time of the file's
   sigma, the noise under the null hypothesis (a sigma computed from the observed
   counts is larger where the counts fluctuate up or a cloud sits, and would
   shrink exactly the z values the test looks at). Without them (``noise="mad"``) it is 1.4826 MAD of r at
   that altitude over the night's profiles. The bins masked as clouds in step 1
   are left out of these estimates (clouds would inflate them and lower the
   false-alarm rate below the stated one).
3. **Threshold from the false-alarm probability.** For a profile searched over
   N bins and a wanted per-profile false-alarm probability P (no cloud present,
   Gaussian noise), each bin is tested at p = 1 - (1 - P)^(1/N), i.e. at
   z* = Phi^-1(1 - p) standard deviations (Phi the standard normal CDF). With
   P = 0.01 and N = 181 bins, z* = 3.87.
4. **Clouds.** A cloud is a run of adjacent bins with z >= ``extent_sigma``
   whose highest bin lies in the searched range and has z >= z* (the run itself
   may reach beyond the range, so a cloud at the range's edge keeps an unbiased
   centroid; a false alarm still needs a bin of the range above z*). Its altitude is the centroid of the
   residual over the run, with the standard error from the bins' noise; also
   recorded: peak altitude and density, z of the peak, width (bins above half
   the peak) and column content.

The stated false-alarm rate is P per searched profile; tests measure it on
cloud-free noise over many profiles.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

#: 1.4826 MAD estimates the standard deviation of a Gaussian (1 / Phi^-1(3/4)).
MAD_TO_SIGMA = 1.482602218505602
#: Bins above this z in the first pass are left out of the second background estimate
#: (3 sigma: a Gaussian exceeds it in 0.13 % of the bins, so the median moves by < 0.01 sigma).
MASK_SIGMA = 3.0
#: ... together with the bins this close to them (km): the wings of a cloud.
MASK_DILATE_KM = 3.0


def per_bin_threshold(n_bins: int, false_alarm_per_profile: float) -> float:
    """z* such that N independent Gaussian bins exceed it with probability P.

    Parameters
    ----------
    n_bins : int
        Bins searched in one profile.
    false_alarm_per_profile : float
        P, the wanted probability of at least one false detection in a
        cloud-free profile.

    Returns
    -------
    float
        z* = Phi^-1((1 - P)^(1/N)), in standard deviations.
    """
    from scipy.special import ndtri

    if n_bins < 1:
        return float("inf")
    if not 0.0 < false_alarm_per_profile < 1.0:
        raise ValueError(
            f"false_alarm_per_profile must be in (0, 1), got {false_alarm_per_profile}"
        )
    # 1 - (1-P)^(1/N) computed without cancellation for small P
    p_bin = -np.expm1(np.log1p(-false_alarm_per_profile) / n_bins)
    return float(-ndtri(p_bin))


@dataclass(frozen=True)
class DetectionSettings:
    """Parameters of the detection (config ``lidar.detection``).

    Attributes
    ----------
    base_km, top_km : float
        Altitude range searched for clouds, km.
    false_alarm_per_profile : float
        Wanted probability of a false detection in a cloud-free profile.
    background_window_h : float
        Width of the running-median window in time, hours.
    min_background_profiles : int
        Fewest other profiles in the window for a profile to be searched.
    extent_sigma : float
        z above which adjacent bins belong to a detected cloud.
    noise : {"auto", "uncertainty", "mad"}
        Noise model (see the module notes); auto = uncertainty when the file
        has finite uncertainties, else mad.
    """

    base_km: float
    top_km: float
    false_alarm_per_profile: float
    background_window_h: float
    min_background_profiles: int
    extent_sigma: float
    noise: str


def _nanmedian(a, axis):
    """nanmedian without the all-NaN-slice warning (an all-NaN column gives NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(a, axis=axis)


def _nights(times: np.ndarray, gap_h: float = 6.0) -> np.ndarray:
    """Integer label per profile: a new night after a gap longer than ``gap_h``."""
    if times.size == 0:
        return np.zeros(0, int)
    gaps = np.diff(times).astype("timedelta64[s]").astype(float) / 3600.0 > gap_h
    return np.concatenate([[0], np.cumsum(gaps)])


def _running_median(x: np.ndarray, t_h: np.ndarray, settings: DetectionSettings):
    """Leave-one-out median in time at every altitude; profiles with too few neighbours unsearched."""
    half = settings.background_window_h / 2.0
    bg = np.full_like(x, np.nan)
    searched = np.zeros(x.shape[0], bool)
    for i in range(x.shape[0]):
        near = np.abs(t_h - t_h[i]) <= half
        near[i] = False
        if near.sum() < settings.min_background_profiles:
            continue
        bg[i] = _nanmedian(x[near], axis=0)
        searched[i] = True
    return bg, searched


def _noise(resid, sig, searched, night, band, model, exclude=None):
    """One-sigma noise of every bin and the robust scale of each night (see the module notes).

    ``exclude`` (bool, like ``resid``) marks bins left out of the scale estimate (clouds).
    """
    noise = np.full_like(resid, np.nan)
    if exclude is not None:
        resid_est = np.where(exclude, np.nan, resid)
    else:
        resid_est = resid
    scales = []
    for n in np.unique(night):
        rows = (night == n) & searched
        if not rows.any():
            scales.append(float("nan"))
            continue
        if model == "uncertainty":
            good_sig = np.where(sig > 0, sig, np.nan)
            ratio = (resid_est / good_sig)[np.ix_(rows, band)]
            ratio = ratio[np.isfinite(ratio)]
            s = MAD_TO_SIGMA * np.median(np.abs(ratio - np.median(ratio))) if ratio.size else np.nan
            noise[rows] = s * good_sig[rows]
            scales.append(float(s))
        else:
            r = resid_est[rows]
            med = _nanmedian(r, axis=0)
            mad = MAD_TO_SIGMA * _nanmedian(np.abs(r - med), axis=0)
            noise[rows] = mad[None, :]
            scales.append(float(np.nanmedian(mad[band])) if band.any() else float("nan"))
    return noise, scales


def anomaly_field(ds: xr.Dataset, settings: DetectionSettings) -> xr.Dataset:
    """Background, noise and z-score of every bin of a canonical profile series.

    Parameters
    ----------
    ds : xarray.Dataset
        Canonical lidar layout (:mod:`estransport.lidar.canonical`).
    settings : DetectionSettings

    Returns
    -------
    xarray.Dataset
        On (time, altitude): ``background``, ``residual`` (m-3), ``noise``
        (m-3, one sigma), ``zscore``; on time: ``searched`` (bool), ``night``
        (int). Attributes: ``noise_model``, ``noise_scale_by_night``.
    """
    x = np.asarray(ds["density"].values, float)
    sig = np.asarray(ds["density_uncertainty"].values, float)
    t = ds["time"].values.astype("datetime64[ns]")
    t_h = (t - t[0]).astype("timedelta64[s]").astype(float) / 3600.0 if t.size else np.zeros(0)
    alt = ds["altitude"].values
    band = (alt >= settings.base_km) & (alt <= settings.top_km)
    model = settings.noise
    if model == "auto":
        model = "uncertainty" if np.isfinite(sig).any() and np.nanmax(sig) > 0 else "mad"
    if model not in ("uncertainty", "mad"):
        raise ValueError(f"unknown noise model {settings.noise!r}")
    night = _nights(t)
    # the files' uncertainties are often sqrt(observed counts): a bin that fluctuates up
    # (or holds a cloud) gets a larger sigma, which would shrink its z. Under the null
    # hypothesis (no cloud) the noise is the background's: the running median of sigma.
    sig_ref, _ = _running_median(sig, t_h, settings)
    # ... but photon noise is skewed: for Poisson counts N around a mean M, the mean of
    # the two, (sqrt(N) + sqrt(M))/2, makes r/sigma = 2 (sqrt(N) - sqrt(M)), the square-root
    # (Anscombe) transform whose tails are close to Gaussian. Equal sigmas (Gaussian
    # noise, or sigmas that do not depend on the counts) are left as they are.
    sig_ref = 0.5 * (sig + sig_ref)
    # pass 1: background and noise from every value
    bg, searched = _running_median(x, t_h, settings)
    noise, _ = _noise(x - bg, sig_ref, searched, night, band, model)
    # pass 2: the same without the bins of clouds found in pass 1 (a slow cloud that
    # stays near one altitude for hours would otherwise raise the median under itself)
    with np.errstate(all="ignore"):
        hot = (x - bg) / noise >= MASK_SIGMA
    dz = float(np.median(np.diff(alt))) if alt.size > 1 else 1.0
    grow = int(round(MASK_DILATE_KM / dz))
    mask = hot.copy()
    for k in range(1, grow + 1):
        mask[:, k:] |= hot[:, :-k]
        mask[:, :-k] |= hot[:, k:]
    bg, searched = _running_median(np.where(mask, np.nan, x), t_h, settings)
    resid = x - bg
    noise, scales = _noise(resid, sig_ref, searched, night, band, model, exclude=mask)
    with np.errstate(all="ignore"):
        z = resid / noise
    dims = ("time", "altitude")
    return xr.Dataset(
        {
            "background": (dims, bg, {"units": "m-3", "long_name": "running-median background"}),
            "residual": (dims, resid, {"units": "m-3", "long_name": "density minus background"}),
            "noise": (
                dims,
                noise,
                {"units": "m-3", "long_name": "one-sigma noise of the residual"},
            ),
            "zscore": (dims, z, {"units": "1", "long_name": "residual over noise"}),
            "searched": ("time", searched, {"long_name": "profile has a background estimate"}),
            "night": ("time", night, {"long_name": "night number (gap > 6 h starts a new night)"}),
        },
        coords={"time": ds["time"], "altitude": ds["altitude"]},
        attrs={"noise_model": model, "noise_scale_by_night": " ".join(f"{s:.4f}" for s in scales)},
    )


def find_clouds(
    altitude_km: np.ndarray,
    residual: np.ndarray,
    noise: np.ndarray,
    *,
    lo_km: float,
    hi_km: float,
    false_alarm: float,
    extent_sigma: float,
) -> tuple[list[dict], int, float]:
    """Clouds in one profile between two altitudes.

    Parameters
    ----------
    altitude_km, residual, noise : numpy.ndarray, 1-D
        Bin altitudes (km), residual and noise (m-3).
    lo_km, hi_km : float
        Search range, km (inclusive).
    false_alarm : float
        Wanted probability of a false detection in this range of a cloud-free profile.
    extent_sigma : float
        z that bounds a cloud's run of bins.

    Returns
    -------
    clouds : list of dict
        ``altitude_km`` (centroid), ``altitude_se_km``, ``peak_altitude_km``,
        ``peak_density_m3``, ``peak_zscore``, ``width_km``, ``column_m2``,
        ``bottom_km``, ``top_km``.
    n_bins : int
        Bins searched (finite z in the range).
    threshold : float
        z* used.
    """
    z = residual / noise
    finite = np.isfinite(z)
    inside = (altitude_km >= lo_km) & (altitude_km <= hi_km) & finite
    n_bins = int(inside.sum())
    thr = per_bin_threshold(n_bins, false_alarm)
    if n_bins == 0:
        return [], 0, thr
    # runs may extend beyond the search range (an unbiased centroid for a cloud at the
    # range's edge); a run counts when its peak bin lies inside the range
    over = finite & (z >= extent_sigma)
    out = []
    n = altitude_km.size
    dz = float(np.median(np.diff(altitude_km))) if n > 1 else 1.0
    k = 0
    while k < n:
        if not over[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and over[j + 1]:
            j += 1
        run = slice(k, j + 1)
        zr = z[run]
        ip = int(np.argmax(zr))
        if inside[k + ip] and zr[ip] >= thr:
            a = residual[run]
            zz = altitude_km[run]
            s = noise[run]
            total = a.sum()
            c = float((zz * a).sum() / total)
            se = float(np.sqrt(((zz - c) ** 2 * s**2).sum()) / total)
            peak = float(a[ip])
            out.append(
                {
                    "altitude_km": c,
                    "altitude_se_km": max(se, dz / np.sqrt(12.0) / max(float(zr[ip]), 1.0)),
                    "peak_altitude_km": float(zz[ip]),
                    "peak_density_m3": peak,
                    "peak_zscore": float(zr[ip]),
                    "width_km": float(dz * (a >= 0.5 * peak).sum()),
                    "column_m2": float(total * dz * 1e3),
                    "bottom_km": float(zz[0]),
                    "top_km": float(zz[-1]),
                }
            )
        k = j + 1
    return out, n_bins, thr


def detect_clouds(ds: xr.Dataset, settings: DetectionSettings) -> tuple[pd.DataFrame, xr.Dataset]:
    """Detect clouds in every searched profile between ``base_km`` and ``top_km``.

    Parameters
    ----------
    ds : xarray.Dataset
        Canonical lidar layout.
    settings : DetectionSettings

    Returns
    -------
    detections : pandas.DataFrame
        One row per cloud and profile: ``time``, ``profile``, ``night`` and the
        fields of :func:`find_clouds`, plus ``threshold_zscore`` and ``n_bins``.
    field : xarray.Dataset
        :func:`anomaly_field`, with ``threshold_zscore`` and ``n_bins`` per profile.
    """
    field = anomaly_field(ds, settings)
    alt = field["altitude"].values
    res = field["residual"].values
    noise = field["noise"].values
    times = field["time"].values
    rows = []
    thresholds = np.full(times.size, np.nan)
    nbins = np.zeros(times.size, int)
    for i in np.nonzero(field["searched"].values)[0]:
        clouds, n, thr = find_clouds(
            alt,
            res[i],
            noise[i],
            lo_km=settings.base_km,
            hi_km=settings.top_km,
            false_alarm=settings.false_alarm_per_profile,
            extent_sigma=settings.extent_sigma,
        )
        thresholds[i], nbins[i] = thr, n
        for c in clouds:
            rows.append(
                {
                    "time": times[i],
                    "profile": int(i),
                    "night": int(field["night"].values[i]),
                    **c,
                    "threshold_zscore": thr,
                    "n_bins": n,
                }
            )
    field["threshold_zscore"] = (
        "time",
        thresholds,
        {"units": "1", "long_name": "per-bin threshold z*"},
    )
    field["n_bins"] = ("time", nbins, {"long_name": "bins searched between base and top"})
    columns = [
        "time",
        "profile",
        "night",
        "altitude_km",
        "altitude_se_km",
        "peak_altitude_km",
        "peak_density_m3",
        "peak_zscore",
        "width_km",
        "column_m2",
        "bottom_km",
        "top_km",
        "threshold_zscore",
        "n_bins",
    ]
    return pd.DataFrame(rows, columns=columns), field
