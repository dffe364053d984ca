"""Ionosonde foEs: parsers of the real archive formats, stations, downloads and analysis.

Every parser turns one archive format into the same hourly table
(:mod:`.schema`), so the analysis never sees where a value came from except
through its ``source_file`` and ``source_line`` columns.

Modules
-------
schema
    The one table schema (UT time, station, foEs in MHz, letters, confidence,
    h'Es, fbEs, type of Es, provenance) and its validation.
sao
    Digisonde SAO 4.x (``FF``/``FE``/``AA`` prefaces, multi-record files).
saoxml
    Digisonde SAO.XML 5.0.
didbase
    GIRO DIDBase ``DIDBGetValues`` / FastChar text exports.
ukssdc
    URSI IIWG station-month files and the UKSSDC 128-byte daily Data File.
stations
    The station registry ``config/stations.tsv``.
sources
    Where raw files come from: GIRO and UKSSDC downloads, manual archives.
plan
    Which stations, years and raw files a configuration asks for (the rules file's
    :class:`~.plan.IonosondePlan`).
hourly
    Raw files to one value per station and UT hour (parser choice, confidence filter).
daily
    Daily means and their smoothing.
peaks
    Summer-peak DOY of each station-year and its mean per station.
regression
    Latitude-DOY fits, their bootstrap interval and the slope as a speed.
analysis
    The steps chained over all stations (docs/science.md 7); re-exports the names above.

The rule entry points that read the configuration are in
:mod:`estransport.steps.ionosonde`.
"""
