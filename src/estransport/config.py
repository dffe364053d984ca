"""Configuration loading and validation with messages that name the key.

The workflow validates ``config/config.yaml`` against
``estransport/schemas/config.schema.yaml`` (package data) before any rule runs. The same
functions work in a notebook::

    from estransport.config import load_config
    cfg = load_config("config/config.yaml")

JSON Schema catches unknown keys, wrong types and out-of-range scalars; the
cross-field checks in :func:`check_ranges` catch impossible ranges such as an
altitude minimum above its maximum.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

#: The config schema, shipped as package data so that an installed wheel validates a config.
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_PATH = SCHEMA_DIR / "config.schema.yaml"


def _dotted(path) -> str:
    parts = [str(p) for p in path]
    return ".".join(parts) if parts else "<top level>"


def _fill_defaults(instance: Any, schema: Mapping[str, Any]) -> None:
    """Insert schema defaults for absent keys, recursively (in place)."""
    if not isinstance(instance, MutableMapping):
        return
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            default = sub["default"]
            instance[key] = yaml.safe_load(yaml.safe_dump(default))  # deep copy
        if key in instance and isinstance(sub, Mapping):
            _fill_defaults(instance[key], sub)
    # entries of a free-form mapping (``additionalProperties: {properties: ...}``)
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping) and "properties" in extra:
        named = set(schema.get("properties", {}))
        for key, value in instance.items():
            if key not in named:
                _fill_defaults(value, extra)


def load_schema(schema_path: str | os.PathLike = SCHEMA_PATH) -> dict[str, Any]:
    """Load the config schema, inlining ``{$ref: other.schema.yaml}`` file references.

    Each workflow slice owns one schema file (``estransport/schemas/<slice>.schema.yaml``)
    that the top-level schema references by file name; references are resolved
    relative to the referring file.

    Parameters
    ----------
    schema_path : path-like
        Top-level schema (JSON Schema written in YAML).

    Returns
    -------
    dict
        The schema with all file references replaced by their contents.
    """
    schema_path = Path(schema_path)
    if not schema_path.exists():
        raise FileNotFoundError(f"config schema {schema_path} not found")
    with open(schema_path) as fh:
        schema = yaml.safe_load(fh)

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.endswith((".yaml", ".yml")):
                sub = load_schema(schema_path.parent / ref)
                sub.pop("$schema", None)
                extra = {k: v for k, v in node.items() if k != "$ref"}
                return {**sub, **extra}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


def validate_config(
    config: MutableMapping[str, Any], schema_path: str | os.PathLike = SCHEMA_PATH
) -> MutableMapping[str, Any]:
    """Validate ``config`` against the schema, fill defaults and check ranges.

    Parameters
    ----------
    config : mutable mapping
        Configuration as loaded from YAML (and overridden by ``--config``).
    schema_path : path-like
        JSON Schema in YAML.

    Returns
    -------
    mutable mapping
        The same object, with defaults filled in.

    Raises
    ------
    ConfigError
        Naming the dotted key of the first problem found.
    """
    import jsonschema

    schema = load_schema(schema_path)
    _fill_defaults(config, schema)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(dict(config)), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        key = _dotted(err.absolute_path)
        if err.validator == "additionalProperties":
            allowed = sorted(err.schema.get("properties", {}))
            extra = sorted(set(err.instance) - set(allowed))
            key = _dotted(list(err.absolute_path) + extra[:1])
            raise ConfigError(key, f"unknown key; allowed keys here are {allowed}")
        raise ConfigError(key, err.message)
    check_ranges(config)
    return config


def _walk(obj: Any, path: tuple = ()):
    if isinstance(obj, Mapping):
        yield path, obj
        for k, v in obj.items():
            yield from _walk(v, path + (k,))


#: Arrays that must be strictly increasing (dotted keys; ``*`` matches any key of a mapping).
INCREASING_KEYS = (
    "cosmic.years",
    "cosmic.missions.cosmic2.years",
    "cosmic.missions.spire.years",
    "figures.s4max_limits",
    "ionosonde.analysis.summer_window_doy",
    "model.synthetic.cell_bounds_km",
    "lidar.synthetic.nights",
    "lidar.synthetic.clouds.birth_altitude_km",
    "lidar.synthetic.clouds.birth_window_h",
    "lidar.es.lags_h",
    "lidar.es.baseline_h",
    "lidar.figures.density_limits_cm3",
)
#: Inclusive [first, last] ranges: first <= last (a single value is allowed).
NONDECREASING_KEYS = (
    "ionosonde.year_range",
    "ionosonde.synthetic.years.*",
    "lidar.es.response_h",
    "lidar.synthetic.gap_hours",
    "lidar.synthetic.clouds.peak_cm3",
    "lidar.synthetic.clouds.thickness_km",
    "lidar.synthetic.clouds.lifetime_h",
)


#: (inner, outer): the value or {min, max} range at ``inner`` must lie within the
#: {min, max} range at ``outer``. Each pair is a place where one step reads what
#: another made: a level outside the model's altitude grid would only fail after
#: the model rules ran, with a message naming no key.
CONTAINED_KEYS = (
    ("transport.flux.level_km", "model.altitude_km"),
    ("transport.residual_drift.altitude_km", "model.altitude_km"),
    ("transport.velocity_region.altitude_km", "transport.residual_drift.altitude_km"),
    ("transport.convergence.altitude_km", "model.altitude_km"),
    ("transport.fig4.altitude_km", "model.altitude_km"),
    ("model.fig1.altitude_km", "model.altitude_km"),
)


def _get(config: Mapping[str, Any], dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def check_contained(config: Mapping[str, Any]) -> None:
    """Check the ranges of :data:`CONTAINED_KEYS`: each inner value or range inside its outer range.

    Raises
    ------
    ConfigError
        Naming the inner key, its value and the outer key with its range.
    """
    for inner_key, outer_key in CONTAINED_KEYS:
        inner, outer = _get(config, inner_key), _get(config, outer_key)
        if inner is None or not isinstance(outer, Mapping):
            continue
        lo, hi = outer.get("min"), outer.get("max")
        if lo is None or hi is None:
            continue
        if isinstance(inner, Mapping):
            values = [v for v in (inner.get("min"), inner.get("max")) if v is not None]
            shown = f"{inner.get('min')}-{inner.get('max')}"
        else:
            values, shown = [inner], f"{inner}"
        if any(not lo <= v <= hi for v in values):
            raise ConfigError(
                inner_key, f"{shown} lies outside {outer_key} = {lo}-{hi}; change one of the two"
            )


def _lookup(config: Mapping[str, Any], dotted: str):
    """Yield (dotted key, value) for a key pattern whose last part may be ``*``."""
    parts = dotted.split(".")
    node: Any = config
    for i, part in enumerate(parts):
        if part == "*" and i == len(parts) - 1:
            if isinstance(node, Mapping):
                for k, v in node.items():
                    yield ".".join(parts[:-1] + [str(k)]), v
            return
        if not isinstance(node, Mapping) or part not in node:
            return
        node = node[part]
    yield dotted, node


def check_ranges(config: Mapping[str, Any]) -> None:
    """Check every ``{min, max}`` pair, ordered arrays and other cross-field constraints.

    Parameters
    ----------
    config : mapping
        Validated configuration.

    Raises
    ------
    ConfigError
        If a ``min`` is not below its ``max``, an array of :data:`INCREASING_KEYS`
        is not strictly increasing, a range of :data:`NONDECREASING_KEYS` has
        first > last, or a source lacks what it needs.
    """
    for path, node in _walk(config):
        if "min" in node and "max" in node:
            lo, hi = node["min"], node["max"]
            if lo is not None and hi is not None and not lo < hi:
                raise ConfigError(
                    _dotted(path + ("min",)), f"minimum {lo} is not below maximum {hi}"
                )
    for patterns, ordered, wording in (
        (INCREASING_KEYS, lambda a, b: a < b, "strictly increasing"),
        (NONDECREASING_KEYS, lambda a, b: a <= b, "in order [first, last]"),
    ):
        for pattern in patterns:
            for key, value in _lookup(config, pattern):
                if value is None or not isinstance(value, (list, tuple)):
                    continue
                if any(not ordered(a, b) for a, b in zip(value[:-1], value[1:], strict=True)):
                    raise ConfigError(key, f"values must be {wording}, got {list(value)}")
    check_contained(config)
    cosmic = config.get("cosmic", {})
    if cosmic.get("source") == "local" and not cosmic.get("local_archive"):
        raise ConfigError(
            "cosmic.local_archive", "source is 'local' but no local_archive directory is given"
        )
    _check_lidar(config.get("lidar", {}))
    for name, mission in (cosmic.get("missions") or {}).items():
        if not mission.get("enabled"):
            continue
        key = f"cosmic.missions.{name}"
        if mission.get("source") == "local" and not mission.get("local_archive"):
            raise ConfigError(
                f"{key}.local_archive", "source is 'local' but no local_archive directory is given"
            )
        if mission.get("source") == "synthetic" and mission.get("product") not in (
            "scnLv2",
            "podTc2",
        ):
            raise ConfigError(
                f"{key}.product",
                f"the synthetic generator writes scnLv2 or podTc2, not {mission.get('product')!r}",
            )
    monthly = cosmic.get("monthly")
    alt = cosmic.get("qc", {}).get("altitude_km")
    if monthly and alt:
        n = (alt["max"] - alt["min"]) / monthly["alt_resolution_km"]
        if abs(n - round(n)) > 1e-9:
            raise ConfigError(
                "cosmic.monthly.alt_resolution_km",
                f"{monthly['alt_resolution_km']} km does not divide the Es range "
                f"{alt['min']}-{alt['max']} km (cosmic.qc.altitude_km)",
            )


def _check_lidar(lidar: Mapping[str, Any]) -> None:
    """Cross-field checks of the ``lidar`` section (docs/science.md §9)."""
    if not lidar:
        return
    det = lidar.get("detection", {})
    if "base_km" in det and "top_km" in det and not det["base_km"] < det["top_km"]:
        raise ConfigError(
            "lidar.detection.base_km",
            f"{det['base_km']} km is not below lidar.detection.top_km {det['top_km']} km",
        )
    es = lidar.get("es", {})
    lags = es.get("lags_h")
    for key in ("baseline_h", "response_h"):
        win = es.get(key)
        if lags and win and not (lags[0] <= win[0] and win[1] <= lags[1]):
            raise ConfigError(f"lidar.es.{key}", f"{win} lies outside lidar.es.lags_h {lags}")
    syn = lidar.get("synthetic", {})
    nights = set(syn.get("nights", []))
    cloudy = [n for n in syn.get("cloudy_nights", []) if n not in nights]
    if cloudy:
        raise ConfigError(
            "lidar.synthetic.cloudy_nights", f"{cloudy} are not in lidar.synthetic.nights"
        )


def load_config(
    path: str | os.PathLike = "config/config.yaml", schema_path: str | os.PathLike = SCHEMA_PATH
) -> dict[str, Any]:
    """Load and validate a configuration file (for notebooks and scripts).

    Parameters
    ----------
    path : path-like
        YAML configuration file.
    schema_path : path-like
        JSON Schema in YAML.

    Returns
    -------
    dict
        Validated configuration with defaults filled in.
    """
    with open(path) as fh:
        config = yaml.safe_load(fh) or {}
    return dict(validate_config(config, schema_path))
