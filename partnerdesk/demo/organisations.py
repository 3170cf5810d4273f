"""The demo's people: Nordwind IT's team, its customers and their contacts (JOURNEYS.md).

Every address is under the reserved .example top-level domain, so no demo mail can reach anyone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from partnerdesk.accounts.permissions import Role


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    note: str
    name: str = ""
    customer: str = ""  # key of the customer, for customer people


LOGINS = [
    DemoLogin("anna.berger@nordwind-it.example", Role.GLOBAL_ADMIN, "partner owner", "Anna Berger"),
    DemoLogin("jonas.weber@nordwind-it.example", Role.ADMIN_AGENT, "admin agent", "Jonas Weber"),
    DemoLogin(
        "lena.fischer@nordwind-it.example", Role.HELPDESK_AGENT, "helpdesk agent", "Lena Fischer"
    ),
    DemoLogin("tim.schulz@nordwind-it.example", Role.SALES_AGENT, "sales agent", "Tim Schulz"),
    DemoLogin(
        "maria.huber@baeckerei-huber.example",
        Role.CONTACT,
        "contact, Bäckerei Huber",
        "Maria Huber",
        "huber",
    ),
    DemoLogin(
        "thomas.gruber@stadtwerke-rosenheim.example",
        Role.CUSTOMER_MANAGER,
        "customer manager, Stadtwerke Rosenheim",
        "Thomas Gruber",
        "stadtwerke",
    ),
    DemoLogin(
        "sabine.brandl@kanzlei-brandl.example",
        Role.CONTACT,
        "contact, Kanzlei Brandl & Partner",
        "Dr. Sabine Brandl",
        "kanzlei",
    ),
]

# The staff by the short name the ticket stories use.
STAFF = {
    "anna": "anna.berger@nordwind-it.example",
    "jonas": "jonas.weber@nordwind-it.example",
    "lena": "lena.fischer@nordwind-it.example",
}

WORKSPACE_TENANT = uuid.UUID("5a0f4c1e-7d2b-4b8e-9f3a-1c6d8e2b4a70")


@dataclass(frozen=True)
class DemoCustomer:
    key: str
    name: str
    domains: tuple[str, ...]
    country: str
    language: str
    time_zone: str
    tenant_id: str
    notes: str = ""


CUSTOMERS = [
    DemoCustomer(
        "huber",
        "Bäckerei Huber GmbH",
        ("baeckerei-huber.example",),
        "DE",
        "de",
        "Europe/Berlin",
        "0c6b2f1a-93d4-4f7e-8a21-5b3e9d0c7f11",
        "12 Filialen rund um Rosenheim. Microsoft 365 Business Premium, 45 Lizenzen. "
        "Fragt oft nach Geräteverwaltung: Intune-Paket anbieten (Tim).",
    ),
    DemoCustomer(
        "stadtwerke",
        "Stadtwerke Rosenheim GmbH & Co. KG",
        ("stadtwerke-rosenheim.example", "swro.example"),
        "DE",
        "de",
        "Europe/Berlin",
        "7e2d9a40-1b6c-4c3f-b8e5-2a9f0d4c6e22",
        "Plan Business Critical 24x7. Leitstelle läuft auf Azure (West Europe).",
    ),
    DemoCustomer(
        "kanzlei",
        "Kanzlei Brandl & Partner Rechtsanwälte mbB",
        ("kanzlei-brandl.example",),
        "DE",
        "de",
        "Europe/Berlin",
        "a41f7c3e-5d20-4e8b-9c16-3f7b2e1d8a33",
        "Teams-Telefonie mit Direct Routing. Vertraulichkeit: nur Jonas und Lena.",
    ),
    DemoCustomer(
        "seeblick",
        "Hotel Seeblick Tegernsee",
        ("hotel-seeblick.example",),
        "DE",
        "de",
        "Europe/Berlin",
        "b52e8d4f-6e31-4f9c-8d27-4a8c3f2e9b44",
    ),
    DemoCustomer(
        "maier",
        "Schreinerei Maier",
        ("schreinerei-maier.example",),
        "DE",
        "de",
        "Europe/Berlin",
        "c63f9e50-7f42-4a0d-9e38-5b9d4a3f0c55",
        "Ein-Mann-Betrieb, ruft lieber an als zu schreiben.",
    ),
    DemoCustomer(
        "wagner",
        "Zahnarztpraxis Dr. Wagner",
        ("praxis-wagner.example",),
        "DE",
        "de",
        "Europe/Berlin",
        "d7405f61-8053-4b1e-af49-6cae5b401d66",
        "Patientendaten: keine Bildschirmfreigabe ohne Zustimmung der Praxis.",
    ),
    DemoCustomer(
        "bergbahnen",
        "Alpenblick Bergbahnen AG",
        ("alpenblick-bergbahnen.example",),
        "AT",
        "de",
        "Europe/Vienna",
        "e8516072-9164-4c2f-b05a-7dbf6c512e77",
        "Saisonbetrieb: im Dezember 60 Saisonkräfte mehr.",
    ),
    DemoCustomer(
        "mayfair",
        "Mayfair Analytics Ltd",
        ("mayfair-analytics.example",),
        "GB",
        "en",
        "Europe/London",
        "f9627183-a275-4d30-8c1a-8ec07d623f88",
        "London office; support in English.",
    ),
    DemoCustomer(
        "brenner",
        "Brenner Maschinenbau AG",
        ("brenner-maschinenbau.example", "brenner.example"),
        "CH",
        "de",
        "Europe/Zurich",
        "0a738294-b386-4e41-9d2b-9fd18e734099",
        "Dynamics 365 Sales seit 2023; Standorte Zürich und Winterthur.",
    ),
]

OWN_DOMAINS = ["nordwind-it.example"]


@dataclass(frozen=True)
class DemoContact:
    key: str
    customer: str
    name: str
    email: str
    phone: str = ""
    may_request_admin_changes: bool = False


CONTACTS = [
    DemoContact(
        "maria",
        "huber",
        "Maria Huber",
        "maria.huber@baeckerei-huber.example",
        "+49 8031 40711-10",
        True,
    ),
    DemoContact(
        "josef",
        "huber",
        "Josef Huber",
        "josef.huber@baeckerei-huber.example",
        "+49 8031 40711-0",
        True,
    ),
    DemoContact(
        "claudia",
        "huber",
        "Claudia Stein",
        "filiale.kolbermoor@baeckerei-huber.example",
        "+49 8031 40711-32",
    ),
    DemoContact(
        "thomas",
        "stadtwerke",
        "Thomas Gruber",
        "thomas.gruber@stadtwerke-rosenheim.example",
        "+49 8031 365-200",
        True,
    ),
    DemoContact(
        "katrin",
        "stadtwerke",
        "Katrin Lechner",
        "katrin.lechner@stadtwerke-rosenheim.example",
        "+49 8031 365-214",
        True,
    ),
    DemoContact(
        "michael",
        "stadtwerke",
        "Michael Brandstätter",
        "leitstelle@swro.example",
        "+49 8031 365-112",
    ),
    DemoContact(
        "sabine",
        "kanzlei",
        "Dr. Sabine Brandl",
        "sabine.brandl@kanzlei-brandl.example",
        "+49 89 2170 33-0",
        True,
    ),
    DemoContact(
        "markus",
        "kanzlei",
        "Markus Hofer",
        "sekretariat@kanzlei-brandl.example",
        "+49 89 2170 33-12",
    ),
    DemoContact(
        "florian",
        "seeblick",
        "Florian Weiß",
        "rezeption@hotel-seeblick.example",
        "+49 8022 9181-0",
        True,
    ),
    DemoContact(
        "eva", "seeblick", "Eva Maurer", "eva.maurer@hotel-seeblick.example", "+49 8022 9181-44"
    ),
    DemoContact(
        "georg",
        "maier",
        "Georg Maier",
        "info@schreinerei-maier.example",
        "+49 8061 2233",
        True,
    ),
    DemoContact(
        "petra",
        "wagner",
        "Dr. Petra Wagner",
        "petra.wagner@praxis-wagner.example",
        "+49 8031 88990",
        True,
    ),
    DemoContact("nina", "wagner", "Nina Koch", "empfang@praxis-wagner.example", "+49 8031 88990-1"),
    DemoContact(
        "stefan",
        "bergbahnen",
        "Stefan Pichler",
        "stefan.pichler@alpenblick-bergbahnen.example",
        "+43 5356 6120-15",
        True,
    ),
    DemoContact(
        "james",
        "mayfair",
        "James Whitfield",
        "james.whitfield@mayfair-analytics.example",
        "+44 20 7946 0321",
        True,
    ),
    DemoContact(
        "priya", "mayfair", "Priya Shah", "priya.shah@mayfair-analytics.example", "+44 20 7946 0388"
    ),
    DemoContact(
        "urs",
        "brenner",
        "Urs Meier",
        "urs.meier@brenner-maschinenbau.example",
        "+41 44 512 77 30",
        True,
    ),
]
