"""One exception root, so the CLI and the service map failures to exit codes and HTTP statuses in one place."""

from __future__ import annotations


class ChainbreakerError(Exception):
    """Root of every error the package raises on purpose; its message is meant for the user."""

    #: HTTP status the service answers with when this error escapes a route.
    http_status: int = 500


class ConfigurationError(ChainbreakerError):
    """Settings are missing, contradictory or unsafe (for example a default secret outside demo mode)."""


class InputError(ChainbreakerError):
    """A file, form or request body cannot be used; the message names the file, row and column."""

    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column {column}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class NotFoundError(ChainbreakerError):
    """A named thing (workspace, case, entity, indicator) does not exist, or is not visible to the caller."""

    http_status = 404


class PermissionDeniedError(ChainbreakerError):
    """The caller is authenticated but may not do this."""

    http_status = 403


class ConflictError(ChainbreakerError):
    """The change lost a race (optimistic locking) or breaks a workflow rule."""

    http_status = 409


class EngineError(ChainbreakerError):
    """A SQL step failed on an engine; the message names the step and shows its SQL."""

    def __init__(self, step: str, sql: str, cause: BaseException) -> None:
        self.step = step
        self.sql = sql
        self.cause = cause
        super().__init__(f"step {step!r} failed: {cause}\n--- SQL ---\n{sql}")
