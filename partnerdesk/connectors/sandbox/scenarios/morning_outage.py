"""Journey 1 (morning outage): EX226792 "Some users can't send mail" on Exchange Online starts at
08:55 (minute 5), gets posts and turns serviceRestored at 11:40 (minute 170); a tenant-specific
issue for Stadtwerke Rosenheim; the demo workspace's customers, subscriptions, GDAP
relationships and security groups (tenant ids from partnerdesk/demo/organisations.py).

Times are minutes from the scenario's origin (08:50 scenario time); the server starts at
minute `starts_at_minute`.
"""

from __future__ import annotations

from typing import Any

PARTNER_TENANT = "5a0f4c1e-7d2b-4b8e-9f3a-1c6d8e2b4a70"  # Nordwind IT (demo WORKSPACE_TENANT)
HUBER = "0c6b2f1a-93d4-4f7e-8a21-5b3e9d0c7f11"
STADTWERKE = "7e2d9a40-1b6c-4c3f-b8e5-2a9f0d4c6e22"
KANZLEI = "a41f7c3e-5d20-4e8b-9c16-3f7b2e1d8a33"

SERVICE_SUPPORT_ADMIN = "f023fd81-a637-4b56-95fd-791ac0226033"
HELPDESK_ADMIN = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1"

GROUP_HELPDESK = "3b1f6a2e-0c4d-4e9a-9b7f-2d8c1e5a7f01"
GROUP_ADMINS = "6d2e8b3f-1a5c-4f0b-8c9e-3e9d2f6b8a02"


def _subscription(sub_id: str, offer: str, quantity: int, status: str = "active") -> dict[str, Any]:
    return {
        "id": sub_id,
        "offerId": f"CFQ7TTC0{sub_id[-4:].upper()}",
        "offerName": offer,
        "friendlyName": offer,
        "quantity": quantity,
        "unitType": "Licenses",
        "status": status,
        "autoRenewEnabled": True,
        "billingType": "license",
        "billingCycle": "monthly",
        "termDuration": "P1Y",
        "creationDate": "2025-03-01T00:00:00Z",
        "effectiveStartDate": "2025-03-01T00:00:00Z",
        "commitmentEndDate": "2027-02-28T00:00:00Z",
    }


