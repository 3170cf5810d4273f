"""Field checks for customers and contacts: pure functions that clean a value or name the field.

They read nothing from the database; the uniqueness checks live in the actions, inside their
transaction.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.errors import invalid

from .countries import COUNTRY_CODES

MAX_DOMAINS = 50
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LEVEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,38}$")
# Characters no single-line field may hold (PostgreSQL refuses NUL outright).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Mail from these domains belongs to people, not to one organisation: a customer that claimed
# one would be handed every stranger's mail from it.
SHARED_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.at",
        "gmx.ch",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "onmicrosoft.com",
        "outlook.com",
        "outlook.de",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "web.de",
        "yahoo.com",
        "yahoo.de",
    }
)


def clean_line(field: str, value: str, *, max_length: int, required: bool = False) -> str:
    """A single line of text: stripped, without control characters, not too long."""
    value = value.strip()
    if required and not value:
        raise invalid(field, _("This field is required."), "required")
    if _CONTROL.search(value):
        raise invalid(field, _("Remove the control characters."), "invalid_characters")
    if len(value) > max_length:
        raise invalid(
            field,
            _("At most %(max)s characters.") % {"max": max_length},
            "too_long",
        )
    return value


def clean_text(field: str, value: str, *, max_length: int = 20_000) -> str:
    """Free text over several lines (notes): line breaks and tabs allowed, NUL and friends not."""
    value = value.strip()
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        raise invalid(field, _("Remove the control characters."), "invalid_characters")
    if len(value) > max_length:
        raise invalid(field, _("At most %(max)s characters.") % {"max": max_length}, "too_long")
    return value


def clean_domain(value: str, *, field: str = "domains") -> str:
    """A mail domain in its lowercase ASCII form (umlaut domains become xn--…)."""
    domain = value.strip().rstrip(".").lower()
    if domain.startswith("@"):
        domain = domain[1:]
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    if (
        not ascii_domain
        or len(ascii_domain) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TOP_LEVEL.match(labels[-1])
    ):
        raise invalid(
            field,
            _("“%(domain)s” is not a mail domain such as example.com.") % {"domain": value[:100]},
            "invalid_domain",
        )
    if ascii_domain in SHARED_MAIL_DOMAINS:
        raise invalid(
            field,
            _("%(domain)s is a public mail service; it cannot belong to one customer.")
            % {"domain": ascii_domain},
            "public_domain",
        )
    return ascii_domain


def clean_domains(values: Iterable[str], *, field: str = "domains") -> list[str]:
    """Distinct cleaned domains, in the order given."""
    cleaned: list[str] = []
    for value in values:
        domain = clean_domain(value, field=field)
        if domain not in cleaned:
            cleaned.append(domain)
    if len(cleaned) > MAX_DOMAINS:
        raise invalid(field, _("At most %(n)s domains.") % {"n": MAX_DOMAINS}, "too_many")
    return cleaned


def clean_country(value: str, *, field: str = "country") -> str:
    """An ISO 3166-1 alpha-2 code (DE, AT, CH …), upper case, or blank."""
    code = value.strip().upper()
    if code and code not in COUNTRY_CODES:
        raise invalid(
            field, _("Use a two-letter ISO 3166 country code such as DE."), "invalid_country"
        )
    return code


def clean_language(value: str, *, field: str = "language") -> str:
    """One of the languages Partnerdesk speaks, or blank for the workspace's default."""
    code = value.strip().lower()
    if code and code not in dict(settings.LANGUAGES):
        raise invalid(
            field,
            _("Choose one of: %(values)s.")
            % {"values": ", ".join(c for c, _label in settings.LANGUAGES)},
            "invalid_language",
        )
    return code


def clean_time_zone(value: str, *, field: str = "time_zone") -> str:
    """An IANA time zone name such as Europe/Berlin, or blank for the workspace's."""
    name = value.strip()
    if name and name not in _time_zones():
        raise invalid(
            field,
            _("Unknown time zone; use an IANA name such as Europe/Berlin."),
            "invalid_time_zone",
        )
    return name


@functools.cache
def _time_zones() -> frozenset[str]:
    # The names zoneinfo can load, without the posix/ and right/ aliases; read once a process.
    return frozenset(zoneinfo.available_timezones())


def clean_email(value: str, *, field: str = "email") -> str:
    """A valid e-mail address, lower case (contacts are matched by it)."""
    email = value.strip().lower()
    if not email:
        raise invalid(field, _("This field is required."), "required")
    try:
        validate_email(email)
    except ValidationError:
        raise invalid(field, _("Enter a valid e-mail address."), "invalid_email") from None
    if len(email) > 254:
        raise invalid(field, _("At most %(max)s characters.") % {"max": 254}, "too_long")
    return email


def clean_phone(value: str, *, field: str = "phone") -> str:
    """A phone number as people write it (+49 89 1234-567), or blank."""
    phone = value.strip()
    if phone and not _PHONE.match(phone):
        raise invalid(field, _("Enter a phone number such as +49 89 1234567."), "invalid_phone")
    return phone
