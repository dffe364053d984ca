"""Steps of the figure rules: one function per paper figure, reading its config section.

Each step reads the figure's config section from ``job.params`` and calls the
plotting function of :mod:`estransport.plotting` with explicit keyword
arguments; the figures' data come from the products of the other steps.
"""

from __future__ import annotations

from . import RuleJob

# --- Fig. 1 ---


def fig1_ion_drift(job: RuleJob) -> None:
    """Rule fig1_ion_drift: ``drift.nc`` -> paper Fig. 1 (PNG and the extra formats).

    Reads ``job.input.drift``, ``job.params.fig`` (config ``model.fig1``:
    ``months``, ``altitude_km`` {min, max}, ``ratio``, ``lat_stride``,
    ``altitude_stride_km``, ``magnify_weak``) and ``job.params.dpi``; writes
    ``job.output.png`` and ``job.output.extra``.
    """
    from ..plotting.fig1 import plot_fig1

    fig = job.params.fig
    plot_fig1(
        job.input.drift,
        job.output.png,
        job.output.extra,
        months=tuple(int(m) for m in fig["months"]),
        altitude_km=(float(fig["altitude_km"]["min"]), float(fig["altitude_km"]["max"])),
        lat_stride=int(fig["lat_stride"]),
        altitude_stride_km=float(fig["altitude_stride_km"]),
        ratio=float(fig["ratio"]),
        magnify_weak=bool(fig["magnify_weak"]),
        dpi=int(job.params.dpi),
    )


# --- Fig. 2c,d ---


def fig2cd_residual_circulation(job: RuleJob) -> None:
    """Rule fig2cd_residual_circulation: ``tem.nc`` -> paper Fig. 2c (DJF) or 2d (JJA).

    Reads ``job.input.tem``, ``job.params.fig`` (config ``model.fig2cd``:
    ``altitude_km`` {min, max}, ``ratio``, ``lat_stride``,
    ``altitude_stride_km``, ``vmax``), ``job.params.dpi`` and the wildcards
    ``panel`` and ``season``; writes ``job.output.png`` and ``job.output.extra``.

    Raises
    ------
    ValueError
        The panel letter does not belong to the season
        (:data:`estransport.plotting.style.FIG2_PANEL_SEASON`: c = DJF, d = JJA).
    """
    from ..plotting.fig2cd import plot_fig2cd
    from ..plotting.style import FIG2_PANEL_SEASON

    panel, season = job.wildcards.panel, job.wildcards.season.upper()
    if panel not in ("c", "d") or FIG2_PANEL_SEASON[panel] != season:
        raise ValueError(f"Fig. 2{panel} is {FIG2_PANEL_SEASON.get(panel)}, not {season}")
    fig = job.params.fig
    vmax = fig["vmax"]
    plot_fig2cd(
        job.input.tem,
        job.output.png,
        job.output.extra,
        season=season,
        panel=panel,
        altitude_km=(float(fig["altitude_km"]["min"]), float(fig["altitude_km"]["max"])),
        ratio=float(fig["ratio"]),
        lat_stride=int(fig["lat_stride"]),
        altitude_stride_km=float(fig["altitude_stride_km"]),
        vmax=None if vmax is None else float(vmax),
        dpi=int(job.params.dpi),
    )
