"""Model fields: CESM/WACCM history reader, model state on altitude levels, workflow steps.

Modules
-------
cesm
    Lazy (dask) reader of CAM/WACCM history files on hybrid levels: pressure,
    geometric altitude, vertical wind, time from ``time_bnds``, column
    interpolation to fixed altitudes.
state
    The CF model-state Dataset (time x altitude x lat x lon) the drift, TEM and
    flux steps read.
circulation
    TEM residual circulation (v*, w*) from history files (pressure levels).
sources
    Where the history files come from (synthetic or placed by hand).
steps
    One function per workflow step (what the rule scripts call).
"""
