"""Synthetic WACCM history files with a planted truth (the embedded default model).

The generator writes files in the CESM/CAM history layout (docs/formats.md
section 4): netCDF-3 64-bit offset, hybrid sigma-pressure levels (``hyam``,
``hybm``, ``hyai``, ``hybi``, ``P0``, ``PS``, ``lev``, ``ilev``), ``time`` /
``time_bnds`` / ``date`` / ``datesec`` with a ``noleap`` calendar, float32
fields ``T U V OMEGA Z3 PHIS Fep O O2`` (and ``EX EY EZ``), CAM attributes
(``Conventions``, ``source``, ``case``, ``time_period_freq``, ``cell_methods``,
``mixing_ratio``). The reader (:mod:`estransport.model.cesm`) reads them like
real WACCM output, so the default run takes the real-data path.

What is planted (every number is a field of :class:`SyntheticWaccmParameters`):

* **Background** temperature, pressure and composition: NRLMSIS 2.1 diurnal
  means on the 15th of each month (F10.7 and Ap explicit). Each level's
  geometric altitude is where the MSIS pressure equals the level pressure;
  ``Z3`` is the matching geopotential height R_E z / (R_E + z).
* **Residual circulation** v*(p, lat, month) = s(month) G(z_ref(p)) cos(lat),
  with s = cos(2 pi (month - 1) / 12) (+1 in January, -1 in July) and
  G a sum of three sin^2 lobes: summer-to-winter ``v_mesosphere`` between
  ``cell_bounds_km[0]`` and ``[1]`` (70-95 km), winter-to-summer
  ``v_lower_thermosphere`` between ``[1]`` and ``[2]`` (95-115 km), and
  summer-to-winter ``v_upper_thermosphere`` between ``[2]`` and ``[3]``
  (115-170 km). z_ref(p) is the annual, area-weighted mean geometric altitude
  of the pressure surface. omega* follows from mass continuity with
  omega* = 0 at p = 0.
* **Eddies**: a stationary zonal wave (``eddy_wavenumber``) in v and theta
  whose heat flux [v'theta'] = psi d(theta_bar)/dp carries the eddy
  streamfunction psi = A sin(2 lat) p q(zeta), q a Gaussian in
  zeta = ln(P0/p) centred at ``eddy_center_km`` with width
  ``eddy_width_scale_heights``; A is set so that max |v_bar - v*| =
  ``eddy_mean_flow``. The Eulerian mean flow written to the files is
  v_bar = v* + d(psi)/dp and omega_bar = omega* - (1/(a cos lat)) d(psi cos lat)/d(lat),
  so the TEM step has to use the eddy fluxes to recover v* and omega*.
  theta_bar and d(theta_bar)/dp are computed here in closed form with a
  literal R/c_p = 2/7, never with :mod:`estransport.physics.tem`, so the
  recovery tests check the library's kappa, theta and d/dp.
* **Zonal wind**: solstitial jets ``jet`` s(month) sin(2 lat), reversing sign
  across ``jet_reversal_km`` over +-20 km, plus migrating diurnal and
  semidiurnal tides (amplitudes ``diurnal_tide``, ``semidiurnal_tide``,
  vertical wavelengths ``*_wavelength_km``, Gaussian envelope centred at
  ``tide_peak_km``). Tides average out of monthly means (``samples_per_day``
  = 0, tape h0); with ``samples_per_day`` = n > 0 an instantaneous tape h1
  holds n universal times on the 15th of each month and the tides are there.
* **Fe+**: number density n_peak exp(-(z - z_peak)^2 / (2 sigma^2)), sigma
  = ``fep_width_below_km`` below and ``fep_width_above_km`` above the peak,
  times 1 + ``fep_summer_enhancement`` x (-s sin lat) (larger in the summer
  hemisphere); written as the mixing ratio n / (p / k_B T).
* **Electric field** (``electric_field_mv_m`` > 0): EX = E0 cos(lat),
  EY = 0.5 E0 sin(2 lat), EZ = 0, constant in height and time.

The generator also returns the planted truth (v*, omega*, psi, v_bar,
omega_bar and z_ref on pressure levels) and writes it beside the history
files as ``planted_truth.nc`` for the tests.

Modules
-------
params
    :class:`SyntheticWaccmParameters` (every planted number).
truth
    The analytic planted shapes (:func:`seasonal_factor`, :func:`cell_profile`,
    :func:`fep_density`, :func:`zonal_wind`, the eddy streamfunction).
grid
    Hybrid levels, latitudes, longitudes, time axis and the MSIS background.
fields
    :func:`planted_fields`: the truth evaluated on the grid.
writer
    :func:`write_synthetic_history` and :func:`history_file_names`: the files
    in the CESM layout.
"""

from .fields import planted_fields
from .grid import hybrid_coefficients
from .params import ALL_MONTHS, SyntheticWaccmParameters
from .truth import cell_profile, fep_density, seasonal_factor, zonal_wind
from .writer import history_file_names, write_synthetic_history

__all__ = [
    "ALL_MONTHS",
    "SyntheticWaccmParameters",
    "cell_profile",
    "fep_density",
    "history_file_names",
    "hybrid_coefficients",
    "planted_fields",
    "seasonal_factor",
    "write_synthetic_history",
    "zonal_wind",
]
