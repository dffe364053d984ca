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


# --- Fig. 2a,b ---


def fig2ab_s4max(job: RuleJob) -> None:
    """Rule fig2ab_s4max: paper Fig. 2a or 2b, the seasonal mean S4max map of one panel.

    Reads ``input.maps`` (``maps_{season}.nc``), ``wildcards.panel``,
    ``params.figures`` (``figures``: limits, contour levels, coastlines, dpi)
    and ``params.years`` (``cosmic.years``).
    """
    from ..plotting.fig2ab import plot_fig2ab

    figures = job.params.figures
    plot_fig2ab(
        job.input.maps,
        job.output.png,
        job.output.extra,
        panel=job.wildcards.panel,
        s4max_limits=figures["s4max_limits"],
        geomagnetic_latitudes=figures["geomagnetic_latitudes"],
        coastline_shapefile=figures["coastline_shapefile"],
        dpi=figures["dpi"],
        years=job.params.years,
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


# --- Fig. 3 ---


def fig3_es_monthly(job: RuleJob) -> None:
    """Rule ``fig3_es_monthly``: paper Fig. 3 (monthly S4max, column-density ratio, drift arrows).

    Inputs ``monthly`` (``monthly_lat_alt.nc``) and ``residual``
    (``residual_drift_monthly.nc``); outputs ``png`` and ``extra`` (further
    formats). Params ``fig3`` (``transport.fig3``) and ``dpi`` (``figures.dpi``).
    """
    from ..plotting.fig3 import plot_fig3

    cfg = job.params.fig3
    limits = cfg["s4max_limits"]
    plot_fig3(
        job.input.monthly,
        job.input.residual,
        job.output.png,
        list(job.output.extra),
        drivers=None if cfg["drivers"] is None else list(cfg["drivers"]),
        ratio=float(cfg["ratio"]),
        lat_stride=int(cfg["lat_stride"]),
        altitude_stride_km=float(cfg["altitude_stride_km"]),
        ref_speed=None if cfg["ref_speed"] is None else float(cfg["ref_speed"]),
        max_length_spacings=float(cfg["max_length_spacings"]),
        s4max_limits=None if limits is None else (float(limits[0]), float(limits[1])),
        cmap=str(cfg["cmap"]),
        ncols=int(cfg["ncols"]),
        dpi=int(job.params.dpi),
    )


# --- Fig. 4 ---


def fig4_fe_flux(job: RuleJob) -> None:
    """Rule ``fig4_fe_flux``: paper Fig. 4 (meridional Fe+ flux sections and maps at the map level).

    Inputs ``flux`` (``fe_flux.nc``) and ``ranges`` (``flux_106km_range.csv``,
    printed on the map panels); outputs ``png`` and ``extra``. Params ``fig4``
    (``transport.fig4``), ``coastline_shapefile`` and ``dpi`` (``figures``).
    """
    from ..plotting.fig4 import plot_fig4

    cfg = job.params.fig4
    plot_fig4(
        job.input.flux,
        job.input.ranges,
        job.output.png,
        list(job.output.extra),
        months=[int(m) for m in cfg["months"]],
        altitude_km=(float(cfg["altitude_km"]["min"]), float(cfg["altitude_km"]["max"])),
        ratio=float(cfg["ratio"]),
        lat_stride=int(cfg["lat_stride"]),
        altitude_stride_km=float(cfg["altitude_stride_km"]),
        coastline_shapefile=job.params.coastline_shapefile,
        dpi=int(job.params.dpi),
    )


# --- Fig. 5 ---


def fig5_ionosondes(job: RuleJob) -> None:
    """Rule fig5_ionosondes: station map and smoothed daily foEs per chain.

    Inputs: ``daily`` (``results/ionosonde/daily.parquet``), ``stations`` (the
    registry). Params: ``figures`` (``dpi``, ``coastline_shapefile``),
    ``analysis`` (``ionosonde.analysis``: ``window_days`` for the panel titles).
    Outputs: ``png``, ``extra``.
    """
    from ..io.datasets import read_parquet
    from ..ionosonde.stations import load_stations
    from ..plotting.fig5 import plot_fig5

    daily = read_parquet(job.input.daily)
    shown = set(daily["station"])
    stations = [s for s in load_stations(job.input.stations) if s.code in shown]
    plot_fig5(
        daily,
        stations,
        job.output.png,
        list(job.output.extra),
        window_days=int(job.params.analysis["window_days"]),
        dpi=int(job.params.figures["dpi"]),
        coastline_shapefile=job.params.figures["coastline_shapefile"],
    )


# --- Fig. 6 ---


def fig6_peak_doy_latitude(job: RuleJob) -> None:
    """Rule fig6_peak_doy_latitude: latitude against summer-peak DOY with the fits.

    Inputs: ``peaks``, ``means``, ``regression`` (the analysis CSVs). Params:
    ``figures`` (``dpi``). Outputs: ``png``, ``extra``.
    """
    from ..io.datasets import read_csv
    from ..plotting.fig6 import plot_fig6

    plot_fig6(
        read_csv(job.input.peaks),
        read_csv(job.input.means),
        read_csv(job.input.regression),
        job.output.png,
        list(job.output.extra),
        dpi=int(job.params.figures["dpi"]),
    )
