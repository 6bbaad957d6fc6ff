"""ELAN export read back with pympi: tiers, annotation counts and times, the vocabulary."""

from __future__ import annotations

from typing import Any

import pympi
import pytest
from test_report_fixtures import BREATHS, Recorded, record_session

from attune_tui.model.preset import Preset
from attune_tui.report.export import export_session


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return record_session(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def eaf(recorded: Recorded, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("eaf") / "session.eaf"
    path.write_bytes(export_session(recorded.store, recorded.session_id, "eaf"))
    return pympi.Elan.Eaf(str(path))


def spans(eaf: Any, tier: str) -> list[tuple[int, int, str]]:
    return sorted((a[0], a[1], a[2]) for a in eaf.get_annotation_data_for_tier(tier))


def test_tiers(eaf: Any) -> None:
    assert set(eaf.get_tier_names()) == {
        "client phrases", "therapist phrases", "attunement moments", "match then guide",
        "timing", "affect", "affect detail", "note", "note detail", "therapist move",
        "attunement", "attunement detail", "interaction", "interaction 2", "breath",
        "timing detail",
    }  # fmt: skip
    assert eaf.get_parameters_for_tier("client phrases")["PARTICIPANT"] == "client"
    assert eaf.get_parameters_for_tier("affect detail")["PARENT_REF"] == "affect"


def test_phrases_and_moments_match_the_analysis(eaf: Any, recorded: Recorded) -> None:
    analysis = recorded.analysis
    for player in ("client", "therapist"):
        phrases = [p for p in analysis["phrases"] if p["player"] == player]
        got = spans(eaf, f"{player} phrases")
        assert [(s, e) for s, e, _ in got] == [
            (round(p["start"] * 1000), round(p["end"] * 1000)) for p in phrases
        ]
    moments = spans(eaf, "attunement moments")
    assert [(s, e) for s, e, _ in moments] == [
        (round(m["start"] * 1000), round(m["end"] * 1000)) for m in analysis["moments"]
    ]
    assert moments[0][2].endswith("; accepted")
    episodes = analysis["episodes"]
    assert [v for _, _, v in spans(eaf, "match then guide")] == ["match", "guide"] * len(episodes)


def test_points_become_one_millisecond_and_states_keep_their_span(eaf: Any) -> None:
    assert spans(eaf, "affect") == [(30000, 30001, "affect"), (95000, 95001, "affect")]
    assert spans(eaf, "therapist move") == [(53000, 67000, "matching")]
    assert spans(eaf, "breath") == [
        (round(t * 1000), round(t * 1000) + 1, "breath") for t in BREATHS
    ]
    # the turn-taking inside the silence cannot share its tier in ELAN
    assert spans(eaf, "interaction") == [(104000, 109000, "silence")]
    assert spans(eaf, "interaction 2") == [(105000, 105001, "turn-taking")]
    details = sorted(a[2] for a in eaf.get_ref_annotation_data_for_tier("affect detail"))
    assert details == ["from: agitated; to: calm", "to: agitated"]


def test_vocabulary_comes_from_the_preset(eaf: Any, preset: Preset) -> None:
    categories = dict.fromkeys(c.category for c in preset.codes)
    assert set(eaf.get_controlled_vocabulary_names()) == {
        f"cv-{c.replace(' ', '-')}" for c in categories
    }
    entries = eaf.get_cv_entries("cv-therapist-move")
    values = sorted(value for values, _ in entries.values() for value, _, _ in values)
    assert values == sorted(c.code for c in preset.codes if c.category == "therapist move")
    kind = eaf.get_parameters_for_tier("therapist move")["LINGUISTIC_TYPE_REF"]
    assert eaf.linguistic_types[kind]["CONTROLLED_VOCABULARY_REF"] == "cv-therapist-move"


def test_file_is_eaf_3(recorded: Recorded) -> None:
    raw = export_session(recorded.store, recorded.session_id, "eaf")
    assert raw.startswith(b"<?xml")
    assert b'FORMAT="3.0"' in raw and b'VERSION="3.0"' in raw
    assert b'TIME_UNITS="milliseconds"' in raw
