"""Demo tickets from abroad (the mountain railway in Tyrol, the London office, the machine
builder in Switzerland) and of the partner's own tenant."""

from __future__ import annotations

from .script import Story, answer, assign, days, hours, minutes, note, reply, status

INTERNATIONAL_STORIES = [
    # --- Alpenblick Bergbahnen --------------------------------------------------------------------
    Story(
        key="bergbahnen-update-loop",
        customer="bergbahnen",
        requester="stefan",
        subject="Kassen-PCs an der Talstation: Update-Schleife",
        description=(
            "Zwei Kassen-PCs an der Talstation hängen seit heute früh bei „Updates werden "
            "installiert … 100 %“ und starten immer wieder neu. Der Liftbetrieb startet um 8:30!"
        ),
        service="intune",
        category="updates",
        severity="B",
        days_ago=2,
        at="07:20",
        tags=("windows-update",),
        steps=(
            assign("jonas", "jonas", minutes(5)),
            reply(
                "jonas",
                "Servus Herr Pichler,\n\nwir verbinden uns per Fernwartung und setzen das Update "
                "zurück. Bitte lassen Sie die PCs eingeschaltet.",
                minutes(5),
            ),
            note(
                "jonas",
                "Kumulatives Update über die Wiederherstellungsumgebung deinstalliert, Update im "
                "Ring „Kassen“ für 14 Tage pausiert. Ursache: Treiber der Bondrucker.",
                hours(1),
            ),
            reply(
                "jonas",
                "Beide Kassen laufen wieder. Wir haben das Update vorerst pausiert und klären den "
                "Druckertreiber mit dem Kassenhersteller.",
                minutes(5),
            ),
        ),
    ),
    Story(
        key="bergbahnen-ring-group",
        customer="bergbahnen",
        requester="stefan",
        subject="Teams-Rufgruppe für die Pistenrettung",
        description=(
            "Für die Pistenrettung brauchen wir eine Nummer, die auf allen vier Diensthandys "
            "gleichzeitig klingelt."
        ),
        service="teams",
        category="configuration",
        severity="C",
        days_ago=15,
        at="13:00",
        tags=("teams", "telefonie"),
        steps=(
            assign("jonas", "jonas", hours(2)),
            reply(
                "jonas",
                "Servus Herr Pichler,\n\ndie Anrufwarteschleife mit gleichzeitigem Klingeln ist "
                "eingerichtet; die neue Nummer ist +43 5356 6120-99. Bitte einmal testen.",
                hours(24),
            ),
            answer("Getestet, klingelt überall. Passt!", hours(3)),
            status("jonas", "resolved", minutes(30)),
        ),
    ),
    Story(
        key="bergbahnen-seasonal-licences",
        customer="bergbahnen",
        requester="stefan",
        subject="Lizenzen für Saisonkräfte",
        description=(
            "Wie viele Lizenzen bräuchten wir für 60 Saisonkräfte (nur Schichtplan und Teams)? "
            "Und was kostet das?"
        ),
        service="m365",
        category="subscription",
        severity="C",
        days_ago=29,
        at="10:30",
        tags=("lizenz", "angebot"),
        steps=(
            assign("anna", "anna", hours(3)),
            reply(
                "anna",
                "Grüß Gott Herr Pichler,\n\nfür Saisonkräfte empfehlen wir Microsoft 365 F1 "
                "(Teams, Schichten, SharePoint, kein Postfach) mit monatlicher Laufzeit: "
                "60 Lizenzen zu je 2,10 € im Monat, nur in den Saisonmonaten. Das Angebot "
                "schicken wir per Post.",
                hours(4),
            ),
            status("anna", "resolved"),
            status("anna", "closed", days(6)),
        ),
    ),
    Story(
        key="bergbahnen-summer-accounts",
        customer="bergbahnen",
        requester="stefan",
        subject="Saisonkräfte Sommer: Konten deaktivieren",
        description=(
            "Die Sommersaison ist vorbei. Bitte die 18 Sommerkonten deaktivieren; die Liste "
            "kommt von der Personalabteilung."
        ),
        service="entra-id",
        category="account_setup",
        severity="C",
        days_ago=6,
        at="09:45",
        steps=(
            assign("lena", "lena", hours(1)),
            reply(
                "lena",
                "Grüß Gott Herr Pichler,\n\ngerne. Sobald die Liste der Personalabteilung da ist, "
                "deaktivieren wir die Konten und geben die Lizenzen zurück.",
                minutes(15),
            ),
            status("lena", "pending_customer"),
        ),
    ),
    # --- Mayfair Analytics (English) --------------------------------------------------------------
    Story(
        key="mayfair-sharepoint-storage",
        customer="mayfair",
        requester="priya",
        subject="SharePoint storage almost full",
        description=(
            "We got a warning that our SharePoint storage is at 95 %. What are our options?"
        ),
        service="sharepoint-online",
        category="performance",
        severity="C",
        days_ago=4,
        at="11:20",
        steps=(
            assign("lena", "lena", minutes(40)),
            reply(
                "lena",
                "Hi Priya,\n\nmost of the space is version history in the Projects site (about "
                "310 GB). Limiting versions to 100 per file frees roughly 200 GB; extra storage "
                "would cost £0.16 per GB and month instead. Shall we go ahead with the limit?",
                hours(2),
            ),
        ),
    ),
    Story(
        key="mayfair-licences",
        customer="mayfair",
        requester="james",
        subject="Two more Microsoft 365 E3 licences, please",
        description=(
            "Hi, we have two new analysts starting on Monday. Could you add two E3 licences? "
            "Thanks, James"
        ),
        service="m365",
        category="subscription",
        severity="C",
        days_ago=27,
        at="14:00",
        tags=("lizenz",),
        steps=(
            assign("jonas", "jonas", minutes(30)),
            reply(
                "jonas",
                "Hi James,\n\ndone: you now have 24 E3 licences. The pro-rated charge will show "
                "on your next invoice.",
                hours(1),
            ),
            status("jonas", "resolved"),
            status("jonas", "closed", days(4)),
        ),
    ),
    Story(
        key="mayfair-mfa-phone",
        customer="mayfair",
        requester="priya",
        subject="MFA prompts not arriving on new phone",
        description=(
            "I've got a new phone and the Authenticator app doesn't get any sign-in requests. "
            "I'll be locked out once my laptop session expires tomorrow morning."
        ),
        service="entra-id",
        category="account_setup",
        severity="B",
        days_ago=1,
        at="16:55",
    ),
    Story(
        key="mayfair-finance-mailbox",
        customer="mayfair",
        requester="james",
        subject="Shared mailbox permissions for the finance team",
        description=(
            "Could you give the finance team (4 people) access to invoices@? Send-as would be "
            "great too."
        ),
        service="exchange-online",
        category="configuration",
        severity="C",
        days_ago=5,
        at="10:10",
        steps=(
            assign("lena", "lena", hours(1)),
            reply(
                "lena",
                "Hi James,\n\nhappy to. Can you confirm the four names? And should they send as "
                "invoices@ or on behalf of it (recipients then see both names)?",
                minutes(20),
            ),
            status("lena", "pending_customer"),
        ),
    ),
    Story(
        key="mayfair-vat-number",
        customer="mayfair",
        requester="priya",
        subject="Invoice query: VAT number missing on October invoice",
        description=(
            "Our October invoice doesn't show our VAT number, which our accountants need. "
            "Could you reissue it?"
        ),
        service="m365",
        category="accounts_billing",
        severity="C",
        days_ago=10,
        at="09:15",
        tags=("rechnung",),
        steps=(
            assign("anna", "anna", hours(2)),
            reply(
                "anna",
                "Hi Priya,\n\napologies, the VAT number was missing from your billing profile. "
                "We've added it and reissued the October invoice; it is on its way by e-mail.",
                hours(1),
            ),
            status("anna", "resolved"),
        ),
    ),
    # --- Brenner Maschinenbau ---------------------------------------------------------------------
    Story(
        key="brenner-dynamics-import",
        customer="brenner",
        requester="urs",
        subject="Dynamics 365: Import der Kundenliste bricht ab",
        description=(
            "Der Import von 12'000 Firmenkunden in Dynamics 365 Sales bricht bei etwa 4'000 "
            "Datensätzen mit „Generic SQL error“ ab. Die Datei hängt an."
        ),
        service="dynamics-365",
        category="performance",
        severity="B",
        days_ago=7,
        at="13:30",
        tags=("dynamics", "eskalation"),
        steps=(
            assign("jonas", "jonas", hours(1)),
            reply(
                "jonas",
                "Grüezi Herr Meier,\n\ndanke für die Datei. Wir haben den Fehler nachgestellt: Er "
                "tritt auch bei kleinen Teilen auf, sobald das Feld „Branche“ gefüllt ist. Wir "
                "prüfen weiter.",
                hours(3),
            ),
            note(
                "jonas",
                "Vermutlich ein Plattformfehler (Timeout in einem Microsoft-Plug-in). "
                "Serviceanfrage im Kontext des Kunden angelegt (Advanced Support for Partners), "
                "Fall 2411120010009876.",
                hours(20),
            ),
            status("jonas", "pending_vendor", minutes(2)),
            reply(
                "jonas",
                "Wir haben den Fehler an Microsoft eskaliert. Bis zur Lösung können Sie ohne das "
                "Feld „Branche“ importieren und es später per Massenbearbeitung nachtragen.",
                minutes(10),
            ),
        ),
    ),
    Story(
        key="brenner-vpn",
        customer="brenner",
        requester="urs",
        subject="Azure VPN Gateway: Verbindung zum Standort Winterthur bricht ab",
        description=(
            "Die Site-to-Site-VPN-Verbindung von Winterthur nach Azure bricht seit gestern etwa "
            "stündlich für zwei bis drei Minuten ab. Die Konstruktion arbeitet mit Dateien auf "
            "einem Dateiserver in Azure."
        ),
        service="azure",
        category="connectivity",
        severity="B",
        days_ago=2,
        at="14:25",
        tags=("azure", "vpn"),
        steps=(
            assign("jonas", "jonas", minutes(30)),
            note(
                "jonas",
                "Service Health: kein Vorfall in Switzerland North. IKE-Protokoll: Der "
                "Schlüsselwechsel scheitert, die SA-Lebensdauer passt nicht zur Firewall "
                "(3600 s gegenüber 28800 s).",
                hours(1),
            ),
            reply(
                "jonas",
                "Grüezi Herr Meier,\n\ndie Abbrüche kommen vom Schlüsselwechsel: Die Firewall in "
                "Winterthur und das Azure-Gateway verwenden unterschiedliche Lebensdauern. "
                "Können wir die Firewall morgen um 7 Uhr mit Ihrem Dienstleister anpassen?",
                minutes(15),
            ),
        ),
    ),
    Story(
        key="brenner-reservations",
        customer="brenner",
        requester="urs",
        subject="Verlängerung der Azure-Reservierungen",
        description=(
            "Unsere Reservierungen für die zwei SQL-VMs laufen Ende Monat aus. Bitte für weitere "
            "drei Jahre verlängern."
        ),
        service="azure",
        category="subscription",
        severity="C",
        days_ago=31,
        at="10:00",
        tags=("azure", "lizenz"),
        steps=(
            assign("anna", "anna", hours(1)),
            reply(
                "anna",
                "Grüezi Herr Meier,\n\nwir haben die automatische Verlängerung für drei Jahre "
                "eingeschaltet (gleiche Größe, Switzerland North). Die Ersparnis bleibt bei rund "
                "56 % gegenüber der nutzungsbasierten Abrechnung.",
                hours(2),
            ),
            status("anna", "resolved"),
            status("anna", "closed", days(5)),
        ),
    ),
    Story(
        key="brenner-onedrive-restore",
        customer="brenner",
        requester="urs",
        subject="Gelöschten Ordner in OneDrive wiederherstellen",
        description=(
            "Ein Mitarbeiter hat versehentlich den Ordner „Angebote 2024“ gelöscht. Der "
            "Papierkorb ist schon geleert. Geht da noch was?"
        ),
        service="onedrive",
        category="how_to",
        severity="C",
        days_ago=1,
        at="11:50",
    ),
    # --- Nordwind IT's own tenant -----------------------------------------------------------------
    Story(
        key="own-partner-center-mfa",
        customer="own",
        requester="",
        channel="agent",
        filed_by="anna",
        subject="Partner Center: MFA-Pflicht für alle Konten prüfen",
        description=(
            "Microsoft verlangt MFA für alle Konten mit Zugriff auf das Partner Center. Bitte "
            "prüfen, ob alle Konten (auch die Dienstkonten der Automatisierung) konform sind."
        ),
        service="entra-id",
        category="configuration",
        severity="C",
        days_ago=3,
        at="09:00",
        tags=("eigener-tenant", "sicherheit"),
        steps=(
            assign("anna", "jonas", minutes(5)),
            status("jonas", "open", hours(1)),
            note(
                "jonas",
                "Zwei Dienstkonten ohne MFA gefunden (svc-billing, svc-backup). Umstellung auf "
                "Workload-Identitäten geplant.",
                hours(3),
            ),
        ),
    ),
]
