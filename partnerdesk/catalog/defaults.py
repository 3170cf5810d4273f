"""The catalog every workspace starts with, and each service's default profile.

DEFAULT_SERVICES: (code, name, parent code). Codes are stable: tickets point at them; a new
service comes with a data migration (catalog/migrations).

DEFAULT_PROFILES: what catalog.profiles.EffectiveProfile is built from when the workspace has
not changed a service. References (§) are to /work/shared/reference/partner-center-api.md.
"""

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
    ("dynamics-365", "Dynamics 365 / CRM Online", None),
    ("ems", "Enterprise Mobility + Security", None),
    ("on-premises", "On-premises products", None),
    ("other", "Other", None),
    # Added by catalog migration 0004 (issue 8): Office 365 plans give the same workloads.
    ("office-365", "Office 365", "m365"),
]

from .entra_roles import (  # noqa: E402  (the role template ids the defaults grant)
    DIRECTORY_READERS,
    DYNAMICS_365_ADMINISTRATOR,
    EXCHANGE_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    HELPDESK_ADMINISTRATOR,
    INTUNE_ADMINISTRATOR,
    LICENSE_ADMINISTRATOR,
    SECURITY_ADMINISTRATOR,
    SERVICE_SUPPORT_ADMINISTRATOR,
    SHAREPOINT_ADMINISTRATOR,
    TEAMS_ADMINISTRATOR,
    USER_ADMINISTRATOR,
)

# --- portals ----------------------------------------------------------------------------------
# Partner Center's managed-services links (§4.3) open the Microsoft 365 admin center in the
# customer's context; the delegatedOrg= and /{domain} links are community-observed (§5 item 4).
_BCS = "https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID={tenant_id}&CSDEST="
_M365_HEALTH = _BCS + "ServiceStatus"
_M365_TICKET = _BCS + "Support"
# Office 365 operated by 21Vianet: its admin center (UNCONFIRMED host; §6.5 says the partner
# opens the customer's admin center operated by 21Vianet to file a request).
_CN_ADMIN = "https://portal.partner.microsoftonline.cn/"
_CN_AZURE = "https://portal.azure.cn/#@{domain}"
# Microsoft Cloud for US Government: Office 365 is not in Partner Center there (a national
# clouds page); Azure Government's portal is portal.azure.us (UNCONFIRMED here).
_GOV_AZURE = "https://portal.azure.us/#@{domain}"
# Microsoft Cloud Germany closed in 2021; its portals are kept for history (UNCONFIRMED).
_DE_AZURE = "https://portal.microsoftazure.de/#@{domain}"
_DE_ADMIN = "https://portal.office.de/"


def _m365(admin: str, *, cn_admin: str = _CN_ADMIN) -> dict[str, dict[str, str]]:
    """Portals of a Microsoft 365 workload: `admin` on the global instance, the admin center
    operated by 21Vianet in China, nothing in the closed German cloud beyond its admin center."""
    return {
        "global": {"admin": admin, "health": _M365_HEALTH, "ticket": _M365_TICKET},
        "us_government": {"admin": admin, "health": _M365_HEALTH, "ticket": _M365_TICKET},
        "germany": {"admin": _DE_ADMIN, "health": "", "ticket": ""},
        "china_21vianet": {"admin": cn_admin, "health": cn_admin, "ticket": cn_admin},
    }


def _azure_portals(path: str = "") -> dict[str, dict[str, str]]:
    new_request = "/blade/Microsoft_Azure_Support/HelpAndSupportBlade/newsupportrequest"
    return {
        "global": {
            "admin": "https://portal.azure.com/#@{domain}" + path,
            "health": "https://portal.azure.com/#@{domain}/blade/Microsoft_Azure_Health/"
            "AzureHealthBrowseBlade/serviceIssues",
            "ticket": "https://portal.azure.com/#@{domain}" + new_request,
        },
        "us_government": {"admin": _GOV_AZURE + path, "health": "", "ticket": ""},
        "germany": {"admin": _DE_AZURE + path, "health": "", "ticket": ""},
        "china_21vianet": {"admin": _CN_AZURE + path, "health": "", "ticket": ""},
    }


# On 21Vianet every escalation goes to 21Vianet, never to Microsoft (§6.5).
_CN_ESCALATION = {"china_21vianet": "21vianet"}

_SRC_M365 = (
    "Partner Center managed services (§4.3; BeginClientSession CSDEST=ServiceStatus/Support); "
    "admin roles and assisted requests from GDAP role guidance (§4.6, §6.1); included in "
    "partner benefits (§6.2); 21Vianet: escalation to 21Vianet (§6.5), admin center host "
    "unconfirmed"
)
_UNCONFIRMED_LINK = (
    "; the admin link (delegatedOrg= or /{domain}) is community-observed, unconfirmed (§5 item 4)"
)


def _workload(
    admin: str,
    roles: list[str],
    health_names: list[str],
    *,
    unconfirmed_link: bool = True,
) -> dict[str, Any]:
    return {
        "portals": _m365(admin),
        "admin_roles": [*roles, GLOBAL_ADMINISTRATOR],
        "escalation": "assisted",
        "escalation_by_instance": dict(_CN_ESCALATION),
        "vendor_fee": "included",
        "health_names": health_names,
        "source": _SRC_M365 + (_UNCONFIRMED_LINK if unconfirmed_link else ""),
    }


