"""What part of the globe a mission's occultations can see, for masking its climatologies.

COSMIC-2's tangent points stay within about +-45 degrees latitude
(docs/formats.md §2.6): a COSMIC-2 map has nothing to say poleward of that, and
a cell there must be drawn as "not observed", not as a low S4max or an empty
count. A :class:`Coverage` is the latitude band one mission observes; a
climatology of several missions covers the union of their bands.

Masking rule: a cell (or latitude band) is covered when its centre lies inside
a mission's band. Cells outside keep their event counts (an event a few tenths
of a degree beyond the nominal band is real data) but get no mean.
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


def covered_latitudes(lat_centres, coverages: Sequence[Coverage]) -> np.ndarray:
    """Which latitude centres lie in at least one mission's band.

    Parameters
    ----------
    lat_centres : array_like
        Cell or band centres (degrees N).
    coverages : sequence of Coverage
        The missions pooled in the climatology.

    Returns
    -------
    numpy.ndarray of bool
        Same shape as ``lat_centres``.
    """
    lat = np.asarray(lat_centres, float)
    covered = np.zeros(lat.shape, dtype=bool)
    for cov in coverages:
        covered |= (lat >= cov.lat_min) & (lat <= cov.lat_max)
    return covered


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
        (1 covered, 0 not observed by any mission; CF flag attributes) and the
        global attributes ``missions`` (space-separated names) and
        ``coverage`` (each mission's band).
    """
    covered = covered_latitudes(ds["lat"].values, coverages)
    out = ds.copy()
    mask = xr.DataArray(covered, dims=("lat",))
    for name in variables:
        out[name] = out[name].where(mask).astype(ds[name].dtype)
        out[name].attrs = dict(ds[name].attrs)
    out["covered"] = (
        ("lat",),
        covered.astype(np.int8),
        {
            "long_name": "latitude band observed by at least one pooled mission",
            "flag_values": np.array([0, 1], dtype=np.int8),
            "flag_meanings": "not_observed observed",
        },
    )
    out.attrs["missions"] = " ".join(c.mission for c in coverages)
    out.attrs["coverage"] = "; ".join(
        f"{c.mission}: {c.lat_min:g} to {c.lat_max:g} degrees_north" for c in coverages
    )
    return out
