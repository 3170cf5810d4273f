"""One domain error type with stable codes.

The API renders it as application/problem+json (RFC 9457); pages render the message.
Codes are part of the API contract: never rename one, add a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class FieldError:
    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message), "code": self.code}


@dataclass
class DomainError(Exception):
    """A failure the user can understand and act on."""

    code: str
    message: Any
    status: int = 400
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @property
    def title(self) -> str:
        return str(TITLES.get(self.status, _("Request failed")))


def not_found(what: Any = None) -> DomainError:
    """Outside the actor's visibility an object does not exist."""
    return DomainError("not_found", what or _("Not found."), status=404)


def forbidden(message: Any = None) -> DomainError:
    """Visible, but the actor may not do this."""
    return DomainError(
        "forbidden", message or _("You do not have permission to do this."), status=403
    )


def invalid(field_name: str, message: Any, code: str = "invalid") -> DomainError:
    """One field is wrong; the error names it."""
    return DomainError(
        "validation_failed",
        _("The request has invalid fields."),
        status=422,
        errors=[FieldError(field_name, message, code)],
    )


def conflict(code: str, message: Any) -> DomainError:
    return DomainError(code, message, status=409)


TITLES = {
    400: _("Bad request"),
    401: _("Authentication required"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    413: _("Too large"),
    422: _("Invalid request"),
    429: _("Too many requests"),
    500: _("Internal error"),
}
