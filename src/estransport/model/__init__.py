"""Model fields: CESM/WACCM history reader, model state on altitude levels, drift, TEM.

Modules
-------
cesm
    Lazy (dask) reader of CAM/WACCM history files on hybrid levels: pressure,
    geometric altitude, time from ``time_bnds`` (the formulas are in
    :mod:`estransport.physics.vertical`).
interpolate
    Column-by-column interpolation to fixed altitudes or pressures.
state
    The CF model-state Dataset (time x altitude x lat x lon) the drift, TEM and
    flux steps read.
drift
    Fe+ drift on the model grid, split by driver (U, V, W, E x B, Pedersen).
circulation
    TEM residual circulation (v*, w*) from history files (pressure levels).
sources
    Where the history files come from (synthetic or placed by hand).

The rule entry points are in :mod:`estransport.steps.model`.
"""
