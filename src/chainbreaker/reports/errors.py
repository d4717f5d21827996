"""The error an export raises when a case lacks what the format requires: every missing field, by name."""

from __future__ import annotations

from dataclasses import dataclass

from chainbreaker.core.errors import InputError


@dataclass(frozen=True)
class MissingField:
    """One mandatory field the report cannot fill: where in the format, about whom, and how to supply it."""

    field: str  # e.g. "report/transaction/t_from_my_client/from_person/birthdate"
    subject: str  # e.g. "party P1 (subject)" or "institution"
    hint: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.field} — {self.hint}"


class ReportIncompleteError(InputError):
    """The case cannot be exported yet; `missing` lists each field, and nothing was written."""

    def __init__(self, case: str, fmt: str, missing: list[MissingField]) -> None:
        self.missing = missing
        lines = "\n".join(f"  - {m}" for m in missing)
        super().__init__(
            f"case {case} cannot be exported as {fmt}: {len(missing)} mandatory field(s) missing\n{lines}"
        )


class ReportInvalidError(InputError):
    """The generated XML failed schema validation (a bug or an unexpected value); nothing was written."""
