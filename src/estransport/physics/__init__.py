"""Physics of the ion drift: geomagnetic field, collisions, drift solution, TEM.

Modules
-------
constants
    Physical constants with their sources (SI units).
igrf
    Inclination, declination and field strength from IGRF-14 (``ppigrf``).
collisions
    Fe+ ion-neutral collision frequency, gyrofrequency and their ratio r_i.
drift
    Steady ion drift in a neutral wind and electric field (Yu et al. 2021, A2-A5).
tem
    Transformed Eulerian Mean residual circulation from 3-D model fields.
flux
    Fe+ flux n(Fe+) v_i, its zonal mean, level maps, divergence and ranges.
residual_drift
    Monthly ion drift driven by the zonal-mean residual circulation (Fig. 3 arrows).
"""
