"""Clients are pseudonymous codes: the store never holds a name (clinical privacy)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,15}$")
CODE_HELP = "use a pseudonymous code such as C-014: 2-16 letters, digits, '-' or '_', with a digit"


def validate_client_code(value: str) -> str:
    """Normalise a client code to upper case, or explain why it is refused.

    A digit is required because personal names have none; spaces are refused because codes are
    typed, filed and exported as single tokens.
    """
    code = value.strip().upper()
    if not code:
        raise ValueError(f"the client code is empty: {CODE_HELP}")
    if any(ch.isspace() for ch in value.strip()):
        raise ValueError(f"client code {value!r} contains a space: {CODE_HELP}")
    if not _CODE.match(code):
        raise ValueError(
            f"client code {value!r} has characters other than A-Z, 0-9, '-', '_': {CODE_HELP}"
        )
    if not any(ch.isdigit() for ch in code):
        raise ValueError(f"client code {value!r} looks like a name, not a code: {CODE_HELP}")
    return code


class Client(BaseModel):
    """A client as the store knows them: a code and when it was added, nothing identifying."""

    model_config = ConfigDict(frozen=True)

    code: str
    created_at: datetime = Field(default_factory=lambda: datetime.now().astimezone())

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        return validate_client_code(value)
