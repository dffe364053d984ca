"""Exception types that name the file, line or configuration key at fault.

Every error a user can cause with bad input derives from :class:`ValueError`,
so callers can catch them together, and carries enough context to act on
without reading a traceback.
"""

from __future__ import annotations

import os


class EstransportError(Exception):
    """Base class of all estransport errors."""


class ConfigError(EstransportError, ValueError):
    """A configuration value is missing, of the wrong type or out of range.

    Parameters
    ----------
    key : str
        Dotted path of the offending key, e.g. ``cosmic.qc.altitude_km.min``.
    message : str
        What is wrong with it.
    """

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"config key '{key}': {message}")


class InputFileError(EstransportError, ValueError):
    """A raw or intermediate input file cannot be used.

    Parameters
    ----------
    path : str or os.PathLike
        The file at fault.
    message : str
        What is wrong with it.
    line : int, optional
        1-based line number, for text formats.
    member : str, optional
        Archive member name, for tarballs.

    Attributes
    ----------
    path, line, member
        As given (``path`` as a string).
    detail : str
        ``message`` alone, without the location; for callers that name the
        file otherwise (a download names its URL, not its temporary file).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        message: str,
        *,
        line: int | None = None,
        member: str | None = None,
    ):
        self.path = os.fspath(path)
        self.line = line
        self.member = member
        self.detail = message
        where = self.path
        if member is not None:
            where += f" [member {member}]"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")


class TruncatedFileError(InputFileError):
    """A file ends before its format says it should: a download or a copy cut short.

    Raised by validators (e.g. :func:`estransport.io.download.is_gzip_tar`) so
    that a downloader can tell a body cut in transit, worth fetching again,
    from complete content that is wrong. Parameters as :class:`InputFileError`.
    """


class DownloadError(EstransportError, OSError):
    """A download failed after all retries, or returned something that is not the data.

    Parameters
    ----------
    url : str
        The URL that was requested (the last one tried, for fallbacks).
    message : str
        What went wrong, including the HTTP status where there was one.
    what : str, optional
        A human description of the item, e.g. ``"COSMIC scnLv1 day 2008-100"``.
    """

    def __init__(self, url: str, message: str, *, what: str | None = None):
        self.url = url
        self.what = what
        prefix = f"{what}: " if what else ""
        super().__init__(f"{prefix}{message} (URL: {url})")


class MissingInputsError(EstransportError, FileNotFoundError):
    """Files that must be placed by hand (login-only archives, a local archive) are missing.

    Parameters
    ----------
    missing : list of str
        Paths that are expected but absent.
    instructions : str
        Where to get them and where to put them.
    source : str, optional
        Which source the files belong to, e.g. ``"COSMIC local archive,
        cosmic.local_archive"``; shown after the count, a heading when several
        sources are listed together (:meth:`combine`).

    Attributes
    ----------
    missing : list of str
        Every missing path (of every source, for a combined error).
    parts : list of MissingInputsError
        The errors of the single sources (``[self]`` for one source).
    """

    def __init__(self, missing: list[str], instructions: str, *, source: str | None = None):
        self.missing = list(missing)
        self.instructions = instructions
        self.source = source
        self.parts = [self]
        super().__init__(self._section())

    def _section(self) -> str:
        listing = "\n".join(f"  - {m}" for m in self.missing)
        of = f" ({self.source})" if self.source else ""
        return (
            f"{len(self.missing)} required input file(s) are missing{of}:\n{listing}\n"
            f"{self.instructions}"
        )

    @classmethod
    def combine(cls, errors: list[MissingInputsError]) -> MissingInputsError:
        """One error listing every missing file of several sources, source by source.

        Parameters
        ----------
        errors : list of MissingInputsError
            One per source (at least one).

        Returns
        -------
        MissingInputsError
            ``errors[0]`` itself if there is only one.
        """
        parts = [p for err in errors for p in err.parts]
        if len(parts) == 1:
            return parts[0]
        combined = cls.__new__(cls)
        combined.missing = [m for p in parts for m in p.missing]
        combined.instructions = "\n".join(p.instructions for p in parts)
        combined.source = None
        combined.parts = parts
        sections = "\n\n".join(
            f"[{i}/{len(parts)}] {p._section()}" for i, p in enumerate(parts, start=1)
        )
        FileNotFoundError.__init__(
            combined,
            f"{len(combined.missing)} required input file(s) are missing, from "
            f"{len(parts)} sources:\n\n{sections}",
        )
        return combined


class OutputWriteError(EstransportError, OSError):
    """An output could not be written: no space left, a read-only file system, no permission.

    Parameters
    ----------
    path : str or os.PathLike
        The output that was being written.
    message : str
        What went wrong and what to do about it.
    """

    def __init__(self, path: str | os.PathLike, message: str):
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: {message}")
