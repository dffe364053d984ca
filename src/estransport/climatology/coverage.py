"""What part of the globe a mission's occultations can see, for masking its climatologies.

COSMIC-2's tangent points stay within about +-45 degrees latitude
(docs/formats.md §2.6): a COSMIC-2 map has nothing to say poleward of that, and
a cell there must be drawn as "not observed", not as a low S4max or an empty
count. A :class:`Coverage` is the latitude band one mission observes; a
climatology of several missions covers the union of their bands.

Masking rule: a cell (or latitude band) is covered when it lies wholly inside
the union of the missions' bands, so that nothing is drawn over latitudes no
mission observes (a 10-degree cell at 40-50 degrees is blank for COSMIC-2's
+-45). Cells outside keep their event counts (events a little beyond the
nominal band are real data) but get no mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

__all__ = ["Coverage", "apply_coverage", "covered_latitudes"]


@dataclass(frozen=True)
class Coverage:
    """The latitude band a mission's tangent points cover.

    Attributes
    ----------
    mission : str
        Mission name, e.g. ``"cosmic2"``.
    lat_min, lat_max : float
        Southern and northern edge (degrees N), ``lat_min < lat_max``.
    """

    mission: str
    lat_min: float
    lat_max: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat_min < self.lat_max <= 90.0:
            raise ValueError(
                f"coverage of {self.mission}: need -90 <= lat_min < lat_max <= 90, got "
                f"{self.lat_min}, {self.lat_max}"
            )


def covered_latitudes(lat_lo, lat_hi, coverages: Sequence[Coverage]) -> np.ndarray:
    """Which latitude cells lie wholly inside the union of the missions' bands.

    Parameters
    ----------
    lat_lo, lat_hi : array_like
        Southern and northern edges of the cells or bands (degrees N).
    coverages : sequence of Coverage
        The missions pooled in the climatology.

    Returns
    -------
    numpy.ndarray of bool
        Shape of ``lat_lo``.
    """
    lo = np.asarray(lat_lo, float)
    hi = np.asarray(lat_hi, float)
    # Union of the bands as disjoint intervals, then containment of each cell.
    merged: list[list[float]] = []
    for cov in sorted(coverages, key=lambda c: c.lat_min):
        if merged and cov.lat_min <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], cov.lat_max)
        else:
            merged.append([cov.lat_min, cov.lat_max])
    covered = np.zeros(lo.shape, dtype=bool)
    eps = 1e-9
    for a, b in merged:
        covered |= (lo >= a - eps) & (hi <= b + eps)
    return covered


def _edges(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Cell edges from ``lat_bnds``, else from the (uniform) spacing of ``lat``."""
    if "lat_bnds" in ds:
        bnds = ds["lat_bnds"].values
        return bnds[:, 0], bnds[:, 1]
    lat = ds["lat"].values
    half = (lat[1] - lat[0]) / 2.0 if lat.size > 1 else 90.0
    return lat - half, lat + half


def apply_coverage(
    ds: xr.Dataset, coverages: Sequence[Coverage], *, variables: Sequence[str]
) -> xr.Dataset:
    """Blank the cells no mission covers and record the coverage in the dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        A climatology with a ``lat`` coordinate (degrees N).
    coverages : sequence of Coverage
        The missions whose events the climatology pools.
    variables : sequence of str
        Variables set to NaN outside the covered latitudes (means, not counts).

    Returns
    -------
    xarray.Dataset
        A copy with those variables masked, a ``covered`` variable on ``lat``
        (1 the cell lies wholly within the pooled missions' bands, 0 not; CF flag
        attributes) and the
        global attributes ``missions`` (space-separated names) and
        ``coverage`` (each mission's band).
    """
    covered = covered_latitudes(*_edges(ds), coverages)
    out = ds.copy()
    mask = xr.DataArray(covered, dims=("lat",))
    for name in variables:
        out[name] = out[name].where(mask).astype(ds[name].dtype)
        out[name].attrs = dict(ds[name].attrs)
    out["covered"] = (
        ("lat",),
        covered.astype(np.int8),
        {
            "long_name": "cell lies wholly within the latitudes the pooled missions observe",
            "flag_values": np.array([0, 1], dtype=np.int8),
            "flag_meanings": "not_observed observed",
        },
    )
    out.attrs["missions"] = " ".join(c.mission for c in coverages)
    out.attrs["coverage"] = "; ".join(
        f"{c.mission}: {c.lat_min:g} to {c.lat_max:g} degrees_north" for c in coverages
    )
    return out