DEFAULT_PROFILES: dict[str, dict[str, Any]] = {
    "azure": {
        "portals": _azure_portals(),
        # Any GDAP role plus an Azure RBAC role (Support request contributor) (§4.6).
        "admin_roles": [DIRECTORY_READERS, SERVICE_SUPPORT_ADMINISTRATOR, GLOBAL_ADMINISTRATOR],
        "escalation": "azure_support",
        "escalation_by_instance": dict(_CN_ESCALATION),
        "vendor_fee": "included",
        "health_names": ["Azure", "Microsoft Azure"],
        "source": (
            "Azure portal in the customer's directory (§5 item 3, portal.azure.com/{domain}); "
            "any GDAP role e.g. Directory Readers plus Azure RBAC (§4.6); support plan "
            "'Cloud Solution Provider' (§6.2); Azure China portal.azure.cn, US Government "
            "portal.azure.us: unconfirmed"
        ),
    },
    "m365": _workload(
        _BCS + "o365admincenter",
        [SERVICE_SUPPORT_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR],
        ["Microsoft 365 suite", "Microsoft 365", "Office 365", "O365Client"],
    ),
    "office-365": _workload(
        _BCS + "o365admincenter",
        [SERVICE_SUPPORT_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, USER_ADMINISTRATOR],
        ["Office 365 Portal", "Office Online"],
    ),
    "exchange-online": _workload(
        "https://admin.exchange.microsoft.com/?landingpage=homepage&form=mac_sidebar"
        "&delegatedOrg={domain}",
        [EXCHANGE_ADMINISTRATOR],
        ["Exchange Online", "Exchange"],
    ),
    "sharepoint-online": _workload(
        _BCS + "SharePoint",
        [SHAREPOINT_ADMINISTRATOR],
        ["SharePoint Online", "SharePoint"],
    ),
    "onedrive": _workload(
        _BCS + "SharePoint",
        [SHAREPOINT_ADMINISTRATOR],
        ["OneDrive for Business", "OneDrive"],
    ),
    "teams": _workload(
        # Graph serviceManagementDetails example (§4.4): an official API's answer.
        "https://admin.teams.microsoft.com/?delegatedOrg={domain}",
        [TEAMS_ADMINISTRATOR],
        ["Microsoft Teams", "Teams", "Lync", "MicrosoftCommunicationsOnline", "Skype for Business"],
        unconfirmed_link=False,
    ),
    "entra-id": {
        **_workload(
            # Graph serviceManagementDetails example "Azure Active Directory" (§4.4).
            "https://aad.portal.azure.com/{domain}",
            [USER_ADMINISTRATOR, HELPDESK_ADMINISTRATOR, SECURITY_ADMINISTRATOR],
            ["Microsoft Entra", "Microsoft Entra ID", "Azure Active Directory", "Identity Service"],
            unconfirmed_link=False,
        ),
    },
    "intune": _workload(
        "https://endpoint.microsoft.com/{domain}/",
        [INTUNE_ADMINISTRATOR],
        ["Microsoft Intune", "Intune"],
    ),
    "m365-apps": _workload(
        _BCS + "o365admincenter",
        [LICENSE_ADMINISTRATOR, SERVICE_SUPPORT_ADMINISTRATOR],
        ["Microsoft 365 apps", "Microsoft 365 Apps", "Office Client Applications"],
    ),
    "dynamics-365": {
        "portals": {
            "global": {
                "admin": "https://admin.powerplatform.microsoft.com/",
                "health": _M365_HEALTH,
                "ticket": "https://admin.powerplatform.microsoft.com/support",
            },
            "us_government": {"admin": "", "health": "", "ticket": ""},
            "germany": {"admin": "", "health": "", "ticket": ""},
            "china_21vianet": {"admin": _CN_ADMIN, "health": _CN_ADMIN, "ticket": _CN_ADMIN},
        },
        "admin_roles": [
            DYNAMICS_365_ADMINISTRATOR,
            SERVICE_SUPPORT_ADMINISTRATOR,
            GLOBAL_ADMINISTRATOR,
        ],
        "escalation": "assisted",
        "escalation_by_instance": dict(_CN_ESCALATION),
        # Dynamics 365 incidents on a customer's behalf need ASfP or higher (§6.2).
        "vendor_fee": "fee",
        "health_names": ["Dynamics 365 Apps", "Dynamics 365", "CRM Online", "Dynamics CRM Online"],
        "source": (
            "Power Platform admin center, Service support administrator (§4.6); ASfP or higher "
            "needed for Dynamics 365 incidents (§6.2); 21Vianet escalation (§6.5); admin link "
            "unconfirmed"
        ),
    },
    "ems": {
        **_workload(
            "https://endpoint.microsoft.com/{domain}/",
            [INTUNE_ADMINISTRATOR, SECURITY_ADMINISTRATOR],
            ["Enterprise Mobility + Security", "EMS"],
        ),
    },
    "on-premises": {
        "portals": {},
        "admin_roles": [],
        "escalation": "assisted",
        "escalation_by_instance": dict(_CN_ESCALATION),
        # Product support incidents are a benefit for recent on-premises products; otherwise
        # Premier Support for Partners (fee) (§6.2).
        "vendor_fee": "fee",
        "health_names": [],
        "source": (
            "Product support incidents (benefit, recent on-premises products) or PSfP "
            "(fee-based, all products) (§6.2); no management portal"
        ),
    },
    "other": {
        "portals": {},
        "admin_roles": [],
        "escalation": "none",
        "escalation_by_instance": {},
        "vendor_fee": "none",
        "health_names": [],
        "source": "Marketplace and third-party products: the publisher supports them (§6.2)",
    },
}
