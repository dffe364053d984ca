"""Configuration of the current missions and the helpers the workflow builds its DAG from."""

from __future__ import annotations

import pytest

from estransport.config import validate_config
from estransport.errors import ConfigError
from estransport.steps import missions as steps

from .workflow_helpers import default_config


def _cfg(**cosmic):
    cfg = default_config()
    for key, value in cosmic.items():
        cfg["cosmic"][key] = value
    return validate_config(cfg)["cosmic"]


def test_schema_defaults_and_the_embedded_default():
    empty = validate_config({})["cosmic"]
    assert empty["missions"]["cosmic2"]["enabled"] is False  # opt-in beyond the paper
    assert steps.enabled_missions(empty) == []
    assert steps.combined_members(empty) == ["cosmic1"]  # one running: no combined products
    cosmic = _cfg()
    assert steps.enabled_missions(cosmic) == ["cosmic2"]
    assert steps.combined_members(cosmic) == ["cosmic1", "cosmic2"]
    assert steps.combined_years(cosmic) == [2008, 2022]
    cov = {c.mission: (c.lat_min, c.lat_max) for c in steps.combined_coverages(cosmic)}
    assert cov == {"cosmic1": (-90.0, 90.0), "cosmic2": (-45.0, 45.0)}
    days = steps.mission_days(cosmic, "cosmic2")
    assert days[0] == ("2022", "001") and len(days) == 9  # every 45th day: two a season


def test_raw_paths():
    cosmic = _cfg()
    assert steps.mission_raw_path(cosmic, "cosmic2", "2022", "046") == (
        "resources/cosmic/cosmic2/2022/046.tar.gz"
    )
    missions = dict(cosmic["missions"])
    missions["cosmic2"] = {**missions["cosmic2"], "source": "local", "local_archive": "/data/c2"}
    local = _cfg(missions=missions)
    assert steps.mission_raw_path(local, "cosmic2", "2022", "046") == (
        "/data/c2/2022/046/scnLv2_rapid_2022_046.tar.gz"
    )


def test_provenance_names_what_determines_a_product():
    cosmic = _cfg()
    prov = steps.provenance_config(cosmic, "maps", ["cosmic1", "cosmic2"])
    assert set(prov) == {"qc", "maps", "missions"}
    assert prov["missions"]["cosmic2"]["coverage_lat_deg"] == {"min": -45.0, "max": 45.0}
    assert "cdaac" not in prov["missions"]["cosmic2"]  # download settings do not rerun maps


@pytest.mark.parametrize(
    "change, key",
    [
        ({"source": "local"}, "cosmic.missions.cosmic2.local_archive"),
        ({"source": "synthetic", "product": "podTec"}, "cosmic.missions.cosmic2.product"),
        (
            {"coverage_lat_deg": {"min": 45.0, "max": -45.0}},
            "cosmic.missions.cosmic2.coverage_lat_deg.min",
        ),
        ({"years": [2023, 2022]}, "cosmic.missions.cosmic2.years"),
        ({"cdaac": {"streams": ["repro2013"]}}, "cosmic.missions.cosmic2.cdaac.streams.0"),
        ({"tangent_point": "bent"}, "cosmic.missions.cosmic2.tangent_point"),
    ],
)
def test_bad_mission_settings_name_the_key(change, key):
    cfg = default_config()
    cfg["cosmic"]["missions"]["cosmic2"].update(change)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate_config(cfg)
