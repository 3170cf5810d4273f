"""The wire helpers: names in any casing, enums in any form, date-times in any documented
form; property-tested, and never raising on what the vendor might send."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdesk.connectors import wire
from partnerdesk.customers.enums import SUBSCRIPTION_STATUS_BY_INT, SubscriptionStatus
from partnerdesk.health.enums import HealthStatus

words = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=8), min_size=1, max_size=4)


def camel(parts: list[str]) -> str:
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def pascal(parts: list[str]) -> str:
    return "".join(p.capitalize() for p in parts)


def snake(parts: list[str]) -> str:
    return "_".join(parts)


@given(words, st.integers())
def test_get_finds_a_field_in_any_casing(parts: list[str], value: int) -> None:
    for stored in (camel(parts), pascal(parts), snake(parts), snake(parts).upper()):
        for asked in (camel(parts), pascal(parts), snake(parts)):
            assert wire.get({stored: value}, asked) == value


def test_get_walks_dotted_names_and_defaults() -> None:
    obj = {"CompanyProfile": {"tenant_id": "t"}, "startDateTime": None}
    assert wire.get(obj, "companyProfile.tenantId") == "t"
    assert wire.get({"@odata.nextLink": "n"}, "@odata.nextLink") == "n"
    assert wire.get(obj, "startDateTime", default="x") == "x"
    assert wire.get(None, "a") is None
    assert wire.get([1], "a", default=0) == 0
    assert wire.text({"a": {"b": 1}}, "a") == ""


STATUSES = [s.value for s in SubscriptionStatus if s != SubscriptionStatus.UNKNOWN]
BY_INT = {k: v.value for k, v in SUBSCRIPTION_STATUS_BY_INT.items()}


@given(st.sampled_from([s.value for s in HealthStatus if s != HealthStatus.UNKNOWN]))
def test_enum_accepts_every_casing(value: str) -> None:
    parts = [p.lower() for p in re.findall(r"[a-z]+|[A-Z][a-z]*", value)]
    known = [s.value for s in HealthStatus if s != HealthStatus.UNKNOWN]
    for form in (value, pascal(parts), snake(parts), value.upper(), camel(parts)):
        assert wire.enum(form, known, kind="t")[0] == value


@given(st.sampled_from(sorted(BY_INT)))
def test_enum_accepts_the_sdks_integers(number: int) -> None:
    assert wire.enum(number, STATUSES, kind="t", by_int=BY_INT)[0] == BY_INT[number]
    assert wire.enum(str(number), STATUSES, kind="t", by_int=BY_INT)[0] == BY_INT[number]


@given(
    st.one_of(
        st.text(max_size=20),
        st.integers(),
        st.floats(allow_nan=True),
        st.booleans(),
        st.none(),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
)
def test_enum_never_raises(raw: object) -> None:
    value, _raw = wire.enum(raw, STATUSES, kind="t", by_int=BY_INT)
    assert value in [*STATUSES, "unknown"]


def test_unknown_values_are_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    wire._logged.clear()
    caplog.set_level(logging.WARNING, logger="partnerdesk.connectors")
    assert wire.enum("brandNewState", STATUSES, kind="sub") == ("unknown", "brandNewState")
    assert wire.enum("brandNewState", STATUSES, kind="sub") == ("unknown", "brandNewState")
    assert wire.enum(42, STATUSES, kind="sub", by_int=BY_INT) == ("unknown", "42")
    assert caplog.text.count("brandNewState") == 1
    assert "42" in caplog.text


@given(
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from([0, 60, -300, 330]),
    st.sampled_from(["Z", "+00:00", "offset", ""]),
    st.integers(min_value=0, max_value=7),
)
def test_when_reads_every_documented_form(
    moment: datetime, offset_minutes: int, suffix: str, digits: int
) -> None:
    moment = moment.replace(microsecond=(moment.microsecond // 10) * 10)
    zone = timezone(timedelta(minutes=offset_minutes)) if suffix == "offset" else UTC
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{local.microsecond:06d}0"[:digits]
    if suffix == "offset":
        text += local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    else:
        text += suffix
    parsed = wire.when(text)
    assert parsed is not None and parsed.tzinfo is not None
    expected = moment.replace(
        microsecond=int((f"{moment.microsecond:06d}0"[:digits] or "0").ljust(6, "0")[:6])
    )
    assert abs((parsed - expected).total_seconds()) < 1e-5


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "",
        None,
        "yesterday",
        12,
        "2021-13-45T00:00:00Z",
    ],
)
def test_when_unset_or_unreadable_is_none(raw: object) -> None:
    assert wire.when(raw) is None


@given(st.text(max_size=40))
def test_when_never_raises(raw: str) -> None:
    wire.when(raw)


def test_flag_and_number() -> None:
    assert wire.flag({"resolved": "TRUE"}, "resolved") is True
    assert wire.flag({"resolved": 0}, "resolved") is False
    assert wire.flag({}, "resolved", default=True) is True
    assert wire.number({"quantity": "7"}, "quantity") == 7
    assert wire.number({"quantity": "many"}, "quantity", default=1) == 1
    assert wire.number({"quantity": True}, "quantity", default=1) == 1
