"""Words a therapist reads for the ids the record stores: automatic observations and sources.

The MIDI analysis logs its observations under machine codes (`dynamics_change`, `midi-gap`)
that no preset defines. Screens and reports name them from this one table, so the live screen,
the review and a clinical note never disagree, and no internal name reaches a reader. Machine
formats (CSV, JSON, ELAN values) keep the codes: they are the stable ids analysis scripts use.
"""

from __future__ import annotations

from collections.abc import Mapping

AUTO_CATEGORY = "automatic"
"""Category of the observations the MIDI analysis logs on its own (the review's lane name)."""

AUTO_LABELS: Mapping[str, str] = {
    "tempo_change": "tempo change",
    "dynamics_change": "dynamics change",
    "phrase_start": "phrase start",
    "phrase_end": "phrase end",
    "silence_start": "silence",
    "silence_end": "silence end",
    "midi-gap": "MIDI gap",
}
"""Automatic codes in the words shown for them everywhere."""

SESSION_CATEGORY = "session"
"""Category of what the app logs about the session itself, for the therapist (a pause)."""

SESSION_LABELS: Mapping[str, str] = {"pause": "Paused"}
"""Session codes in words. Stored with source `auto`, but the therapist's doing, not the
playing's: they never read as MIDI analysis."""

SESSION_SOURCES: Mapping[str, str] = {"pause": "pause key"}
"""What logged a session code, as the therapist would say it."""

OWN_CATEGORIES: Mapping[str, str] = {
    **dict.fromkeys(AUTO_LABELS, AUTO_CATEGORY),
    **dict.fromkeys(SESSION_LABELS, SESSION_CATEGORY),
}
"""Category of the codes no preset defines: the MIDI analysis's and the app's own."""

SOURCES: Mapping[str, str] = {
    "key": "key",
    "pedal": "pedal",
    "midi": "played on MIDI",
    "auto": "MIDI analysis",
    "edit": "review",
}
"""Who or what logged an observation (`Observation.source`), as a reader would say it."""

DETAIL = "detail"
"""Modifier holding an automatic observation's own description: shown without its key."""


def code_label(code: str, labels: Mapping[str, str]) -> str:
    """The label of a code: the preset's (`labels`), an automatic one, else the code in words.

    A code no installed preset defines (the preset was removed or changed) still reads as words.
    """
    found = labels.get(code) or AUTO_LABELS.get(code) or SESSION_LABELS.get(code)
    return found if found is not None else code.replace("_", " ").replace("-", " ")


def source_words(source: str, code: str = "") -> str:
    """`MIDI analysis` for `auto`, `pause key` for a pause; an unknown source as stored."""
    found = SESSION_SOURCES.get(code) if source == "auto" else None
    return found if found is not None else SOURCES.get(source, source)


def found_in_playing(code: str, source: str) -> bool:
    """Whether the MIDI analysis logged this on its own (a pause the app logs is not)."""
    return source == "auto" and code not in SESSION_LABELS


def modifier_words(modifiers: Mapping[str, object]) -> list[str]:
    """`detail` values as they are, others as `name: value`; empty values left out, so an
    automatic silence with nothing to add reads `client silence`, never `client silence:`."""
    return [str(v) if k == DETAIL else f"{k}: {v}" for k, v in modifiers.items() if str(v).strip()]
