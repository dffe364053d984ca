"""Rule entry points: the one layer that reads the configuration mapping.

Every rule script of the workflow is two lines: it imports one step function
from a slice module of this package and hands it to :func:`run` with the
``snakemake`` object::

    from estransport.steps import run
    from estransport.steps.cosmic import seasonal_maps

    run(seasonal_maps, snakemake)

A step receives one :class:`RuleJob` (the rule's named inputs, outputs,
params, wildcards and threads), pulls the config sections it needs out of
``job.params`` and calls the science functions of the library with explicit
keyword arguments. Science modules (``io``, ``physics``, ``climatology``,
``ionosonde``, ``model``, ``synthetic``, ``tables``, ``plotting``) never import
from here, and they never read a config mapping: defaults live in the schema
(``estransport/schemas``) alone, which :func:`estransport.config.validate_config`
fills in before any rule runs.

The same steps run in a notebook with a hand-made job::

    from estransport.config import load_config
    from estransport.steps import RuleJob
    from estransport.steps.cosmic import seasonal_maps

    cfg = load_config("config/config.yaml")
    seasonal_maps(RuleJob(input={"events": [...]}, output={"maps": [...]},
                          params={"maps": cfg["cosmic"]["maps"], ...}))

Slice modules: :mod:`.cosmic`, :mod:`.model`, :mod:`.ionosonde`,
:mod:`.transport`, :mod:`.figures`; :mod:`.preflight` checks the files of
every real source at once while the DAG is built.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ..logutil import setup_logging

__all__ = ["RuleJob", "run"]


def _namespace(value: Any) -> Any:
    """Attribute access to a mapping (as Snakemake's named lists give); other values pass."""
    if isinstance(value, Mapping):
        return SimpleNamespace(**value)
    return value


@dataclass
class RuleJob:
    """What one rule job hands to its step: named inputs, outputs, params and wildcards.

    Parameters
    ----------
    input, output, params, wildcards : mapping or namespace
        Named entries, read by attribute (``job.input.events``); Snakemake's
        named lists qualify as they are, a dict is wrapped.
    threads : int
        Cores the job may use.
    log : list of str
        Log files of the job (the first one receives the log records).
    """

    input: Any = field(default_factory=dict)
    output: Any = field(default_factory=dict)
    params: Any = field(default_factory=dict)
    wildcards: Any = field(default_factory=dict)
    threads: int = 1
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.input = _namespace(self.input)
        self.output = _namespace(self.output)
        self.params = _namespace(self.params)
        self.wildcards = _namespace(self.wildcards)

    @classmethod
    def from_snakemake(cls, smk: Any) -> RuleJob:
        """The job of a running rule script (the ``snakemake`` object Snakemake injects)."""
        return cls(
            input=smk.input,
            output=smk.output,
            params=smk.params,
            wildcards=smk.wildcards,
            threads=int(smk.threads),
            log=list(smk.log),
        )


def run(step: Callable[[RuleJob], Any], smk: Any) -> Any:
    """Run one step as a rule job: log records and Python warnings go to the rule's log.

    Parameters
    ----------
    step : callable
        A step function of this package, taking one :class:`RuleJob`.
    smk : snakemake.script.Snakemake
        The object Snakemake injects into rule scripts.

    Returns
    -------
    object
        Whatever the step returns.
    """
    job = RuleJob.from_snakemake(smk)
    setup_logging(job.log[0] if job.log else None)
    # Python warnings (pandas, xarray, numpy, our own) belong in the job's log,
    # once per place, rather than only on the terminal of whoever ran Snakemake.
    logging.captureWarnings(True)
    warnings.simplefilter("default")
    return step(job)
