"""Configuration errors name the key; the default config and schema agree."""

from __future__ import annotations

import copy

import pytest
import yaml

from estransport.config import load_config, load_schema, validate_config
from estransport.errors import ConfigError

from .workflow_helpers import REPO, make_workdir, snakemake


@pytest.fixture()
def cfg():
    with open(REPO / "config" / "config.yaml") as fh:
        return yaml.safe_load(fh)


def test_default_config_is_valid():
    cfg = load_config(REPO / "config" / "config.yaml")
    assert cfg["cosmic"]["qc"]["altitude_km"] == {"min": 90, "max": 130}


def test_every_schema_key_has_type_description_default():
    schema = load_schema()

    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            where = ".".join(path + [key])
            assert "description" in sub, f"{where} has no description"
            assert "default" in sub, f"{where} has no default"
            assert "type" in sub or "enum" in sub, f"{where} has no type"
            walk(sub, path + [key])

    walk(schema, [])


def test_empty_config_gets_defaults():
    cfg = validate_config({})
    assert cfg["cosmic"]["source"] == "synthetic"
    assert cfg["cosmic"]["qc"]["s4max"] == {"min": 0.0, "max": 5.0}


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda c: c["cosmic"].update(sourse="cdaac"), "cosmic.sourse"),
        (lambda c: c["cosmic"].update(source="ftp"), "cosmic.source"),
        (lambda c: c["cosmic"].update(years="2008"), "cosmic.years"),
        (lambda c: c["cosmic"]["qc"]["altitude_km"].update(min=140), "cosmic.qc.altitude_km.min"),
        (lambda c: c["cosmic"]["maps"].update(min_count=0), "cosmic.maps.min_count"),
        (lambda c: c["cosmic"].update(years=[2009, 2008]), "cosmic.years"),
        (lambda c: c["cosmic"].update(source="local", local_archive=None), "cosmic.local_archive"),
        (lambda c: c.update(cosmik={}), "cosmik"),
        (
            lambda c: c["cosmic"]["monthly"].update(alt_resolution_km=3.0),
            "cosmic.monthly.alt_resolution_km",
        ),
        (lambda c: c["figures"].update(s4max_limits=[1.0, 0.0]), "figures.s4max_limits"),
        (
            lambda c: c["ionosonde"]["analysis"].update(summer_window_doy=[273, 91]),
            "ionosonde.analysis.summer_window_doy",
        ),
        (lambda c: c["ionosonde"].update(year_range=[2010, 2008]), "ionosonde.year_range"),
        (
            lambda c: c["ionosonde"]["synthetic"]["years"].update(Greenwich=[1997, 1995]),
            "ionosonde.synthetic.years.Greenwich",
        ),
        (
            lambda c: c["model"]["synthetic"].update(cell_bounds_km=[70, 115, 95, 170]),
            "model.synthetic.cell_bounds_km",
        ),
        # cross-key: a level or range one step reads must lie on the grid another step makes
        (lambda c: c["transport"]["flux"].update(level_km=200.0), "transport.flux.level_km"),
        (
            lambda c: c["transport"]["residual_drift"].update(altitude_km={"min": 100, "max": 160}),
            "transport.residual_drift.altitude_km",
        ),
        (
            lambda c: c["model"].update(altitude_km={"min": 80, "max": 110, "step": 1}),
            "transport.residual_drift.altitude_km",
        ),  # a shrunken model grid is caught too
        (
            lambda c: c["transport"]["velocity_region"].update(altitude_km={"min": 95, "max": 118}),
            "transport.velocity_region.altitude_km",
        ),
    ],
)
def test_errors_name_the_key(cfg, mutate, key):
    bad = copy.deepcopy(cfg)
    mutate(bad)
    with pytest.raises(ConfigError) as info:
        validate_config(bad)
    assert info.value.key == key
    assert f"'{key}'" in str(info.value)


def test_single_year_ranges_are_allowed(cfg):
    ok = copy.deepcopy(cfg)
    ok["ionosonde"]["year_range"] = [2009, 2009]
    ok["ionosonde"]["synthetic"]["years"]["Greenwich"] = [1996, 1996]
    validate_config(ok)


def test_snakemake_stops_before_any_rule_on_bad_config(tmp_path):
    wd = make_workdir(tmp_path, "invalid_qc_range")  # cosmic.qc.altitude_km inverted
    proc = snakemake(wd, "--cores", "1", "--dry-run", check=False)
    assert proc.returncode != 0
    assert "cosmic.qc.altitude_km.min" in proc.stdout + proc.stderr
    assert not (wd / "resources").exists() and not (wd / "results").exists()
