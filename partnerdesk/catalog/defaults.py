"""The minimal catalog every workspace starts with: (code, name, parent code)."""

from typing import Any

DEFAULT_SERVICES: list[tuple[str, str, str | None]] = [
    ("azure", "Microsoft Azure", None),
    ("m365", "Microsoft 365", None),
    ("exchange-online", "Exchange Online", "m365"),
    ("sharepoint-online", "SharePoint Online", "m365"),
    ("onedrive", "OneDrive for Business", "m365"),
    ("teams", "Microsoft Teams", "m365"),
    ("entra-id", "Microsoft Entra ID", "m365"),
    ("intune", "Microsoft Intune", "m365"),
    ("m365-apps", "Microsoft 365 Apps", "m365"),
    ("dynamics-365", "Dynamics 365", None),
    ("ems", "Enterprise Mobility + Security", None),
    ("on-premises", "On-premises products", None),
    ("other", "Other", None),
]


# --- Default profiles (catalog.profiles.EffectiveProfile) -------------------------------------
# TO BE COMPLETED by the catalog work: every service above, with sources. The shape:
#   code: {"portals": {instance: {"admin": …, "health": …, "ticket": …}},
#          "admin_roles": [role template ids], "escalation": Escalation value,
#          "vendor_fee": VendorFee value, "health_names": [names in the vendors' feeds],
#          "source": "where these values come from"}
DEFAULT_PROFILES: dict[str, dict[str, Any]] = {
    "exchange-online": {
        "portals": {
            "global": {
                "admin": "https://admin.exchange.microsoft.com/?delegatedOrg={domain}",
                "health": "https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID={tenant_id}&CSDEST=ServiceStatus",
                "ticket": "https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID={tenant_id}&CSDEST=Support",
            },
        },
        "admin_roles": [
            "29232cdf-9323-42fd-ade2-1d097af3e4de",
            "62e90394-69f5-4237-9190-012177145e10",
        ],
        "escalation": "assisted",
        "vendor_fee": "included",
        "health_names": ["Exchange Online", "Exchange"],
        "source": "Partner Center docs, managed services (reference §4.3, §5)",
    },
}
