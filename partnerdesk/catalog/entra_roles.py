"""Microsoft Entra built-in role template ids (GDAP's `roleDefinitionId`) and readable names.

Ids cross-checked in several public sources (reference §4.4, §4.6). An id not listed here is
shown as it is: the vendor adds roles, and an unknown id must never hide a granted role.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
SERVICE_SUPPORT_ADMINISTRATOR = "f023fd81-a637-4b56-95fd-791ac0226033"
HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
BILLING_ADMINISTRATOR = "b0f54661-2d74-4c50-afa3-1ec803f12efe"
EXCHANGE_ADMINISTRATOR = "29232cdf-9323-42fd-ade2-1d097af3e4de"
PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814"
USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"
SHAREPOINT_ADMINISTRATOR = "f28a1f50-f6e7-4571-818b-6a12f2af6b6c"
TEAMS_ADMINISTRATOR = "69091246-20e8-4a56-aa4d-066075b2a7a8"
INTUNE_ADMINISTRATOR = "3a2c62db-5318-420d-8d74-23affee5d9d5"
DYNAMICS_365_ADMINISTRATOR = "44367163-eba1-44c3-98af-f5787879f96a"
APPLICATION_ADMINISTRATOR = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
SECURITY_ADMINISTRATOR = "194ae4cb-b126-40b2-bd5b-6091b380977d"
LICENSE_ADMINISTRATOR = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"

ROLE_NAMES: dict[str, StrOrPromise] = {
    GLOBAL_ADMINISTRATOR: _("Global Administrator"),
    SERVICE_SUPPORT_ADMINISTRATOR: _("Service Support Administrator"),
    HELPDESK_ADMINISTRATOR: _("Helpdesk Administrator"),
    GLOBAL_READER: _("Global Reader"),
    DIRECTORY_READERS: _("Directory Readers"),
    BILLING_ADMINISTRATOR: _("Billing Administrator"),
    EXCHANGE_ADMINISTRATOR: _("Exchange Administrator"),
    PRIVILEGED_ROLE_ADMINISTRATOR: _("Privileged Role Administrator"),
    USER_ADMINISTRATOR: _("User Administrator"),
    SHAREPOINT_ADMINISTRATOR: _("SharePoint Administrator"),
    TEAMS_ADMINISTRATOR: _("Teams Administrator"),
    INTUNE_ADMINISTRATOR: _("Intune Administrator"),
    DYNAMICS_365_ADMINISTRATOR: _("Dynamics 365 Administrator"),
    APPLICATION_ADMINISTRATOR: _("Application Administrator"),
    SECURITY_ADMINISTRATOR: _("Security Administrator"),
    LICENSE_ADMINISTRATOR: _("License Administrator"),
}

# Roles whose holder may read the customer tenant's service health (reference §4.6).
HEALTH_READING_ROLES = frozenset(
    {SERVICE_SUPPORT_ADMINISTRATOR, GLOBAL_READER, GLOBAL_ADMINISTRATOR, HELPDESK_ADMINISTRATOR}
)


def role_name(role_definition_id: str) -> StrOrPromise:
    """The readable name of a role template id; the id itself when the role is not listed."""
    return ROLE_NAMES.get(role_definition_id.lower(), role_definition_id)
