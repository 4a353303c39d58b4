"""Domain errors the bot turns into polite replies (never into tracebacks for the user)."""

from __future__ import annotations


class DomainError(Exception):
    """Base: ``code`` is a catalog key suffix the bot renders; ``params`` fill its placeholders."""

    code = "error"

    def __init__(self, code: str | None = None, **params: object) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code
        self.params = params


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "forbidden"


class InvalidState(DomainError):
    code = "invalid_state"
