"""ELAN export (.eaf, EAF 3.0): the session as tiers a researcher can recode and compare.

Each player's phrases get a tier, each observation category of the preset gets a tier whose
linguistic type points at a controlled vocabulary made from the preset's codes, so recoding in
ELAN stays within the therapist's vocabulary. Point observations become 1 ms intervals (ELAN
has no points). Observations of one category that overlap (a turn-taking inside a silence)
go to numbered extra tiers, because ELAN does not allow overlaps on one time-aligned tier.
Modifiers and notes sit on a symbolic child tier beside their observation. What the MIDI
analysis logged goes to an `automatic` tier; its values are the stable codes, as in the CSV.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from attune_tui.analysis.notes import PLAYERS
from attune_tui.model.observation import Observation
from attune_tui.model.preset import Preset
from attune_tui.report.tables import OTHER, categories, category_of, detail, moment_verdict
from attune_tui.report.text import moment_label
from attune_tui.store import SessionData

SCHEMA = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LANGUAGE = ("eng", "http://cdb.iso.org/lg/CDB-00138502-001", "English (eng)")
DEFAULT_TYPE = "default-lt"
DETAIL_TYPE = "detail"
MOMENTS_TIER = "attunement moments"
EPISODES_TIER = "match then guide"
CONSTRAINTS = {
    "Time_Subdivision": "Time subdivision of parent annotation's time interval, no time gaps"
    " allowed within this interval",
    "Symbolic_Subdivision": "Symbolic subdivision of a parent annotation. Annotations refering"
    " to the same parent are ordered",
    "Symbolic_Association": "1-1 association with a parent annotation",
    "Included_In": "Time alignable annotations within the parent annotation's time interval,"
    " gaps are allowed",
}


@dataclass(slots=True)
class _Annotation:
    start_ms: int
    end_ms: int
    value: str
    cve_ref: str | None = None
    detail: str = ""


@dataclass(slots=True)
class _Tier:
    tier_id: str
    linguistic_type: str
    participant: str = ""
    annotations: list[_Annotation] = field(default_factory=list)


def session_eaf(data: SessionData, document: Mapping[str, Any], preset: Preset) -> bytes:
    """The session as an EAF 3.0 document (UTF-8 XML with declaration)."""
    duration = float(document["duration_s"])
    tiers = [_phrase_tier(document, p) for p in PLAYERS]
    tiers.append(_moment_tier(document, data.log.moment_verdicts))
    tiers.append(_episode_tier(document))
    tiers += _category_tiers(data.observations, preset, duration)
    root = ET.Element(
        "ANNOTATION_DOCUMENT",
        {
            "AUTHOR": "attune",
            "DATE": data.session.started_at.isoformat(),
            "FORMAT": "3.0",
            "VERSION": "3.0",
            "xmlns:xsi": XSI,
            "xsi:noNamespaceSchemaLocation": SCHEMA,
        },
    )
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    _property(header, "attune:session", data.session.id)
    _property(header, "attune:preset", preset.name)
    ids = _write_time_order(root, tiers)
    last_id = _write_tiers(root, tiers, ids)
    _property(header, "lastUsedAnnotationId", str(last_id))
    _write_types(root, preset, tiers)
    xml: bytes = ET.tostring(_indented(root), encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


def _property(header: ET.Element, name: str, value: str) -> None:
    ET.SubElement(header, "PROPERTY", {"NAME": name}).text = value


def _ms(seconds: float) -> int:
    return round(seconds * 1000.0)


def _interval(start: float, end: float | None) -> tuple[int, int]:
    """Milliseconds, at least 1 ms long: a point event becomes [t, t + 1 ms]."""
    start_ms = _ms(start)
    end_ms = start_ms + 1 if end is None else max(_ms(end), start_ms + 1)
    return start_ms, end_ms


# tiers ------------------------------------------------------------------------------------
def _phrase_tier(document: Mapping[str, Any], player: str) -> _Tier:
    tier = _Tier(f"{player} phrases", DEFAULT_TYPE, participant=player)
    for p in document.get("phrases", ()):
        if p["player"] != player:
            continue
        value = f"{p['notes']} notes, peak velocity {p['peak_velocity']}"
        if p.get("breath_matched") is True:
            value += ", breath-matched"
        tier.annotations.append(_Annotation(*_interval(p["start"], p["end"]), value))
    return tier


def _moment_tier(document: Mapping[str, Any], verdicts: Mapping[str, str]) -> _Tier:
    tier = _Tier(MOMENTS_TIER, DEFAULT_TYPE)
    for m in document.get("moments", ()):
        value = f"{moment_label(m)}; strength {m['strength']:.2f}; found by {m['source']}"
        verdict = moment_verdict(m, verdicts)
        if verdict:
            value += f"; {verdict}"
        tier.annotations.append(_Annotation(*_interval(m["start"], m["end"]), value))
    return tier


def _episode_tier(document: Mapping[str, Any]) -> _Tier:
    tier = _Tier(EPISODES_TIER, DEFAULT_TYPE)
    for e in document.get("episodes", ()):
        tier.annotations.append(_Annotation(*_interval(e["match_start"], e["match_end"]), "match"))
        tier.annotations.append(_Annotation(*_interval(e["guide_start"], e["guide_end"]), "guide"))
    return tier


def _category_tiers(
    observations: Sequence[Observation], preset: Preset, duration: float
) -> list[_Tier]:
    of = category_of(preset)
    vocabulary = {c.category for c in preset.codes}
    tiers: list[_Tier] = []
    for category in categories(preset, observations):
        controlled = category in vocabulary  # automatic codes are not the preset's to recode
        kind = _type_id(category) if controlled else DEFAULT_TYPE
        lanes: list[_Tier] = []
        for obs in (o for o in observations if of.get(o.code, OTHER) == category):
            end = obs.end
            if obs.is_open_state:
                end = max(duration, obs.t)
            start_ms, end_ms = _interval(obs.t, end)
            cve = _cve_id(obs.code) if controlled else None
            annotation = _Annotation(start_ms, end_ms, obs.code, cve, detail(obs))
            lane = next((t for t in lanes if t.annotations[-1].end_ms <= start_ms), None)
            if lane is None:
                number = len(lanes) + 1
                lane = _Tier(category if number == 1 else f"{category} {number}", kind)
                lanes.append(lane)
            lane.annotations.append(annotation)
        tiers += lanes
    return tiers


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x"


def _type_id(category: str) -> str:
    return f"codes-{_slug(category)}"


def _cv_id(category: str) -> str:
    return f"cv-{_slug(category)}"


def _cve_id(code: str) -> str:
    return f"cve-{code}"


# writing ----------------------------------------------------------------------------------
def _write_time_order(root: ET.Element, tiers: Sequence[_Tier]) -> dict[tuple[int, int], str]:
    """One slot per annotation boundary, numbered in time order as ELAN writes them."""
    bounds = [
        (ms, t, a, side)
        for t, tier in enumerate(tiers)
        for a, ann in enumerate(tier.annotations)
        for side, ms in ((0, ann.start_ms), (1, ann.end_ms))
    ]
    bounds.sort()
    order = ET.SubElement(root, "TIME_ORDER")
    ids: dict[tuple[int, int], str] = {}
    for number, (ms, t, a, side) in enumerate(bounds, start=1):
        slot = f"ts{number}"
        ids[(t, 2 * a + side)] = slot
        ET.SubElement(order, "TIME_SLOT", {"TIME_SLOT_ID": slot, "TIME_VALUE": str(ms)})
    return ids


def _write_tiers(
    root: ET.Element, tiers: Sequence[_Tier], slots: Mapping[tuple[int, int], str]
) -> int:
    """Tiers with their annotations, and a detail tier after each that has any; last id used."""
    count = 0
    for t, tier in enumerate(tiers):
        attributes = {"LINGUISTIC_TYPE_REF": tier.linguistic_type, "TIER_ID": tier.tier_id}
        if tier.participant:
            attributes["PARTICIPANT"] = tier.participant
        element = ET.SubElement(root, "TIER", attributes)
        details: list[tuple[str, str]] = []
        for a, ann in enumerate(tier.annotations):
            count += 1
            aid = f"a{count}"
            aligned = {
                "ANNOTATION_ID": aid,
                "TIME_SLOT_REF1": slots[(t, 2 * a)],
                "TIME_SLOT_REF2": slots[(t, 2 * a + 1)],
            }
            if ann.cve_ref:
                aligned["CVE_REF"] = ann.cve_ref
            wrapper = ET.SubElement(element, "ANNOTATION")
            alignable = ET.SubElement(wrapper, "ALIGNABLE_ANNOTATION", aligned)
            ET.SubElement(alignable, "ANNOTATION_VALUE").text = ann.value
            if ann.detail:
                details.append((aid, ann.detail))
        if details:
            child = ET.SubElement(
                root,
                "TIER",
                {
                    "LINGUISTIC_TYPE_REF": DETAIL_TYPE,
                    "PARENT_REF": tier.tier_id,
                    "TIER_ID": f"{tier.tier_id} detail",
                },
            )
            for parent, text in details:
                count += 1
                wrapper = ET.SubElement(child, "ANNOTATION")
                ref = ET.SubElement(
                    wrapper,
                    "REF_ANNOTATION",
                    {"ANNOTATION_ID": f"a{count}", "ANNOTATION_REF": parent},
                )
                ET.SubElement(ref, "ANNOTATION_VALUE").text = text
    return count


def _write_types(root: ET.Element, preset: Preset, tiers: Sequence[_Tier]) -> None:
    """Linguistic types, language, constraints and one controlled vocabulary per category."""
    used = {t.linguistic_type for t in tiers}
    ET.SubElement(
        root,
        "LINGUISTIC_TYPE",
        {
            "GRAPHIC_REFERENCES": "false",
            "LINGUISTIC_TYPE_ID": DEFAULT_TYPE,
            "TIME_ALIGNABLE": "true",
        },
    )
    ET.SubElement(
        root,
        "LINGUISTIC_TYPE",
        {
            "CONSTRAINTS": "Symbolic_Association",
            "GRAPHIC_REFERENCES": "false",
            "LINGUISTIC_TYPE_ID": DETAIL_TYPE,
            "TIME_ALIGNABLE": "false",
        },
    )
    vocabulary = list(dict.fromkeys(c.category for c in preset.codes))
    for category in vocabulary:
        if _type_id(category) in used:
            ET.SubElement(
                root,
                "LINGUISTIC_TYPE",
                {
                    "CONTROLLED_VOCABULARY_REF": _cv_id(category),
                    "GRAPHIC_REFERENCES": "false",
                    "LINGUISTIC_TYPE_ID": _type_id(category),
                    "TIME_ALIGNABLE": "true",
                },
            )
    lang_id, lang_def, lang_label = LANGUAGE
    ET.SubElement(
        root, "LANGUAGE", {"LANG_DEF": lang_def, "LANG_ID": lang_id, "LANG_LABEL": lang_label}
    )
    for stereotype, description in CONSTRAINTS.items():
        ET.SubElement(root, "CONSTRAINT", {"DESCRIPTION": description, "STEREOTYPE": stereotype})
    for category in vocabulary:
        cv = ET.SubElement(root, "CONTROLLED_VOCABULARY", {"CV_ID": _cv_id(category)})
        ET.SubElement(
            cv, "DESCRIPTION", {"LANG_REF": lang_id}
        ).text = f"{preset.title}: {category} codes"
        for code in (c for c in preset.codes if c.category == category):
            entry = ET.SubElement(cv, "CV_ENTRY_ML", {"CVE_ID": _cve_id(code.code)})
            description = code.label + (f": {code.description}" if code.description else "")
            ET.SubElement(
                entry, "CVE_VALUE", {"DESCRIPTION": description, "LANG_REF": lang_id}
            ).text = code.code


def _indented(root: ET.Element) -> ET.Element:
    ET.indent(root, space="    ")
    return root
