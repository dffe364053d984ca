"""Logging set-up shared by rule scripts and command-line use."""

from __future__ import annotations

import logging
import os
import sys


def setup_logging(logfile: str | os.PathLike | None = None, level: int = logging.INFO) -> None:
    """Send log records (and uncaught exceptions) to ``logfile`` and to stderr.

    Rule scripts call this first with ``snakemake.log[0]``, so every job leaves
    a readable log with timings and progress, and the traceback of a failure.

    Parameters
    ----------
    logfile : path-like, optional
        File to write; its directory is created.
    level : int
        Logging level, default INFO.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if logfile is not None:
        os.makedirs(os.path.dirname(os.fspath(logfile)) or ".", exist_ok=True)
        handlers.append(logging.FileHandler(logfile, mode="w"))
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )

    # Third-party chatter (font subsetting while writing PDFs) is not progress.
    for noisy in ("fontTools", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    def _excepthook(exc_type, exc, tb):
        logging.getLogger("estransport").critical("failed", exc_info=(exc_type, exc, tb))

    sys.excepthook = _excepthook
