"""The field checks on their own: what is accepted, how it is normalised, what is refused."""

from __future__ import annotations

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.customers import checks
from partnerdesk.customers.countries import COUNTRY_CODES


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Example.COM", "example.com"),
        ("@huber.example", "huber.example"),
        ("mail.huber.example.", "mail.huber.example"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("contoso.onmicrosoft.com", "contoso.onmicrosoft.com"),
    ],
)
def test_domains_are_normalised(given: str, stored: str) -> None:
    assert checks.clean_domain(given) == stored


@pytest.mark.parametrize(
    "given",
    [
        "",
        "localhost",
        "a..b",
        "huber.123",
        "under_score.example",
        "x" * 64 + ".example",
        "huber.example/path",
        "maria@huber.example",
        "\x00.example",
        "outlook.com",
        "GMX.de",
    ],
)
def test_bad_domains_are_refused(given: str) -> None:
    with pytest.raises(DomainError) as raised:
        checks.clean_domain(given)
    assert raised.value.errors[0].field == "domains"


def test_repeated_domains_count_once() -> None:
    assert checks.clean_domains(["a.example", "A.example", "b.example"]) == [
        "a.example",
        "b.example",
    ]


def test_the_country_list_is_iso_3166_1() -> None:
    assert len(COUNTRY_CODES) == 249
    assert {"DE", "AT", "CH", "GB", "CN", "SS"} <= COUNTRY_CODES
    assert checks.clean_country(" ch ") == "CH"
    assert checks.clean_country("") == ""
    for wrong in ("UK", "EU", "XK", "D"):
        with pytest.raises(DomainError):
            checks.clean_country(wrong)


@pytest.mark.parametrize("name", ["Europe/Berlin", "Asia/Shanghai", "UTC", ""])
def test_iana_time_zones_are_accepted(name: str) -> None:
    assert checks.clean_time_zone(name) == name


@pytest.mark.parametrize("name", ["Berlin", "Europe/", "../etc/passwd", "posix/Europe/Berlin"])
def test_other_time_zones_are_refused(name: str) -> None:
    with pytest.raises(DomainError):
        checks.clean_time_zone(name)


@pytest.mark.parametrize("phone", ["+49 89 1234567", "089/1234-567", "+41 (0)44 123 45 67"])
def test_phones_as_people_write_them(phone: str) -> None:
    assert checks.clean_phone(phone) == phone
