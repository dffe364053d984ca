"""One matplotlib style for every figure, and a saver that writes all formats.

Journal-like defaults: 8-9 pt sans-serif text, thin axes, inward ticks and a
perceptually uniform colour map, so figures look alike whichever rule made them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # rule jobs have no display

import matplotlib.pyplot as plt  # noqa: E402

from ..io.atomic import atomic_path  # noqa: E402

#: Season of each panel of the paper's Fig. 2: (a) and (c) northern winter, (b) and (d)
#: northern summer. The one panel -> season map of the project (rules and plotting).
FIG2_PANEL_SEASON = {"a": "DJF", "b": "JJA", "c": "DJF", "d": "JJA"}

#: Width of a two-column ACP figure, in inches (ACP: 17.5 cm text width).
FULL_WIDTH_IN = 6.9
#: Width of a one-column figure, in inches (8.3 cm).
SINGLE_WIDTH_IN = 3.3

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "axes.linewidth": 0.6,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "image.cmap": "viridis",
    "pdf.fonttype": 42,  # embed TrueType: text stays editable in the PDF
}


def apply_style() -> None:
    """Apply the estransport matplotlib style globally (idempotent)."""
    plt.rcParams.update(RC)


def save_figure(
    fig: matplotlib.figure.Figure,
    png_path: str | os.PathLike,
    extra_paths: Iterable[str | os.PathLike] = (),
    *,
    dpi: int = 200,
) -> None:
    """Save ``fig`` as PNG and every extra format, each written atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to save; it is closed afterwards.
    png_path : path-like
        PNG destination (the file the report shows).
    extra_paths : iterable of path-like
        Further destinations; the format follows the suffix (``.pdf``, ``.svg``).
    dpi : int
        Raster resolution in dots per inch.
    """
    for path in [Path(png_path), *map(Path, extra_paths)]:
        fmt = path.suffix.lstrip(".").lower()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_reproducible_metadata(fmt))
    plt.close(fig)


def _reproducible_metadata(fmt: str) -> dict | None:
    """Metadata without the time of writing, so the same figure gives the same bytes.

    Matplotlib stamps PDF files with ``CreationDate`` and SVG files with ``Date``
    unless told not to; PNG carries no date.
    """
    if fmt == "pdf":
        return {"CreationDate": None}
    if fmt == "svg":
        return {"Date": None}
    return None
