"""Errors a person can act on: what was wrong, where (file, field, line) and what to do.

The CLI and the app catch `AttuneError` and print its message; they never show a traceback for
bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file."""

    path: Path
    message: str
    field: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class AttuneError(Exception):
    """An error whose message is fit to show to the user as it is."""


class InputError(AttuneError):
    """A file the user gave (or the store holds) is not valid; lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(AttuneError):
    """The store could not read or write; the message says which file and what to do."""
