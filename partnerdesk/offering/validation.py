"""Field checks of the offering: pure functions that clean a value or raise a 422 naming the field.

Nothing here reads the database; uniqueness and the 21Vianet rule (which need the workspace's
rows) are checked by the actions inside their transaction. Calendar checks are the engine's
(`sla.engine.check_spec`), its `CalendarError.field` becoming the 422's field.

Vocabularies of tickets (severity, category, status) are read from `tickets.enums`, a module of
plain choices that imports nothing of ours, so no import cycle arises between the apps.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.errors import DomainError, invalid
from partnerdesk.customers import checks
from partnerdesk.sla.engine import (
    MINUTES_PER_DAY,
    CalendarError,
    CalendarSpec,
    Interval,
    check_spec,
    weekly_from_mapping,
    weekly_to_mapping,
)
from partnerdesk.tickets.enums import OPEN_STATUSES, Category, Severity, Status

from .enums import ChannelKind, ClockKind, ExceptionKind

NAME_MAX = 100
NOTE_MAX = 200
PRICING_NOTE_MAX = 300
ADDRESS_MAX = 300
# A target longer than a year is a typing error, not a promise.
TARGET_MAX_MINUTES = 366 * MINUTES_PER_DAY
FEE_FIELDS = ("monthly_fee", "per_incident_fee", "hourly_rate")
FEE_MAX = Decimal("99999999.99")  # max_digits=10, decimal_places=2
_CURRENCY = re.compile(r"^[A-Z]{3}$")

# Languages a plan may offer: the ones Partnerdesk speaks (settings.LANGUAGES) and any ISO 639-1
# two-letter code, since a partner may support customers in a language the interface lacks.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu""".split()  # noqa: SIM905
)


def calendar_error(error: CalendarError) -> DomainError:
    """The engine's refusal as a 422 naming the field."""
    return invalid(error.field, error.message)


# --- calendars ---------------------------------------------------------------------------------


def clean_name(value: str) -> str:
    return checks.clean_line("name", value, max_length=NAME_MAX, required=True)


