"""Demo tickets that play JOURNEYS.md: the Exchange outage, the Azure escalation, the Teams
case without an API, the partner's own tenant, and Bäckerei Huber's device questions."""

from __future__ import annotations

from .script import (
    Story,
    answer,
    assign,
    close,
    days,
    hours,
    minutes,
    note,
    reply,
    status,
    tag,
)

INCIDENT_NOTE = (
    "Service Health: EX226792 „Some users can't send mail“ (Exchange Online, "
    "Beeinträchtigung) seit 08:55. Ticket gehört dazu."
)

JOURNEY_STORIES = [
    # 1. Morning outage: three customers, one Microsoft incident.
    Story(
        key="huber-outbox",
        customer="huber",
        requester="maria",
        channel="portal",
        subject="E-Mails bleiben im Postausgang",
        description=(
            "Seit heute Morgen bleiben alle E-Mails im Outlook-Postausgang hängen, in allen "
            "Filialen. Empfangen geht noch. Die Bestellungen an die Mühle müssen bis 11 Uhr raus!"
        ),
        service="exchange-online",
        category="performance",
        severity="B",
        days_ago=9,
        at="09:10",
        tags=("exchange", "ex226792"),
        steps=(
            assign("lena", "lena", minutes(4)),
            note("lena", INCIDENT_NOTE, minutes(2)),
            reply(
                "lena",
                "Guten Morgen Frau Huber,\n\nMicrosoft hat seit 08:55 Uhr eine Störung bei "
                "Exchange Online (EX226792): Bei manchen Benutzern werden E-Mails nicht versendet. "
                "Ihre Nachrichten bleiben im Postausgang und gehen automatisch raus, sobald "
                "Microsoft die Störung behoben hat. Sie müssen nichts tun. Die Bestellung an die "
                "Mühle können Sie zur Sicherheit telefonisch aufgeben.\n\nWir melden uns mit "
                "einem Update.\n\nViele Grüße\nLena Fischer, Nordwind IT",
                minutes(4),
            ),
            status("lena", "pending_vendor"),
            reply(
                "lena",
                "Update: Microsoft meldet die Störung EX226792 um 11:40 Uhr als behoben. Bitte "
                "starten Sie Outlook einmal neu; wartende E-Mails werden dann versendet. Falls "
                "noch etwas hängt, antworten Sie einfach auf diese Nachricht.",
                hours(2) + minutes(24),
            ),
            status("lena", "resolved"),
            close(hours(3)),
        ),
    ),
    Story(
        key="seeblick-outbox",
        customer="seeblick",
        requester="florian",
        subject="Outlook: Mails werden nicht gesendet",
        description=(
            "Hallo,\nseit heute früh gehen bei uns an der Rezeption keine E-Mails mehr raus. "
            "Die Buchungsbestätigungen hängen im Postausgang. Bitte dringend prüfen!\n\n"
            "Florian Weiß, Rezeption"
        ),
        service="exchange-online",
        category="performance",
        severity="B",
        days_ago=9,
        at="09:24",
        tags=("exchange", "ex226792"),
        steps=(
            assign("lena", "lena", minutes(3)),
            note("lena", INCIDENT_NOTE, minutes(1)),
            reply(
                "lena",
                "Hallo Herr Weiß,\n\ndas liegt nicht an Ihnen: Microsoft hat seit 08:55 Uhr eine "
                "Störung bei Exchange Online (EX226792). Die Buchungsbestätigungen gehen "
                "automatisch raus, sobald die Störung behoben ist. Wir melden uns mit einem "
                "Update.\n\nViele Grüße\nLena Fischer",
                minutes(4),
            ),
            status("lena", "pending_vendor"),
            reply(
                "lena",
                "Update: Microsoft hat die Störung um 11:40 Uhr behoben. Bitte Outlook an der "
                "Rezeption einmal neu starten; die Bestätigungen werden dann versendet.",
                hours(2) + minutes(12),
            ),
            status("lena", "resolved"),
        ),
    ),
    Story(
        key="mayfair-outbox",
        customer="mayfair",
        requester="james",
        subject="Cannot send email since this morning",
        description=(
            "Hi,\n\nseveral of us can't send emails since this morning, they just sit in the "
            "Outbox. Receiving works fine. Is this on our side?\n\nThanks,\nJames"
        ),
        service="exchange-online",
        category="performance",
        severity="B",
        days_ago=9,
        at="09:31",
        tags=("exchange", "ex226792"),
        steps=(
            assign("lena", "lena", minutes(2)),
            note("lena", INCIDENT_NOTE, minutes(1)),
            reply(
                "lena",
                "Hi James,\n\nit isn't on your side: Microsoft is working on an Exchange Online "
                'incident (EX226792, "Some users can\'t send mail") since 08:55 CET. Your '
                "messages will go out by themselves once it is fixed. We'll update you.\n\n"
                "Best regards,\nLena Fischer, Nordwind IT",
                minutes(3),
            ),
            status("lena", "pending_vendor"),
            reply(
                "lena",
                "Update: Microsoft reports the incident resolved as of 11:40 CET (10:40 in "
                "London). Please restart Outlook once; anything left in the Outbox will be sent.",
                hours(2) + minutes(9),
            ),
            status("lena", "resolved"),
            status("lena", "closed", days(3)),
        ),
    ),
    # 2. Production down on a Friday afternoon: escalated to Microsoft, fixed on Saturday.
    Story(
        key="stadtwerke-vm",
        customer="stadtwerke",
        requester="thomas",
        channel="portal",
        subject="Produktiv-VM startet nach Plattform-Update nicht mehr",
        description=(
            "Unsere VM vm-leitstelle-01 (West Europe) startet seit dem Wartungsfenster nicht "
            "mehr (Status „Starting“, dann „Failed“). Die Leitstellen-Software ist offline, "
            "die Störungsannahme läuft nur noch per Telefon. Produktion steht!"
        ),
        service="azure",
        category="performance",
        severity="A",
        days_ago=10,
        at="16:45",
        on_friday=True,
        tags=("azure", "produktion"),
        steps=(
            assign("jonas", "jonas", minutes(3)),
            reply(
                "jonas",
                "Guten Tag Herr Gruber,\n\nwir sind dran. Service Health zeigt keine Störung in "
                "West Europe; ich versuche jetzt einen Redeploy der VM über den delegierten "
                "Zugriff. Nächstes Update spätestens 17:30.\n\nJonas Weber, Nordwind IT",
                minutes(4),
            ),
            note(
                "jonas",
                "Redeploy über delegierten Zugriff (GDAP, Rolle Mitwirkender) fehlgeschlagen: "
                "AllocationFailed. Eskalation an Microsoft: Vorabprüfung grün (Beziehung aktiv, "
                "Azure-Support über CSP, Advanced Support for Partners, unsere Kontaktdaten).",
                minutes(25),
            ),
            note(
                "jonas",
                "Azure-Supportfall 2410180040001234 angelegt, Schweregrad A. Erste Antwort von "
                "Microsoft fällig bis 19:20.",
                minutes(3),
            ),
            status("jonas", "pending_vendor"),
            reply(
                "jonas",
                "Wir haben das Problem an Microsoft eskaliert (Schweregrad A, Antwort innerhalb "
                "von 2 Stunden zugesagt). Wir bleiben dran und melden uns, sobald es Neues gibt.",
                minutes(2),
            ),
            note(
                "jonas",
                "Microsoft bittet um einen Screenshot der Startdiagnose: aus dem Portal "
                "exportiert und im Fall hochgeladen.",
                hours(1) + minutes(30),
            ),
            reply(
                "jonas",
                "Guten Morgen Herr Gruber,\n\nMicrosoft hat einen Fehler auf dem Host behoben; "
                "die VM ist um 09:58 gestartet und läuft wieder. Bitte prüfen Sie die "
                "Leitstellen-Software und geben Sie uns kurz Bescheid.",
                hours(15) + minutes(12),
            ),
            answer(
                "Bestätigt, die Leitstelle läuft wieder. Vielen Dank fürs Wochenende!", minutes(25)
            ),
            status("jonas", "resolved", minutes(10)),
        ),
    ),
    # 3. A Microsoft 365 case that cannot be created by API: the assisted escalation.
    Story(
        key="kanzlei-teams",
        customer="kanzlei",
        requester="sabine",
        channel="portal",
        subject="Teams-Telefonie: Externe Anrufe brechen nach 30 Sekunden ab",
        description=(
            "Seit Montag brechen Anrufe von außerhalb (Festnetz, Mandanten) nach etwa 30 "
            "Sekunden ab. Interne Teams-Anrufe funktionieren. Betroffen sind alle sechs Anwälte."
        ),
        service="teams",
        category="connectivity",
        severity="B",
        days_ago=6,
        at="10:20",
        tags=("teams", "telefonie"),
        steps=(
            assign("jonas", "jonas", minutes(15)),
            reply(
                "jonas",
                "Guten Tag Frau Dr. Brandl,\n\ndanke für die Meldung. Damit wir das eingrenzen "
                "können: Schicken Sie uns bitte zwei Beispiele mit Uhrzeit und anrufender Nummer. "
                "Passiert es auch, wenn Sie selbst nach außen anrufen?",
                minutes(20),
            ),
            status("jonas", "pending_customer"),
            answer(
                "Beispiele: heute 11:02 von +49 89 123456 und 11:40 von +49 171 5550123. "
                "Ausgehende Anrufe brechen ebenfalls ab, immer nach ca. 30 Sekunden.",
                hours(1) + minutes(30),
            ),
            note(
                "jonas",
                "Service Health ohne Befund. Anrufanalyse im Teams Admin Center: SIP 408 nach dem "
                "Session Refresh, unser SBC-Log ist sauber. Microsoft-365-Serviceanfragen lassen "
                "sich nicht per API anlegen: Anfrage im Kontext des Kunden im Admin Center "
                "erstellt (assistierte Eskalation), Fallnummer 2411050030005678.",
                hours(3),
            ),
            status("jonas", "pending_vendor", minutes(2)),
            reply(
                "jonas",
                "Wir haben das Problem an Microsoft eskaliert (Fall 2411050030005678). Bis zur "
                "Lösung nutzen Sie für wichtige Mandantengespräche bitte die Mobilnummern. Wir "
                "melden uns, sobald Microsoft antwortet.",
                minutes(5),
            ),
            tag("jonas", "eskalation"),
        ),
    ),
    # 4. The partner's own tenant is not covered by the CSP benefit.
    Story(
        key="own-backup-vault",
        customer="own",
        requester="",
        channel="agent",
        filed_by="jonas",
        subject="Eigenes Azure-Abo: Backup-Tresor lässt sich nicht löschen",
        description=(
            "Der Recovery-Services-Tresor rsv-nordwind-lab in unserem eigenen Azure-Abonnement "
            "lässt sich nicht löschen (Vault cannot be deleted as there are existing "
            "resources), obwohl alle Sicherungen gestoppt und gelöscht sind."
        ),
        service="azure",
        category="configuration",
        severity="C",
        days_ago=4,
        at="14:10",
        tags=("eigener-tenant", "azure"),
        steps=(
            note(
                "jonas",
                "Eskalation abgelehnt: Support für den eigenen Tenant ist nicht Teil des "
                "CSP-Vorteils. Nötig ist eine Partner-Network-Vereinbarungs-ID, ein "
                "Premier-Vertrag oder ein Azure-Supportplan.",
                minutes(20),
            ),
            assign("jonas", "anna", minutes(2)),
            note(
                "anna",
                "Die Premier-Vertragsnummer liegt bei der Buchhaltung; ich trage sie nach, "
                "sobald ich sie habe.",
                hours(1),
            ),
            status("anna", "on_hold"),
        ),
    ),
    # 8. Bäckerei Huber keeps asking about device management (a sales opportunity).
    Story(
        key="huber-intune-tablets",
        customer="huber",
        requester="maria",
        channel="portal",
        subject="Neue Kassen-Tablets in Intune aufnehmen",
        description=(
            "Wir haben 6 neue Tablets für die Kassen bekommen. Wie bekommen wir die in die "
            "Geräteverwaltung, damit die Kassen-App automatisch drauf ist?"
        ),
        service="intune",
        category="configuration",
        severity="C",
        days_ago=33,
        at="08:40",
        tags=("intune", "geräteverwaltung"),
        steps=(
            assign("lena", "lena", minutes(30)),
            reply(
                "lena",
                "Hallo Frau Huber,\n\nwir registrieren die Tablets als Unternehmensgeräte und "
                "weisen ihnen das Kiosk-Profil mit der Kassen-App zu. Schicken Sie uns bitte die "
                "Seriennummern (sie stehen auf der Rückseite).",
            ),
            status("lena", "pending_customer"),
            answer(
                "Seriennummern: R52T10AB1, R52T10AB2, R52T10AB3, R52T10AB4, R52T10AB5, R52T10AB6",
                hours(3),
            ),
            note("lena", "Geräte in Intune importiert, Kiosk-Profil „Kasse“ zugewiesen.", hours(1)),
            reply(
                "lena",
                "Die Tablets sind registriert. Beim nächsten Einschalten im WLAN richten sie sich "
                "selbst ein und starten die Kassen-App.",
                minutes(10),
            ),
            status("lena", "resolved"),
            close(days(1)),
        ),
    ),
    Story(
        key="huber-lost-phone",
        customer="huber",
        requester="claudia",
        subject="Diensthandy in der Filiale verloren: was tun?",
        description=(
            "Hallo,\neine Mitarbeiterin hat heute ihr Diensthandy im Bus liegen lassen. Da sind "
            "E-Mails und die Schichtplan-App drauf. Können Sie das sperren?\n\n"
            "Claudia Stein, Filiale Kolbermoor"
        ),
        service="intune",
        category="how_to",
        severity="B",
        days_ago=24,
        at="17:55",
        tags=("intune", "geräteverwaltung"),
        steps=(
            assign("lena", "lena", minutes(20)),
            note(
                "lena",
                "Frau Stein darf keine Admin-Änderungen anfragen; Freigabe bei Maria Huber "
                "telefonisch eingeholt (18:20).",
                minutes(15),
            ),
            note(
                "lena",
                "Gerät in Intune gesperrt, Löschen der Unternehmensdaten ausgelöst.",
                minutes(5),
            ),
            reply(
                "lena",
                "Hallo Frau Stein,\n\nnach Rücksprache mit Frau Huber haben wir das Gerät gesperrt "
                "und die Firmendaten (E-Mail, Schichtplan) gelöscht. Falls das Handy wieder "
                "auftaucht, melden Sie sich: Dann richten wir es neu ein.",
                minutes(5),
            ),
            status("lena", "resolved"),
            status("lena", "closed", days(4)),
        ),
    ),
    Story(
        key="huber-update-ring",
        customer="huber",
        requester="maria",
        channel="portal",
        subject="Filial-Laptops: Windows-Updates zentral steuern?",
        description=(
            "Die Laptops in den Filialen starten manchmal mitten am Tag für Updates neu. Kann "
            "man das zentral so einstellen, dass das nur nachts passiert?"
        ),
        service="intune",
        category="updates",
        severity="C",
        days_ago=13,
        at="10:05",
        tags=("intune", "geräteverwaltung", "windows-update"),
        steps=(
            assign("lena", "lena", hours(1)),
            reply(
                "lena",
                "Ja: Wir legen in Intune einen Update-Ring mit Nutzungszeit von 5 bis 21 Uhr "
                "an, dann starten die Laptops nur nachts neu. Einverstanden, dass wir das für "
                "alle 14 Filial-Laptops aktivieren?",
                minutes(25),
            ),
            status("lena", "pending_customer"),
            answer("Ja bitte, gerne für alle.", hours(20)),
            note(
                "lena",
                "Update-Ring „Filialen“ mit Nutzungszeit 05:00 bis 21:00 angelegt und zugewiesen.",
                hours(1),
            ),
            reply("lena", "Erledigt. Ab heute Nacht gilt der neue Update-Ring.", minutes(5)),
            status("lena", "resolved"),
        ),
    ),
    Story(
        key="huber-byod",
        customer="huber",
        requester="maria",
        channel="portal",
        subject="Private Handys der Mitarbeiter für die Schichtplan-App (BYOD)?",
        description=(
            "Einige Mitarbeiter möchten den Schichtplan auf dem privaten Handy sehen. Geht das, "
            "ohne dass wir deren ganze Handys verwalten?"
        ),
        service="intune",
        category="how_to",
        severity="C",
        days_ago=2,
        at="11:30",
        tags=("intune", "geräteverwaltung"),
        steps=(
            assign("lena", "lena", hours(1)),
            reply(
                "lena",
                "Hallo Frau Huber,\n\nja, mit App-Schutzrichtlinien geht das ohne "
                "Geräteregistrierung: Geschützt werden nur die Firmendaten in der App. Unser "
                "Vertrieb meldet sich außerdem wegen eines Pakets für die Geräteverwaltung, weil "
                "das Thema bei Ihnen öfter aufkommt.",
                minutes(30),
            ),
            note(
                "lena",
                "@Tim: vierte Anfrage zur Geräteverwaltung in fünf Wochen. Intune-Paket anbieten?",
                minutes(3),
            ),
        ),
    ),
]
