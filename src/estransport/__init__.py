"""estransport: reproduce Yu et al. (2021, ACP 21, 4219) from raw data.

The package holds all the science; the Snakemake rules only connect files to
the functions here, so every step can also be run from a notebook.

Subpackages
-----------
io
    Readers and writers for raw formats (CDAAC scnLv1, netCDF-3 headers),
    atomic output writing and downloads.
synthetic
    Generators of the embedded default data, in the real file formats, with a
    documented planted truth.
climatology
    Streaming gridding of events into seasonal and monthly climatologies.
model
    WACCM/CESM history reader, the model state on an altitude grid, and the
    TEM residual circulation from history files.
physics
    IGRF-14 field, collision and gyro frequencies, the generalized wind-shear
    ion drift (with an electric field) and the TEM equations.
ionosonde
    foEs parsers (SAO, SAO.XML, DIDBase, IIWG/UKSSDC), the station registry,
    sources and the summer-peak analysis.
plotting
    The paper's figures, with one shared matplotlib style.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("estransport")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = ["__version__"]
