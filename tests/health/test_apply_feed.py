"""apply_feed: upsert, posts once, statuses, resolution, idempotence, HTML cleaning."""

from __future__ import annotations

import pytest

from partnerdesk.core.errors import DomainError
from partnerdesk.health.actions import apply_feed, clean_html
from partnerdesk.health.enums import HealthStatus, Scope
from partnerdesk.health.models import Incident, IncidentPost
from tests.health.helpers import data, feed_incident, post, tenant_incident
from tests.kit import make_workspace

pytestmark = pytest.mark.django_db


def _apply(ws, items, **kw):
    kw.setdefault("scope", Scope.SERVICE_WIDE)
    kw.setdefault("customer", None)
    kw.setdefault("complete", True)
    return apply_feed(ws.system(), incidents=items, **kw)


def test_creates_maps_service_and_stores_posts():
    ws = make_workspace()
    result = _apply(ws, [data()])
    assert result.created == 1
    incident = Incident.objects.get(partner=ws.partner)
    assert incident.service_id == "exchange-online"
    assert incident.scope == Scope.SERVICE_WIDE and incident.customer_id is None
    assert incident.first_seen_at and incident.last_seen_at
    assert IncidentPost.objects.filter(incident=incident).count() == 1


def test_unmapped_service_is_kept_by_name():
    ws = make_workspace()
    result = _apply(ws, [data(service_name="Viva Glint")])
    incident = Incident.objects.get(partner=ws.partner)
    assert incident.service_id is None and incident.service_name == "Viva Glint"
    assert result.unmapped_services == {"Viva Glint"}


def test_same_feed_twice_changes_nothing():
    ws = make_workspace()
    _apply(ws, [data()])
    second = _apply(ws, [data()])
    assert (second.created, second.updated, second.unchanged, second.posts_added) == (0, 0, 1, 0)
    assert IncidentPost.objects.count() == 1


def test_new_post_added_once_and_status_updated():
    ws = make_workspace()
    _apply(ws, [data()])
    later = data(
        status="restoringService",
        posts=(post("<p>We are investigating.</p>"), post("<p>Fix deploying.</p>", minutes=30)),
    )
    result = _apply(ws, [later])
    assert result.updated == 1 and result.posts_added == 1
    _apply(ws, [later])
    incident = Incident.objects.get(partner=ws.partner)
    assert incident.status == HealthStatus.RESTORING_SERVICE
    assert incident.posts.count() == 2


def test_unknown_status_stays_unknown_with_raw_value():
    ws = make_workspace()
    _apply(ws, [data(status="somethingNew", raw_status="somethingNew")])
    incident = Incident.objects.get(partner=ws.partner)
    assert incident.status == HealthStatus.UNKNOWN and incident.raw_status == "somethingNew"
    assert not incident.is_resolved


@pytest.mark.parametrize(
    ("status", "flag"), [("serviceRestored", False), ("serviceDegradation", True)]
)
def test_resolution_by_status_or_flag(status, flag):
    ws = make_workspace()
    _apply(ws, [data()])
    result = _apply(ws, [data(status=status, is_resolved=flag)])
    assert result.resolved == 1
    assert Incident.objects.get(partner=ws.partner).is_resolved


def test_missing_from_complete_feed_is_not_a_resolution():
    ws = make_workspace()
    _apply(ws, [data()])
    before = Incident.objects.get(partner=ws.partner)
    result = _apply(ws, [data("EX1")], complete=True)
    assert result.missing == 1
    after = Incident.objects.get(pk=before.pk)
    assert not after.is_resolved and after.last_seen_at == before.last_seen_at


def test_tenant_and_service_wide_are_separate():
    ws = make_workspace()
    feed_incident(ws)
    tenant_incident(ws, ws.customers["a"], "EX226792")
    assert Incident.objects.filter(partner=ws.partner, vendor_id="EX226792").count() == 2


def test_tenant_feed_needs_own_customer():
    ws, other = make_workspace(), make_workspace()
    with pytest.raises(DomainError):
        _apply(ws, [data()], scope=Scope.TENANT, customer=other.customers["a"])
    with pytest.raises(DomainError):
        _apply(ws, [data()], scope=Scope.SERVICE_WIDE, customer=ws.customers["a"])


def test_only_system_or_broadcasters_apply():
    ws = make_workspace()
    with pytest.raises(DomainError):
        apply_feed(
            ws.actor("contact"),
            incidents=[data()],
            scope="service_wide",
            customer=None,
            complete=False,
        )


def test_html_is_cleaned():
    dirty = (
        '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">bad</a>'
        '<a href="https://status.example">ok</a><img src=x><table><tr><td>t</td></tr></table></p>'
    )
    clean = clean_html(dirty)
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean
    assert "<img" not in clean and "<table" not in clean
    assert 'href="https://status.example"' in clean
    ws = make_workspace()
    _apply(ws, [data(posts=(post(dirty),))])
    assert "script" not in IncidentPost.objects.get().body_html
