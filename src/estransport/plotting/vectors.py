"""Velocity arrows on latitude-height axes that point the true way.

On a latitude-height section a meridional speed of metres per second and a
vertical speed of centimetres to metres per second share one arrow, so the
figure declares a scale ratio: in the paper 1 m/s vertical is drawn as long
as 10 m/s meridional. The arrow components are therefore converted to
**physical lengths on the page** before drawing:

* a meridional speed v is drawn ``v * inch_per_ms`` inches long, and a
  vertical speed w ``w * ratio * inch_per_ms`` inches (ratio = 10 for the
  paper's 1 : 10 scale);
* matplotlib draws these inch vectors in screen space (``angles="uv"``,
  ``scale_units="inches"``, ``scale=1``), so the direction on the page is
  atan2(ratio w, v) whatever the axes' aspect ratio or data limits;
* the length unit ``inch_per_ms`` is chosen from the axes' physical size:
  by default the 95th percentile of the arrow lengths spans
  ``max_length_spacings`` times the distance between neighbouring arrows, so
  arrows neither vanish nor overlap; pass a fixed value to compare figures.

(The idea of scaling by the axes' physical size is that of aostools; the code
here is our own.) Arrows are red for northward and blue for southward
(Yu et al. 2021, Fig. 1). The key shows a horizontal and a vertical reference
arrow of equal page length: ``ref_speed`` meridional and ``ref_speed/ratio``
vertical.

Several panels share one scale through :func:`resolve_scale`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

#: Colours of northward and southward arrows.
NORTHWARD_COLOR = "#d62728"
SOUTHWARD_COLOR = "#1f4fd6"


@dataclass(frozen=True)
class ArrowScale:
    """How velocities become arrow lengths on the page.

    Attributes
    ----------
    ratio : float
        Meridional speed drawn as long as a unit vertical speed (10: 1 m/s
        vertical is as long as 10 m/s meridional), dimensionless. Required:
        each figure takes it from its config section.
    inch_per_ms : float or None
        Page length, in inches, of 1 m/s of meridional speed. None: chosen
        from the data and the arrow spacing by :func:`resolve_scale`.
    ref_speed : float or None
        Meridional speed of the key arrow, m s-1. None: a round number whose
        arrow is about ``key_length_in`` long.
    max_length_spacings : float
        Automatic scale: the ``percentile`` arrow length spans this many arrow spacings.
    percentile : float
        Percentile of the arrow lengths used by the automatic scale.
    key_length_in : float
        Target length of the key arrows for an automatic ``ref_speed``, inches.
    """

    ratio: float
    inch_per_ms: float | None = None
    ref_speed: float | None = None
    max_length_spacings: float = 1.8
    percentile: float = 95.0
    key_length_in: float = 0.3


def nice_number(x: float) -> float:
    """Largest number of the form 1, 2 or 5 x 10^k not above ``x``.

    Parameters
    ----------
    x : float
        A positive speed (any unit); non-positive or non-finite gives 1.

    Returns
    -------
    float
        The round number, in the unit of ``x``.
    """
    if not np.isfinite(x) or x <= 0:
        return 1.0
    k = np.floor(np.log10(x))
    for m in (5.0, 2.0, 1.0):
        if m * 10**k <= x:
            return float(m * 10**k)
    return float(10**k)


def axes_size_inches(ax) -> tuple[float, float]:
    """Physical width and height of ``ax`` in inches (from its figure position).

    Parameters
    ----------
    ax : matplotlib.axes.Axes

    Returns
    -------
    width, height : float
        Inches.
    """
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    return pos.width * fig_w, pos.height * fig_h


def arrow_spacing_inches(ax, dlat: float, dalt: float) -> float:
    """Page distance between neighbouring arrows, the smaller of both directions, inches.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose current x (latitude) and y (altitude) limits are final.
    dlat, dalt : float
        Arrow spacing in degrees of latitude and km of altitude.

    Returns
    -------
    float
        Inches.
    """
    w_in, h_in = axes_size_inches(ax)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    return min(w_in * dlat / abs(x1 - x0), h_in * dalt / abs(y1 - y0))


def resolve_scale(
    scale: ArrowScale, v: Iterable | np.ndarray, w: Iterable | np.ndarray, spacing_in: float
) -> ArrowScale:
    """Fix ``inch_per_ms`` and ``ref_speed`` of a scale from data (shared by all panels).

    Parameters
    ----------
    scale : ArrowScale
        Scale with ``inch_per_ms`` and/or ``ref_speed`` possibly None.
    v, w : array_like or iterable of array_like
        Meridional and vertical speeds of every panel, m s-1.
    spacing_in : float
        Distance between neighbouring arrows on the page, inches.

    Returns
    -------
    ArrowScale
        With both ``inch_per_ms`` and ``ref_speed`` set.
    """

    def _flat(x):
        if isinstance(x, np.ndarray):
            return x.ravel()
        return np.concatenate([np.asarray(a, float).ravel() for a in x])

    inch = scale.inch_per_ms
    if inch is None:
        length = np.hypot(_flat(v), scale.ratio * _flat(w))
        length = length[np.isfinite(length)]
        ref_len = float(np.percentile(length, scale.percentile)) if length.size else 0.0
        inch = scale.max_length_spacings * spacing_in / ref_len if ref_len > 0 else 1.0
    ref = scale.ref_speed
    if ref is None:
        ref = nice_number(scale.key_length_in / inch)
    return dataclasses.replace(scale, inch_per_ms=float(inch), ref_speed=float(ref))


def _speed_label(speed: float) -> str:
    if abs(speed) < 0.1:
        return f"{speed * 100:g} cm/s"
    return f"{speed:g} m/s"


def panel_magnification(scale: ArrowScale, v, w, *, threshold: float = 8.0) -> float:
    """Power-of-ten factor to enlarge the arrows of a weak panel (1 if not needed).

    Parameters
    ----------
    scale : ArrowScale
        Resolved scale shared by the figure.
    v, w : array_like
        The panel's meridional and vertical speeds, m s-1.
    threshold : float
        Magnify when the panel's ``percentile`` arrow is shorter than
        1/threshold of the key arrow.

    Returns
    -------
    float
        1, 10, 100, ... ; the panel should say "arrows x factor".
    """
    length = np.hypot(np.asarray(v, float), scale.ratio * np.asarray(w, float))
    length = length[np.isfinite(length)]
    if not length.size:
        return 1.0
    typical = float(np.percentile(length, scale.percentile))
    if typical <= 0 or typical * threshold >= scale.ref_speed:
        return 1.0
    return float(10 ** np.floor(np.log10(scale.ref_speed / typical)))


def quiver_latitude_height(
    ax,
    lat,
    altitude,
    v,
    w,
    *,
    scale: ArrowScale,
    width: float = 0.004,
    zorder: int = 3,
    magnification: float = 1.0,
    **kwargs,
):
    """Draw (v, w) arrows on latitude-height axes, true in direction for ``scale``.

    Call after the axes have their final position (no layout engine that
    resizes axes at draw time; ``bbox_inches="tight"`` cropping is fine).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes with latitude (degrees) on x and altitude (km) on y.
    lat, altitude : array_like
        1-D coordinates (degrees, km) of the arrow positions, or 2-D arrays
        of the shape of ``v``.
    v, w : array_like
        Meridional and vertical velocity, m s-1, shape (altitude, lat) for
        1-D coordinates. NaN arrows are skipped.
    scale : ArrowScale
        Must be resolved (``inch_per_ms`` set; see :func:`resolve_scale`).
    width : float
        Shaft width as a fraction of the axes width.
    magnification : float
        Draw the arrows this many times longer (say so on the panel).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.quiver`.

    Returns
    -------
    matplotlib.quiver.Quiver
        The arrows (one Quiver with per-arrow colours).
    """
    if scale.inch_per_ms is None:
        raise ValueError("resolve the ArrowScale first (resolve_scale)")
    lat = np.asarray(lat, float)
    altitude = np.asarray(altitude, float)
    v = np.asarray(v, float)
    w = np.asarray(w, float)
    if lat.ndim == 1 and altitude.ndim == 1:
        X, Y = np.meshgrid(lat, altitude)
    else:
        X, Y = np.broadcast_arrays(lat, altitude)
    dx = v * scale.inch_per_ms * magnification
    dy = w * scale.ratio * scale.inch_per_ms * magnification
    ok = np.isfinite(dx) & np.isfinite(dy)
    colors = np.where(v[ok] >= 0, NORTHWARD_COLOR, SOUTHWARD_COLOR)
    style = {"headwidth": 3.5, "headlength": 4.0, "headaxislength": 3.5, "minlength": 0.0}
    style.update(kwargs)
    return ax.quiver(
        X[ok],
        Y[ok],
        dx[ok],
        dy[ok],
        color=list(colors),
        angles="uv",
        scale_units="inches",
        scale=1.0,
        width=width,
        zorder=zorder,
        **style,
    )


def add_arrow_key(
    quiver, scale: ArrowScale, x: float, y: float, *, coordinates: str = "figure", gap: float = 0.09
) -> None:
    """Key: a horizontal ``ref_speed`` arrow and a vertical ``ref_speed/ratio`` arrow.

    Both have the same page length, which is what the ratio means. The
    horizontal arrow is labelled below, the vertical one to its right.

    Parameters
    ----------
    quiver : matplotlib.quiver.Quiver
        Arrows drawn with ``scale`` (their units are inches).
    scale : ArrowScale
        Resolved scale.
    x, y : float
        Position of the tail of the horizontal key arrow, in ``coordinates``.
    coordinates : {"figure", "axes"}
        Coordinate system of ``x``, ``y``.
    gap : float
        Offset of the vertical key arrow to the right, same coordinates.
    """
    length = scale.ref_speed * scale.inch_per_ms
    ax = quiver.axes
    font = {"size": 6}
    ax.quiverkey(
        quiver,
        x,
        y,
        length,
        _speed_label(scale.ref_speed) + " merid.",
        angle=0,
        coordinates=coordinates,
        labelpos="S",
        color="black",
        fontproperties=font,
    )
    ax.quiverkey(
        quiver,
        x + gap,
        y,
        length,
        _speed_label(scale.ref_speed / scale.ratio) + " vert.",
        angle=90,
        coordinates=coordinates,
        labelpos="E",
        color="black",
        fontproperties=font,
    )
