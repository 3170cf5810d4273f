"""Demo tickets of the hotel, the carpenter's workshop and the dental practice."""

from __future__ import annotations

from .script import (
    Story,
    answer,
    assign,
    days,
    hours,
    minutes,
    note,
    reply,
    status,
)

TRADES_STORIES = [
    # --- Hotel Seeblick ---------------------------------------------------------------------------
    Story(
        key="seeblick-booking-mailbox",
        customer="seeblick",
        requester="florian",
        subject="Buchungs-Postfach bekommt keine Mails vom Buchungsportal",
        description=(
            "Anfragen vom Buchungsportal kommen seit zwei Tagen nicht mehr im Postfach "
            "reservierung@ an. Andere Mails schon."
        ),
        service="exchange-online",
        category="configuration",
        severity="B",
        days_ago=3,
        at="16:30",
        tags=("exchange",),
        steps=(
            assign("lena", "lena", minutes(20)),
            note(
                "lena",
                "Nachrichtenablaufverfolgung: Mails des Portals landen in der Quarantäne "
                "(Spoof-Erkennung, SPF-Eintrag des Portals fehlerhaft).",
                minutes(45),
            ),
            reply(
                "lena",
                "Hallo Herr Weiß,\n\ndie Mails landen in der Quarantäne, weil der Absender des "
                "Buchungsportals falsch konfiguriert ist. Wir geben sie frei und legen eine "
                "Ausnahme an; in etwa 15 Minuten sollten sie da sein.",
                minutes(10),
            ),
        ),
    ),
    Story(
        key="seeblick-upgrade",
        customer="seeblick",
        requester="florian",
        subject="Von Business Basic auf Business Standard wechseln",
        description=(
            "Wir möchten für die Rezeption (8 Benutzer) die Desktop-Apps. Bitte auf Business "
            "Standard umstellen."
        ),
        service="m365",
        category="subscription",
        severity="C",
        days_ago=22,
        at="10:00",
        tags=("lizenz",),
        steps=(
            assign("jonas", "jonas", hours(2)),
            reply(
                "jonas",
                "Guten Tag Herr Weiß,\n\nwir stellen die 8 Lizenzen zum Monatsersten um; dann "
                "lassen sich die Desktop-Apps über office.com installieren. Der Preis steigt von "
                "5,60 € auf 11,70 € je Benutzer und Monat. Passt das?",
                minutes(30),
            ),
            status("jonas", "pending_customer"),
            answer("Passt, bitte so machen.", hours(5)),
            note("jonas", "Upgrade im Partner Center zum 1. eingeplant.", minutes(10)),
            reply(
                "jonas",
                "Ist eingeplant. Wir melden uns am 1., wenn die Umstellung durch ist.",
                minutes(2),
            ),
            status("jonas", "resolved"),
        ),
    ),
    Story(
        key="seeblick-teams-sign-out",
        customer="seeblick",
        requester="florian",
        subject="Teams an der Rezeption meldet sich ständig ab",
        description=(
            "Auf dem Rezeptions-PC (den alle gemeinsam nutzen) fliegt Teams mehrmals täglich "
            "raus und will ein neues Kennwort."
        ),
        service="teams",
        category="connectivity",
        severity="C",
        days_ago=1,
        at="10:15",
    ),
    Story(
        key="seeblick-billing-dispute",
        customer="seeblick",
        requester="eva",
        subject="Lizenz nach Kündigung weiter berechnet",
        description=(
            "Für die im August gekündigte Exchange-Lizenz wurde uns im September und Oktober "
            "weiter berechnet. Bitte um Gutschrift.\n\nEva Maurer, Buchhaltung"
        ),
        service="m365",
        category="billing_dispute",
        severity="C",
        days_ago=9,
        at="15:00",
        tags=("rechnung",),
        steps=(
            assign("anna", "anna", hours(1)),
            note(
                "anna",
                "Kündigung im Partner Center wurde erst am 3.9. wirksam. Abrechnungsfall bei "
                "Microsoft eröffnet, Gutschrift angefragt.",
                hours(2),
            ),
            status("anna", "pending_vendor"),
            reply(
                "anna",
                "Sehr geehrte Frau Maurer,\n\nwir haben den Fall geprüft und bei Microsoft eine "
                "Gutschrift beantragt. Sobald Microsoft entschieden hat, melden wir uns; die "
                "Gutschrift geben wir vollständig an Sie weiter.",
                minutes(10),
            ),
        ),
    ),
    # --- Schreinerei Maier ------------------------------------------------------------------------
    Story(
        key="maier-outlook-password",
        customer="maier",
        requester="georg",
        channel="phone",
        filed_by="lena",
        subject="Outlook fragt ständig nach dem Kennwort",
        description=(
            "Herr Maier ruft an: Outlook auf dem Werkstatt-PC fragt seit dem Windows-Update "
            "immer wieder nach dem Kennwort."
        ),
        service="exchange-online",
        category="connectivity",
        severity="C",
        days_ago=30,
        at="07:20",
        steps=(
            assign("lena", "lena", minutes(1)),
            note(
                "lena",
                "Per Fernwartung: veraltete Einträge in der Anmeldeinformationsverwaltung "
                "gelöscht, Outlook-Profil neu verbunden.",
                minutes(30),
            ),
            reply(
                "lena",
                "Grüß Gott Herr Maier,\n\nwie besprochen haben wir die alten gespeicherten "
                "Kennwörter entfernt. Outlook sollte jetzt nicht mehr fragen. Falls doch, rufen "
                "Sie einfach an.",
                minutes(10),
            ),
            status("lena", "resolved"),
            status("lena", "closed", days(5)),
        ),
    ),
    Story(
        key="maier-calendar",
        customer="maier",
        requester="georg",
        subject="Kalender mit meiner Frau teilen",
        description=(
            "Wie kann ich meinen Kalender so freigeben, dass meine Frau (Buchhaltung, hat auch "
            "ein Konto) Termine eintragen kann?"
        ),
        service="exchange-online",
        category="how_to",
        severity="C",
        days_ago=11,
        at="19:30",
        steps=(
            assign("lena", "lena", hours(13)),
            reply(
                "lena",
                "Hallo Herr Maier,\n\nin Outlook: Kalender > Kalender freigeben > Person "
                "hinzufügen > Berechtigung „Kann bearbeiten“. Sollen wir das für Sie einrichten?",
                minutes(20),
            ),
            answer("Hat geklappt, danke!", hours(6)),
            status("lena", "resolved", hours(1)),
        ),
    ),
    Story(
        key="maier-office-activation",
        customer="maier",
        requester="georg",
        subject="Neuer Laptop: Office-Aktivierung schlägt fehl",
        description=(
            "Auf dem neuen Laptop steht bei Word „Nicht lizenziertes Produkt“. "
            "Fehlercode 0xC004F074."
        ),
        service="m365-apps",
        category="account_setup",
        severity="C",
        days_ago=3,
        at="17:10",
        steps=(
            assign("lena", "lena", hours(15)),
            reply(
                "lena",
                "Hallo Herr Maier,\n\nIhr Konto hat Office schon auf fünf Geräten aktiviert, das "
                "ist das Maximum. Welches alte Gerät dürfen wir abmelden, den alten Büro-PC?",
                minutes(30),
            ),
            status("lena", "pending_customer"),
        ),
    ),
    # --- Zahnarztpraxis Dr. Wagner ----------------------------------------------------------------
    Story(
        key="wagner-encryption",
        customer="wagner",
        requester="petra",
        subject="Befunde verschlüsselt an Patienten senden",
        description=(
            "Wir möchten Befunde per E-Mail an Patienten schicken, datenschutzkonform. Geht das "
            "mit unserem Microsoft 365?"
        ),
        service="exchange-online",
        category="how_to",
        severity="C",
        days_ago=34,
        at="12:30",
        tags=("datenschutz",),
        steps=(
            assign("jonas", "jonas", hours(2)),
            reply(
                "jonas",
                "Guten Tag Frau Dr. Wagner,\n\nja: Mit der Nachrichtenverschlüsselung von "
                "Microsoft Purview wählen Sie in Outlook „Verschlüsseln“; die Patientin bekommt "
                "einen Link und liest die Nachricht nach Bestätigung mit einem Einmalcode. Wir "
                "haben das in Ihrem Tenant eingeschaltet; eine Kurzanleitung für die Praxis folgt "
                "per Post.",
                hours(3),
            ),
            status("jonas", "resolved"),
            status("jonas", "closed", days(7)),
        ),
    ),
    Story(
        key="wagner-tablet-lock",
        customer="wagner",
        requester="nina",
        subject="Tablets im Behandlungszimmer sperren sich nicht automatisch",
        description=(
            "Die Tablets in den Behandlungszimmern bleiben entsperrt, auch wenn niemand sie "
            "benutzt. Wegen der Patientendaten ist das ein Problem."
        ),
        service="intune",
        category="configuration",
        severity="B",
        days_ago=2,
        at="12:10",
        tags=("intune", "datenschutz"),
        steps=(
            assign("lena", "lena", minutes(40)),
            reply(
                "lena",
                "Hallo Frau Koch,\n\ndas Profil mit der automatischen Sperre greift nicht, weil "
                "die Tablets noch in einer alten Gruppe sind. Wir korrigieren das heute "
                "Nachmittag.",
                minutes(30),
            ),
            note(
                "lena",
                "Frau Koch darf keine Admin-Änderungen anfragen: Freigabe von Dr. Wagner per "
                "Mail erbeten.",
                minutes(5),
            ),
        ),
    ),
    Story(
        key="wagner-trainee",
        customer="wagner",
        requester="petra",
        subject="Neue Auszubildende: Konto und Lizenz",
        description=(
            "Ab Montag beginnt Lea Schmid als Auszubildende (ZFA). Bitte ein Konto mit E-Mail "
            "einrichten, gleiche Rechte wie Frau Koch."
        ),
        service="m365",
        category="account_setup",
        severity="C",
        days_ago=1,
        at="08:05",
    ),
    Story(
        key="wagner-sharepoint-move",
        customer="wagner",
        requester="petra",
        subject="Praxisdaten vom alten Server nach SharePoint umziehen",
        description=(
            "Wir möchten die Dokumente vom alten Praxisserver (ca. 120 GB) nach SharePoint "
            "bringen, am liebsten in den Betriebsferien."
        ),
        service="sharepoint-online",
        category="configuration",
        severity="C",
        days_ago=18,
        at="14:45",
        tags=("projekt",),
        steps=(
            assign("jonas", "jonas", hours(1)),
            reply(
                "jonas",
                "Gerne. Wir schlagen den Umzug in Ihren Betriebsferien vom 27.12. bis 2.1. vor; "
                "vorher gehen wir die Ordnerstruktur mit Ihnen durch. Bis dahin stellen wir das "
                "Ticket zurück.",
                hours(2),
            ),
            status("jonas", "on_hold"),
        ),
    ),
]
