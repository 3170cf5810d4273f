"""The scenario's data in the vendor's documented wire shapes, as of the scenario clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .state import State

# Graph's PascalCase status → Partner Center's ServiceIncidentStatus.
_PC_STATUS = {
    "Investigating": "warning",
    "ServiceDegradation": "warning",
    "ServiceInterruption": "critical",
    "RestoringService": "warning",
    "ExtendedRecovery": "information",
    "ServiceRestored": "normal",
}


def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def _visible(state: State, incident: dict[str, Any], minute: float) -> list[dict[str, Any]]:
    """The events that happened by `minute` (empty if the incident has not started)."""
    if float(incident["start"]) > minute:
        return []
    return [e for e in incident["events"] if float(e["at"]) <= minute]


def graph_issue(state: State, incident: dict[str, Any], minute: float) -> dict[str, Any] | None:
    events = _visible(state, incident, minute)
    if not events:
        return None
    last = events[-1]
    resolved = bool(last.get("resolved"))
    return {
        "startDateTime": iso(state.at(float(incident["start"]))),
        "endDateTime": iso(state.at(float(last["at"]))) if resolved else None,
        "lastModifiedDateTime": iso(state.at(float(last["at"]))),
        "title": incident["title"],
        "id": incident["id"],
        "impactDescription": incident["impactDescription"],
        "classification": incident["classification"],
        "origin": "Microsoft",
        "status": last["status"],
        "service": incident["service"],
        "feature": incident["feature"],
        "featureGroup": incident["featureGroup"],
        "isResolved": resolved,
        "highImpact": None,
        "details": [],
        "posts": [
            {
                "createdDateTime": iso(state.at(float(e["at"]))),
                "postType": "Regular",
                "description": {"contentType": "Html", "content": e["post"]},
            }
            for e in events
            if e.get("post")
        ],
    }


def pc_incident(state: State, incident: dict[str, Any], minute: float) -> dict[str, Any] | None:
    events = _visible(state, incident, minute)
    if not events:
        return None
    last = events[-1]
    resolved = bool(last.get("resolved"))
    return {
        "id": incident["id"],
        "messageType": "incident" if incident["classification"] == "Incident" else "message_center",
        "startTime": iso(state.at(float(incident["start"]))),
        "endTime": iso(state.at(float(last["at"]))) if resolved else "0001-01-01T00:00:00",
        "status": _PC_STATUS.get(last["status"], "information"),
        "messages": [
            {"publishedTime": iso(state.at(float(e["at"]))), "messageText": e["post"]}
            for e in events
            if e.get("post")
        ],
        "workload": incident["workload"],
        "affectedWorkloadNames": [incident["workload"]],
        "impactedArea": incident["feature"],
        "resolved": resolved,
        "impactedCustomers": 0,
        "attributes": {"objectType": "ServiceIncidentDetail"},
    }


def pc_incidents(state: State, *, flat: bool) -> dict[str, Any]:
    minute = state.minute()
    details = [
        d
        for d in (
            pc_incident(state, i, minute)
            for i in state.scenario["incidents"]
            if i.get("tenant") is None
        )
        if d is not None
    ]
    if flat:
        return envelope(details)
    groups: dict[str, list[dict[str, Any]]] = {}
    for detail in details:
        groups.setdefault(detail["workload"], []).append(detail)
    rank = {"normal": 0, "information": 1, "warning": 2, "critical": 3}
    items = [
        {
            "workload": workload,
            "status": max((d["status"] for d in group), key=lambda s: rank.get(s, 0)),
            "incidents": [d for d in group if d["messageType"] == "incident"],
            "messageCenterMessages": [d for d in group if d["messageType"] != "incident"],
            "attributes": {"objectType": "ServiceIncidents"},
        }
        for workload, group in groups.items()
    ]
    return envelope(items)


def envelope(items: list[Any], **links: Any) -> dict[str, Any]:
    return {
        "totalCount": len(items),
        "items": items,
        "links": links or {"self": {"uri": "", "method": "GET", "headers": []}},
        "attributes": {"objectType": "Collection"},
    }


def customer(entry: dict[str, Any], *, by_id: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": entry["tenant_id"],
        "commerceId": entry["tenant_id"],
        "companyProfile": {
            "tenantId": entry["tenant_id"],
            "domain": entry["domain"],
            "companyName": entry["name"],
            "attributes": {"objectType": "CustomerCompanyProfile"},
        },
        "billingProfile": {
            "companyName": entry["name"],
            "defaultAddress": {"country": entry["country"]},
            "attributes": {"objectType": "CustomerBillingProfile"},
        },
        "relationshipToPartner": "reseller",
        "attributes": {"objectType": "Customer"},
    }
    if by_id:
        body["allowDelegatedAccess"] = False
    return body


def managed_services(entry: dict[str, Any]) -> dict[str, Any]:
    tenant, domain = entry["tenant_id"], entry["domain"]
    base = "https://admin.microsoft.com/Partner/BeginClientSession.aspx"
    items = []
    for service_id, name in (("Exchange", "Exchange"), ("MicrosoftCommunicationsOnline", "Teams")):
        items.append(
            {
                "id": service_id,
                "name": name,
                "groupName": "Office",
                "links": {
                    "adminService": {
                        "uri": f"{base}?CTID={tenant}&CSDEST={service_id}"
                        f"&InitialDomain={domain}&PrimaryDomain={domain}",
                        "method": "GET",
                        "headers": [],
                    },
                    "serviceHealth": {
                        "uri": f"{base}?CTID={tenant}&CSDEST=ServiceStatus",
                        "method": "GET",
                        "headers": [],
                    },
                    "serviceTicket": {
                        "uri": f"{base}?CTID={tenant}&CSDEST=Support",
                        "method": "GET",
                        "headers": [],
                    },
                },
                "attributes": {"objectType": "ManagedService"},
            }
        )
    return envelope(items)


def relationship(state: State, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.delegatedAdminRelationship",
        "@odata.etag": 'W/"1"',
        "id": entry["id"],
        "displayName": entry["displayName"],
        "duration": entry["duration"],
        "status": state.relationship_status.get(entry["id"], entry["status"]),
        "autoExtendDuration": entry["autoExtendDuration"],
        "createdDateTime": entry["activated"],
        "activatedDateTime": entry["activated"],
        "lastModifiedDateTime": entry["activated"],
        "endDateTime": entry["ends"],
        "customer": {"tenantId": entry["tenant_id"], "displayName": entry["customer_name"]},
        "accessDetails": {"unifiedRoles": [{"roleDefinitionId": r} for r in entry["roles"]]},
    }


def assignments(entry: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "@odata.etag": 'W/"1"',
            "id": f"{entry['id'][:8]}-{index}",
            "status": "active",
            "createdDateTime": entry["activated"],
            "lastModifiedDateTime": entry["activated"],
            "accessContainer": {
                "accessContainerId": assignment["group"],
                "accessContainerType": "securityGroup",
            },
            "accessDetails": {
                "unifiedRoles": [{"roleDefinitionId": r} for r in assignment["roles"]]
            },
        }
        for index, assignment in enumerate(entry["assignments"])
    ]