SCENARIO: dict[str, Any] = {
    "name": "morning-outage",
    "origin_clock": "08:50",
    "starts_at_minute": 10,
    "partner_tenant": PARTNER_TENANT,
    "customers": [
        {
            "tenant_id": HUBER,
            "name": "Bäckerei Huber GmbH",
            "domain": "baeckereihuber.onmicrosoft.com",
            "country": "DE",
            "subscriptions": [
                _subscription(
                    "4a7c2e10-5b3d-4c8e-9f21-0d6e8a1b0001", "Microsoft 365 Business Premium", 45
                ),
                _subscription(
                    "4a7c2e10-5b3d-4c8e-9f21-0d6e8a1b0002", "Exchange Online (Plan 1)", 5
                ),
            ],
        },
        {
            "tenant_id": STADTWERKE,
            "name": "Stadtwerke Rosenheim GmbH & Co. KG",
            "domain": "stadtwerkerosenheim.onmicrosoft.com",
            "country": "DE",
            "subscriptions": [
                _subscription("5b8d3f21-6c4e-4d9f-8a32-1e7f9b2c0001", "Microsoft 365 E3", 180),
                _subscription("5b8d3f21-6c4e-4d9f-8a32-1e7f9b2c0002", "Azure plan", 1),
                _subscription(
                    "5b8d3f21-6c4e-4d9f-8a32-1e7f9b2c0003",
                    "Dynamics 365 Sales Enterprise",
                    12,
                    "suspended",
                ),
            ],
        },
        {
            "tenant_id": KANZLEI,
            "name": "Kanzlei Brandl & Partner Rechtsanwälte mbB",
            "domain": "kanzleibrandl.onmicrosoft.com",
            "country": "DE",
            "subscriptions": [
                _subscription(
                    "6c9e4a32-7d5f-4eaf-9b43-2f8a0c3d0001", "Microsoft 365 Business Standard", 14
                ),
                _subscription(
                    "6c9e4a32-7d5f-4eaf-9b43-2f8a0c3d0002", "Microsoft Teams Phone Standard", 14
                ),
            ],
        },
    ],
    "groups": [
        {
            "id": GROUP_HELPDESK,
            "displayName": "Nordwind Helpdesk",
            "members": ["lena.fischer@nordwind-it.example", "jonas.weber@nordwind-it.example"],
        },
        {
            "id": GROUP_ADMINS,
            "displayName": "Nordwind Admin Agents",
            "members": ["jonas.weber@nordwind-it.example", "anna.berger@nordwind-it.example"],
        },
    ],
    "relationships": [
        {
            "id": "2d8f1a3c-4b5e-4c6d-8e7f-9a0b1c2d3e4f-1c3e5a7b-9d0f-4b2d-8e6a-0c1e3a5b7d9f",
            "displayName": "Nordwind Support Huber",
            "tenant_id": HUBER,
            "customer_name": "Bäckerei Huber GmbH",
            "status": "active",
            "duration": "P730D",
            "autoExtendDuration": "P180D",
            "roles": [SERVICE_SUPPORT_ADMIN, HELPDESK_ADMIN, EXCHANGE_ADMIN],
            "activated": "2025-06-01T09:00:00Z",
            "ends": "2027-06-01T09:00:00Z",
            "assignments": [
                {"group": GROUP_HELPDESK, "roles": [SERVICE_SUPPORT_ADMIN, HELPDESK_ADMIN]},
                {"group": GROUP_ADMINS, "roles": [EXCHANGE_ADMIN]},
            ],
        },
        {
            "id": "3e9a2b4d-5c6f-4d7e-9f8a-0b1c2d3e4f5a-2d4f6b8c-0e1a-4c3e-9f7b-1d2f4b6c8e0a",
            "displayName": "Nordwind Stadtwerke 24x7",
            "tenant_id": STADTWERKE,
            "customer_name": "Stadtwerke Rosenheim GmbH & Co. KG",
            "status": "active",
            "duration": "P365D",
            "autoExtendDuration": "PT0S",
            "roles": [SERVICE_SUPPORT_ADMIN, USER_ADMIN, DIRECTORY_READERS],
            "activated": "2026-01-15T08:00:00Z",
            "ends": "2027-01-15T08:00:00Z",
            "assignments": [
                {"group": GROUP_HELPDESK, "roles": [SERVICE_SUPPORT_ADMIN, DIRECTORY_READERS]},
                {"group": GROUP_ADMINS, "roles": [USER_ADMIN]},
            ],
        },
        {
            "id": "4fab3c5e-6d7a-4e8f-a09b-1c2d3e4f5a6b-3e5a7c9d-1f2b-4d4f-a08c-2e3a5c7d9f1b",
            "displayName": "Nordwind Kanzlei Brandl",
            "tenant_id": KANZLEI,
            "customer_name": "Kanzlei Brandl & Partner Rechtsanwälte mbB",
            "status": "expired",
            "duration": "P180D",
            "autoExtendDuration": "PT0S",
            "roles": [DIRECTORY_READERS, SERVICE_SUPPORT_ADMIN],
            "activated": "2025-03-01T10:00:00Z",
            "ends": "2025-08-28T10:00:00Z",
            "assignments": [{"group": GROUP_HELPDESK, "roles": [DIRECTORY_READERS]}],
        },
    ],
    "incidents": [
        {
            "id": "EX226792",
            "tenant": None,
            "service": "Exchange Online",
            "workload": "Exchange Online",
            "title": "Some users can't send mail",
            "feature": "E-Mail and calendar access",
            "featureGroup": "E-Mail and calendar access",
            "impactDescription": (
                "Users may be unable to send email messages; messages stay in the Outbox."
            ),
            "classification": "Incident",
            "start": 5,
            "events": [
                {
                    "at": 5,
                    "status": "Investigating",
                    "post": "<p>Title: Some users can't send mail</p><p>User impact: Users may "
                    "be unable to send email messages.</p><p>We're reviewing telemetry to "
                    "understand the cause.</p>",
                },
                {
                    "at": 20,
                    "status": "ServiceDegradation",
                    "post": "<p>We've identified a recent configuration change to the mail "
                    "routing infrastructure that is causing messages to queue.</p>",
                },
                {
                    "at": 95,
                    "status": "RestoringService",
                    "post": "<p>We're reverting the configuration change; queued messages "
                    "are being delivered.</p>",
                },
                {
                    "at": 170,
                    "status": "ServiceRestored",
                    "post": "<p>Final status: We've reverted the change and confirmed through "
                    "telemetry that the service is restored.</p><p>Scope of impact: Some users "
                    "could not send mail between 08:55 and 11:40 UTC.</p>",
                    "resolved": True,
                },
            ],
        },
        {
            "id": "TM226801",
            "tenant": None,
            "service": "Microsoft Teams",
            "workload": "Microsoft Teams",
            "title": "Admins may see delayed usage reports",
            "feature": "Teams Components",
            "featureGroup": "Teams Components",
            "impactDescription": "Usage reports in the Teams admin center may be delayed.",
            "classification": "Advisory",
            "start": -600,
            "events": [
                {
                    "at": -600,
                    "status": "ServiceDegradation",
                    "post": "<p>Usage reports may be delayed by up to 48 hours.</p>",
                },
            ],
        },
        {
            "id": "EX226815",
            "tenant": STADTWERKE,
            "service": "Exchange Online",
            "workload": "Exchange Online",
            "title": "Mail from the Leitstelle's connector is delayed",
            "feature": "Mail flow",
            "featureGroup": "E-Mail and calendar access",
            "impactDescription": (
                "Messages sent through your organisation's inbound connector are delayed."
            ),
            "classification": "Incident",
            "start": 0,
            "events": [
                {
                    "at": 0,
                    "status": "ServiceInterruption",
                    "post": "<p>Your inbound connector's certificate was rejected; messages "
                    "are queued.</p>",
                },
            ],
        },
        {
            "id": "TM226822",
            "tenant": KANZLEI,
            "service": "Microsoft Teams",
            "workload": "Microsoft Teams",
            "title": "Direct Routing calls fail for your organisation",
            "feature": "Teams Voice",
            "featureGroup": "Teams Voice",
            "impactDescription": "Calls through your Direct Routing SBC fail.",
            "classification": "Incident",
            "start": 0,
            "events": [{"at": 0, "status": "Investigating", "post": "<p>Investigating.</p>"}],
        },
    ],
    "service_requests": [
        {
            "id": "616122292874576",
            "title": "Teams Direct Routing calls fail",
            "status": "open",
            "severity": "moderate",
            "customer": KANZLEI,
            "supportTopicName": "Teams calling",
        }
    ],
}
