"""Vertical ion trajectories in a gridded drift field, and its convergence nodes.

Above about 130 km r_i is small and an ion moves along **B** with the
field-aligned part of the neutral wind (``docs/science.md`` §3, §9); below, the
full wind-shear drift of :mod:`estransport.physics.drift` applies. Either way a
layer of ions released at (t0, z0) follows the vertical ion drift
w_i(z, t), i.e. it obeys

    dz/dt = w_i(z(t), t),

which :func:`integrate_vertical_trajectory` integrates on a (time, altitude)
grid of w_i (bilinear interpolation, :func:`scipy.integrate.solve_ivp`). Ions
collect where w_i changes sign from downward above to upward below
(w_i = 0 with dw_i/dz < 0): :func:`convergence_nodes` finds those altitudes on
each profile and :func:`follow_node` follows one node through time. Under a tide
the nodes move down at the tide's vertical phase speed, so a layer formed at a
node descends with it.

Everything here is plain arithmetic on arrays in SI-compatible units: times in
seconds, altitudes in km, drifts in m s-1 (converted to km s-1 inside).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: m s-1 -> km s-1.
_KM_PER_M = 1.0e-3


@dataclass(frozen=True)
class Trajectory:
    """An integrated ion trajectory.

    Attributes
    ----------
    time_s : numpy.ndarray
        Times, s (same origin as the drift grid's times).
    altitude_km : numpy.ndarray
        Altitude of the ion layer at those times, km.
    status : str
        ``"completed"`` (reached the end time), ``"left_grid"`` (crossed the
        lowest or highest altitude of the grid) or ``"outside_time"`` (the drift
        grid does not cover the start time).
    """

    time_s: np.ndarray
    altitude_km: np.ndarray
    status: str


class GridDrift:
    """Bilinear interpolant of w_i on a regular-or-not (time, altitude) grid.

    Parameters
    ----------
    time_s : array_like, 1-D, strictly increasing
        Times of the drift profiles, s.
    altitude_km : array_like, 1-D, strictly increasing
        Altitudes, km.
    w_ms : array_like, (time, altitude)
        Vertical ion drift, m s-1 (positive up). NaN is treated as missing:
        the interpolant returns NaN there.
    """

    def __init__(self, time_s, altitude_km, w_ms):
        self.t = np.asarray(time_s, float)
        self.z = np.asarray(altitude_km, float)
        self.w = np.asarray(w_ms, float)
        if self.t.ndim != 1 or self.z.ndim != 1 or self.w.shape != (self.t.size, self.z.size):
            raise ValueError(
                f"w must have shape (time, altitude) = ({self.t.size}, {self.z.size}), "
                f"got {self.w.shape}"
            )
        if self.t.size < 2 or self.z.size < 2:
            raise ValueError("the drift grid needs at least two times and two altitudes")
        if np.any(np.diff(self.t) <= 0) or np.any(np.diff(self.z) <= 0):
            raise ValueError("time and altitude of the drift grid must be strictly increasing")

    def __call__(self, t: float, z: float) -> float:
        """w_i at one (t, z), m s-1 (NaN outside the grid)."""
        if not (self.t[0] <= t <= self.t[-1] and self.z[0] <= z <= self.z[-1]):
            return float("nan")
        i = min(int(np.searchsorted(self.t, t, side="right")) - 1, self.t.size - 2)
        k = min(int(np.searchsorted(self.z, z, side="right")) - 1, self.z.size - 2)
        a = (t - self.t[i]) / (self.t[i + 1] - self.t[i])
        b = (z - self.z[k]) / (self.z[k + 1] - self.z[k])
        w = self.w
        return float(
            (1 - a) * (1 - b) * w[i, k]
            + a * (1 - b) * w[i + 1, k]
            + (1 - a) * b * w[i, k + 1]
            + a * b * w[i + 1, k + 1]
        )


def integrate_vertical_trajectory(
    time_s,
    altitude_km,
    w_ms,
    *,
    t0_s: float,
    z0_km: float,
    t_end_s: float,
    max_step_s: float = 300.0,
    output_step_s: float = 60.0,
) -> Trajectory:
    """Integrate dz/dt = w_i(z, t) from (t0, z0) to t_end.

    Parameters
    ----------
    time_s, altitude_km, w_ms
        The drift grid (see :class:`GridDrift`): s, km, m s-1 on (time, altitude).
    t0_s, z0_km : float
        Start time (s) and altitude (km), e.g. a cloud's first detection.
    t_end_s : float
        End time, s (> t0; clipped to the grid's last time).
    max_step_s : float
        Largest solver step, s (the grid is hourly in the default model; 300 s
        resolves its bilinear cells).
    output_step_s : float
        Spacing of the returned samples, s.

    Returns
    -------
    Trajectory
        Samples every ``output_step_s`` from t0 (and the final time). The
        integration stops early when the layer leaves the altitude range of the
        grid or meets missing drift values.

    Notes
    -----
    Solved with the explicit Runge-Kutta 4(5) pair of :func:`scipy.integrate.solve_ivp`
    (rtol 1e-6, atol 1e-3 km) on a bilinear interpolant of w_i; w_i is
    converted from m s-1 to km s-1.
    """
    from scipy.integrate import solve_ivp

    drift = GridDrift(time_s, altitude_km, w_ms)
    t_end = min(float(t_end_s), float(drift.t[-1]))
    if not (drift.t[0] <= t0_s <= drift.t[-1]) or t_end <= t0_s:
        return Trajectory(np.array([t0_s]), np.array([z0_km]), "outside_time")
    if not (drift.z[0] <= z0_km <= drift.z[-1]):
        return Trajectory(np.array([t0_s]), np.array([z0_km]), "left_grid")

    def rhs(t, y):
        w = drift(t, y[0])
        return [0.0 if not np.isfinite(w) else w * _KM_PER_M]

    def below(t, y):
        return y[0] - drift.z[0]

    def above(t, y):
        return drift.z[-1] - y[0]

    below.terminal = above.terminal = True
    t_eval = np.arange(t0_s, t_end, output_step_s)
    t_eval = np.append(t_eval, t_end) if t_eval[-1] < t_end else t_eval
    sol = solve_ivp(
        rhs,
        (t0_s, t_end),
        [z0_km],
        t_eval=t_eval,
        max_step=max_step_s,
        rtol=1e-6,
        atol=1e-3,
        events=(below, above),
    )
    t, z = sol.t, sol.y[0]
    status = "completed"
    if sol.status == 1:  # a terminal event: append the crossing itself
        status = "left_grid"
        for te, ye in zip(sol.t_events, sol.y_events, strict=True):
            if te.size:
                t, z = np.append(t, te[0]), np.append(z, ye[0][0])
    return Trajectory(t, z, status)


def convergence_nodes(altitude_km, w_ms) -> np.ndarray:
    """Altitudes where w_i turns from downward above to upward below (w_i = 0, dw_i/dz < 0).

    Parameters
    ----------
    altitude_km : array_like, 1-D, increasing
        Altitudes, km.
    w_ms : array_like, 1-D
        Vertical ion drift on those altitudes, m s-1 (NaN: no node across it).

    Returns
    -------
    numpy.ndarray
        Node altitudes, km, increasing; each found by linear interpolation
        between the two levels where w_i changes from > 0 (below) to < 0 (above).
        A level with w_i exactly 0 between an upward and a downward drift counts
        once.
    """
    z = np.asarray(altitude_km, float)
    w = np.asarray(w_ms, float)
    nodes = []
    k = 0
    n = z.size
    while k < n - 1:
        if not (np.isfinite(w[k]) and w[k] > 0):
            k += 1
            continue
        j = k + 1
        while j < n and np.isfinite(w[j]) and w[j] == 0.0:
            j += 1  # a run of exact zeros: look past it
        if j < n and np.isfinite(w[j]) and w[j] < 0:
            z_lo, z_hi = z[j - 1], z[j]
            w_lo = w[j - 1]
            if j - 1 > k:  # exact zero(s) at z[k+1 .. j-1]: the node is their middle
                nodes.append(0.5 * (z[k + 1] + z[j - 1]))
            else:
                nodes.append(z_lo + (z_hi - z_lo) * w_lo / (w_lo - w[j]))
        k = j
    return np.asarray(nodes, float)


def node_field(altitude_km, w_ms) -> list[np.ndarray]:
    """:func:`convergence_nodes` of every profile of a (time, altitude) drift field.

    Parameters
    ----------
    altitude_km : array_like, 1-D
        Altitudes, km.
    w_ms : array_like, (time, altitude)
        Vertical ion drift, m s-1.

    Returns
    -------
    list of numpy.ndarray
        One array of node altitudes (km) per time.
    """
    w = np.atleast_2d(np.asarray(w_ms, float))
    return [convergence_nodes(altitude_km, row) for row in w]


def follow_node(
    time_s,
    altitude_km,
    w_ms,
    *,
    t0_s: float,
    z0_km: float,
    max_jump_km: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Follow the convergence node nearest to (t0, z0) through the later profiles.

    Parameters
    ----------
    time_s, altitude_km, w_ms
        The drift grid: s, km, m s-1 on (time, altitude).
    t0_s, z0_km : float
        Start: the node nearest to z0 on the first profile at or after t0.
    max_jump_km : float
        Largest altitude change of the node from one profile to the next; the
        node is lost (the following stops) when no node lies that close.

    Returns
    -------
    time_s, altitude_km : numpy.ndarray
        The profile times and the followed node's altitude (km) on them.
    """
    t = np.asarray(time_s, float)
    nodes = node_field(altitude_km, w_ms)
    start = int(np.searchsorted(t, t0_s, side="left"))
    out_t, out_z = [], []
    z_prev = float(z0_km)
    for i in range(start, t.size):
        cand = nodes[i]
        if cand.size == 0:
            break
        j = int(np.argmin(np.abs(cand - z_prev)))
        if abs(cand[j] - z_prev) > max_jump_km:
            break
        z_prev = float(cand[j])
        out_t.append(t[i])
        out_z.append(z_prev)
    return np.asarray(out_t), np.asarray(out_z)
