"""Client codes stay pseudonymous; model fields refuse nonsense."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from attune_tui.model import CheckIn, Client, validate_client_code


@pytest.mark.parametrize("code", ["C-014", "c-014", "P7", "GRP_2", "X1"])
def test_codes_accepted_and_upper_cased(code: str) -> None:
    assert validate_client_code(code) == code.upper()


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("Anna", "looks like a name"),
        ("Anna Smith", "space"),
        ("Müller1", "characters"),
        ("", "empty"),
        ("C-0123456789012345", "characters"),
    ],
)
def test_names_and_bad_codes_refused(code: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_client_code(code)


def test_client_model_validates() -> None:
    with pytest.raises(ValidationError):
        Client(code="John")
    assert Client(code="c-9").code == "C-9"


def test_checkin_range() -> None:
    with pytest.raises(ValidationError):
        CheckIn(goals=11, tasks=5, bond=5)
    assert CheckIn(goals=0, tasks=10, bond=5, client_bond=7).client_bond == 7