def clean_weekly(value: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Weekly hours in their stored form: sorted intervals as "HH:MM" pairs, closed days left
    out. Overlaps are the engine's to find (check_spec), with the rest of the calendar."""
    if not isinstance(value, dict):
        raise invalid("weekly", _("Give the hours as a mapping of weekday to intervals."))
    try:
        return weekly_to_mapping(weekly_from_mapping(value))
    except CalendarError as error:
        raise calendar_error(error) from None


def clean_holiday_region(country: str, subdivision: str) -> tuple[str, str]:
    return country.strip().upper(), subdivision.strip().upper()


def clean_exception_hours(kind: str, hours: Sequence[Sequence[str]] | None) -> list[list[str]]:
    """An extra working day's intervals ("hours"); a closure has none."""
    if kind not in ExceptionKind.values:
        raise invalid("kind", _("Choose a closure or an extra working day."))
    if kind == ExceptionKind.CLOSED:
        if hours:
            raise invalid("hours", _("A closure has no hours."))
        return []
    if not hours:
        raise invalid("hours", _("Give the hours of the extra working day."), "required")
    try:
        day = weekly_from_mapping({"mon": hours})[0]
    except CalendarError as error:
        raise invalid("hours", error.message) from None
    return [list(interval.label()) for interval in day]


def calendar_spec(
    *,
    time_zone: str,
    always_open: bool,
    weekly: dict[str, Any],
    holiday_country: str,
    holiday_subdivision: str,
    exceptions: Iterable[tuple[dt.date, str, Sequence[Sequence[str]]]] = (),
) -> CalendarSpec:
    """A calendar row (and its exceptions as (date, kind, hours)) as the engine's spec."""
    closures = set()
    extra: list[tuple[dt.date, tuple[Interval, ...]]] = []
    for day, kind, hours in exceptions:
        if kind == ExceptionKind.CLOSED:
            closures.add(day)
        else:
            extra.append((day, weekly_from_mapping({"mon": hours})[0]))
    return CalendarSpec(
        time_zone=time_zone,
        weekly=weekly_from_mapping(weekly or {}),
        holiday_country=holiday_country,
        holiday_subdivision=holiday_subdivision,
        closures=frozenset(closures),
        extra_days=tuple(sorted(extra)),
        always_open=always_open,
    )


def check_calendar(spec: CalendarSpec) -> None:
    """The engine's checks (time zone, hours, overlaps, holiday region), as 422s."""
    try:
        check_spec(spec)
    except CalendarError as error:
        field = "hours" if error.field == "extra_days" else error.field
        raise invalid(field, error.message) from None


def round_the_clock(spec: CalendarSpec) -> bool:
    """Every minute of every day is service time (RULES.md section 2, "24 hours a day, 365
    days a year"): the engine's 24x7, and no extra working day shorter than a whole day."""
    if spec.always_open:
        return True
    whole_day = (Interval(0, MINUTES_PER_DAY),)
    return spec.is_24x7 and all(hours == whole_day for _day, hours in spec.extra_days)


# --- plans -------------------------------------------------------------------------------------


def clean_description(value: str) -> str:
    return checks.clean_text("description", value)


def clean_support_kinds(values: Iterable[str]) -> list[str]:
    """Ticket categories (tickets.enums.Category), each once, in the catalogue's order."""
    given = list(values)
    unknown = [v for v in given if v not in Category.values]
    if unknown:
        raise invalid(
            "support_kinds",
            _("Unknown kind of support: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))},
        )
    return [kind for kind in Category.values if kind in given]


def clean_languages(values: Iterable[str]) -> list[str]:
    """Language codes, lower case, each once, in the order given."""
    known = {code for code, _label in settings.LANGUAGES} | ISO_639_1
    cleaned: list[str] = []
    for value in values:
        code = str(value).strip().lower()
        if code not in known:
            raise invalid(
                "languages",
                _("%(code)s is not a language code such as de or en (ISO 639-1).")
                % {"code": str(value)[:20]},
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def clean_currency(value: str) -> str:
    code = value.strip().upper()
    if code and not _CURRENCY.match(code):
        raise invalid("currency", _("Use a three-letter currency code such as EUR."))
    return code


def clean_fee(field: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, TypeError, ValueError):
        raise invalid(field, _("Enter an amount such as 49.00.")) from None
    if amount < 0:
        raise invalid(field, _("A fee cannot be negative."))
    if amount > FEE_MAX:
        raise invalid(field, _("At most %(max)s.") % {"max": FEE_MAX})
    if amount != amount.quantize(Decimal("0.01")):
        raise invalid(field, _("At most two decimal places."))
    return amount.quantize(Decimal("0.01"))


def check_priced_in_currency(currency: str, fees: dict[str, Decimal | None]) -> None:
    if not currency and any(fee is not None for fee in fees.values()):
        raise invalid("currency", _("Give the currency of the fees."), "required")


def clean_pricing_note(value: str) -> str:
    return checks.clean_line("pricing_note", value, max_length=PRICING_NOTE_MAX)


def clean_pauses(value: dict[str, Any]) -> dict[str, list[str]]:
    """{status: [clock, …]}: open statuses only, known clocks in their natural order; a status
    that pauses nothing is left out."""
    if not isinstance(value, dict):
        raise invalid("pauses", _("Give the paused clocks per status."))
    cleaned: dict[str, list[str]] = {}
    for status, clocks in value.items():
        if status not in Status.values:
            raise invalid("pauses", _("Unknown status: %(status)s.") % {"status": str(status)})
        if status not in OPEN_STATUSES:
            raise invalid(
                "pauses",
                _("Only open statuses pause clocks; %(status)s ends them.") % {"status": status},
            )
        if not isinstance(clocks, list | tuple):
            raise invalid(f"pauses.{status}", _("Give a list of clocks."))
        unknown = [c for c in clocks if c not in ClockKind.values]
        if unknown:
            raise invalid(
                f"pauses.{status}",
                _("Unknown clock: %(clock)s.") % {"clock": ", ".join(map(str, unknown))},
            )
        ordered = [clock for clock in ClockKind.values if clock in clocks]
        if ordered:
            cleaned[status] = ordered
    return cleaned


def clean_warning_percent(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99:
        raise invalid("warning_percent", _("Give a share between 1 and 99 per cent."))
    return value


def clean_position(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
        raise invalid("position", _("Give a position between 0 and 32767."))
    return value


def clean_target(index: int, severity: str, clock: str, minutes: int) -> None:
    where = f"targets.{index}"
    if severity not in Severity.values:
        raise invalid(f"{where}.severity", _("Unknown severity; use A, B or C."))
    if clock not in ClockKind.values:
        raise invalid(
            f"{where}.clock", _("Unknown clock; use first_response, next_update or resolution.")
        )
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise invalid(f"{where}.minutes", _("A target is a positive number of minutes."))
    if minutes > TARGET_MAX_MINUTES:
        raise invalid(
            f"{where}.minutes",
            _("At most %(max)s minutes (a year).") % {"max": TARGET_MAX_MINUTES},
        )


def clean_channel(index: int, kind: str, address: str, note: str) -> tuple[str, str]:
    """A channel's address (checked for e-mail and phone) and note."""
    where = f"channels.{index}"
    if kind not in ChannelKind.values:
        raise invalid(f"{where}.kind", _("Unknown channel; use portal, email, phone or chat."))
    address = checks.clean_line(f"{where}.address", address, max_length=ADDRESS_MAX)
    if kind == ChannelKind.EMAIL:
        if not address:
            raise invalid(f"{where}.address", _("Give the e-mail address."), "required")
        try:
            validate_email(address)
        except ValidationError:
            raise invalid(f"{where}.address", _("Enter a valid e-mail address.")) from None
    if kind == ChannelKind.PHONE:
        if not address:
            raise invalid(f"{where}.address", _("Give the phone number."), "required")
        address = checks.clean_phone(address, field=f"{where}.address")
    return address, checks.clean_line(f"{where}.note", note, max_length=NOTE_MAX)
