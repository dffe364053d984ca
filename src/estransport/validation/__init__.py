"""Monte Carlo validation: how well each estimate recovers a planted truth (docs/science.md §10).

Modules
-------
:mod:`.metrics`
    Bias, RMSE, spread and interval coverage of an estimator over seeds (generic).
:mod:`.ionosonde_shortcut`
    The synthetic ionosonde generator's soundings for one seed, reduced in memory to the
    station-year summer peaks (no file write/parse round trip), exactly as the full path
    gives them.
:mod:`.ionosonde_mc`
    The ionosonde Monte Carlo: configurations (noise, gaps, years, station sets, planted
    slopes), every estimator of :mod:`estransport.ionosonde.estimators` on each seed, a
    process pool over seeds, and the summary table.
:mod:`.cosmic_mc`
    The COSMIC headline numbers over seeds (seasonal S4max maps at two resolutions, winter
    trough, summer Es band edges) against the planted climatology.
:mod:`.report`
    The validation tables as one HTML page for the report.

Layer: above ``ionosonde``, ``synthetic``, ``climatology`` and ``physics`` (it runs their
functions); beside ``tables`` and ``plotting``; below ``steps``.
"""
