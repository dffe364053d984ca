"""Parameters of the synthetic WACCM history files: layout and planted values."""

from __future__ import annotations

from dataclasses import dataclass

#: Every calendar month: the synthetic run covers one model year.
ALL_MONTHS = tuple(range(1, 13))


@dataclass(frozen=True)
class SyntheticWaccmParameters:
    """Planted truth and layout of the synthetic WACCM history files.

    Every field but ``months`` is required: the values come from config
    ``model.synthetic`` (and ``model.msis`` for F10.7 and Ap), whose defaults
    live in the schema (``estransport/schemas/model.schema.yaml``);
    :func:`estransport.steps.model.synthetic_waccm_parameters` builds this
    object from the config.

    Attributes
    ----------
    year : int
        Model year written in the files (noleap calendar).
    case : str
        CESM case name (global attribute ``case`` and file-name prefix).
    lat_step_deg, lon_step_deg : float
        Grid spacing, degrees. Latitudes are cell centres (-87.5 ... 87.5 for 5),
        longitudes start at 0.
    samples_per_day : int
        0: one monthly-mean record per month (tape h0, files
        ``{case}.cam.h0.YYYY-MM.nc``); n > 0: n instantaneous records at
        equally spaced UTs on the 15th (tape h1, ``{case}.cam.h1.YYYY-MM-15-00000.nc``).
    top_pressure_pa : float
        Pressure of the model-top interface, Pa (5e-5 Pa is about 180 km).
    dlnp_upper, dlnp_lower : float
        Interface spacing in ln p above and below ``upper_boundary_pa``.
    upper_boundary_pa : float
        Pa; above it levels are spaced by ``dlnp_upper``.
    pure_pressure_below_pa : float
        Interfaces at reference pressure below this (Pa) are pure pressure
        (hybm = 0); below it B rises to 1 at the surface.
    surface_pressure_pa, surface_pressure_wave_pa : float
        PS = mean + wave x sin(2 lat) cos(lon), Pa.
    f107, f107a : float
        F10.7 and its 81-day mean for NRLMSIS, sfu.
    ap : float
        Daily Ap for NRLMSIS.
    cell_bounds_km : tuple of 4 float
        Reference altitudes bounding the mesospheric, lower-thermospheric and
        upper-thermospheric cells, km.
    v_mesosphere, v_lower_thermosphere, v_upper_thermosphere : float
        Peak residual meridional speed of each cell at the equator at
        solstice, m s-1 (summer-to-winter, winter-to-summer, summer-to-winter).
    eddy_mean_flow : float
        max |v_bar - v*|, the eddy-induced part of the Eulerian mean flow, m s-1.
    eddy_center_km : float
        Reference altitude of the centre of the eddy streamfunction, km.
    eddy_width_scale_heights : float
        Gaussian width of the eddy streamfunction in ln p (scale heights).
    eddy_wave_v : float
        Amplitude of the stationary wave in v at the eddy centre, m s-1.
    eddy_wavenumber : int
        Zonal wavenumber of the stationary wave.
    jet : float
        Zonal-mean zonal wind amplitude, m s-1 (westerly in the winter
        mesosphere).
    jet_reversal_km : float
        Altitude where the zonal-mean wind changes sign, km.
    diurnal_tide, semidiurnal_tide : float
        Zonal-wind tide amplitudes at ``tide_peak_km``, m s-1.
    diurnal_wavelength_km, semidiurnal_wavelength_km : float
        Vertical wavelengths of the tides, km (phase descends with time).
    tide_peak_km, tide_width_km : float
        Gaussian envelope of the tide amplitudes, km.
    fep_peak_m3 : float
        Peak Fe+ number density, m-3.
    fep_peak_km : float
        Altitude of the Fe+ peak, km.
    fep_width_below_km, fep_width_above_km : float
        Gaussian widths (standard deviations) below and above the peak, km.
    fep_summer_enhancement : float
        Relative enhancement in the summer hemisphere (0 = none).
    electric_field_mv_m : float
        E0 of the planted electric field, mV m-1 (0 = no EX/EY/EZ written).
    months : tuple of int
        Calendar months written, one file each (not a config key: the
        workflow writes all twelve; tests may ask for fewer).
    """

    year: int
    case: str
    lat_step_deg: float
    lon_step_deg: float
    samples_per_day: int
    top_pressure_pa: float
    dlnp_upper: float
    dlnp_lower: float
    upper_boundary_pa: float
    pure_pressure_below_pa: float
    surface_pressure_pa: float
    surface_pressure_wave_pa: float
    f107: float
    f107a: float
    ap: float
    cell_bounds_km: tuple[float, float, float, float]
    v_mesosphere: float
    v_lower_thermosphere: float
    v_upper_thermosphere: float
    eddy_mean_flow: float
    eddy_center_km: float
    eddy_width_scale_heights: float
    eddy_wave_v: float
    eddy_wavenumber: int
    jet: float
    jet_reversal_km: float
    diurnal_tide: float
    semidiurnal_tide: float
    diurnal_wavelength_km: float
    semidiurnal_wavelength_km: float
    tide_peak_km: float
    tide_width_km: float
    fep_peak_m3: float
    fep_peak_km: float
    fep_width_below_km: float
    fep_width_above_km: float
    fep_summer_enhancement: float
    electric_field_mv_m: float
    months: tuple[int, ...] = ALL_MONTHS
