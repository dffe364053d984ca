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
analysis
    Daily means, smoothing, summer-peak DOY, latitude-DOY regression (SCIENCE.md 7).
"""
