"""The offer-name matcher: which catalog service a subscription gives."""

from __future__ import annotations

import pytest

from partnerdesk.customers.subscriptions.offers import service_for_offer


@pytest.mark.parametrize(
    ("offer", "code"),
    [
        ("Microsoft 365 Business Premium", "m365"),
        ("Microsoft 365 E3 (no Teams)", "m365"),
        ("Office 365 E3", "office-365"),
        ("Azure plan", "azure"),
        ("Microsoft Azure", "azure"),
        ("Azure Active Directory Premium P1", "entra-id"),
        ("Microsoft Entra ID P2", "entra-id"),
        ("Dynamics 365 Business Central Essentials", "dynamics-365"),
        ("Dynamics CRM Online Professional", "dynamics-365"),
        ("Exchange Online (Plan 1)", "exchange-online"),
        ("SharePoint Online (Plan 2)", "sharepoint-online"),
        ("OneDrive for business (Plan 1)", "onedrive"),
        ("Microsoft Teams Essentials", "teams"),
        ("Microsoft Intune Plan 1", "intune"),
        ("Enterprise Mobility + Security E3", "ems"),
        ("Microsoft 365 Apps for business", "m365-apps"),
        ("Windows Server 2022 Standard - 2 Core License Pack", "on-premises"),
        ("  MICROSOFT   365  BUSINESS BASIC ", "m365"),
        ("Adobe Acrobat Pro", ""),
        ("", ""),
    ],
)
def test_offer_names_map_to_services(offer: str, code: str) -> None:
    assert service_for_offer(offer) == code


def test_a_service_the_catalog_lacks_is_no_match() -> None:
    assert service_for_offer("Azure plan", known=frozenset({"m365"})) == ""
    assert service_for_offer("Azure plan", known=frozenset({"azure"})) == "azure"
