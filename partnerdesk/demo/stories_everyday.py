"""Demo tickets of an ordinary month at Nordwind IT, in every status."""

from __future__ import annotations

from .script import (
    Story,
    answer,
    assign,
    close,
    days,
    hours,
    merge,
    minutes,
    note,
    reply,
    severity,
    status,
)

EVERYDAY_STORIES = [
    # --- Bäckerei Huber ---------------------------------------------------------------------------
    Story(
        key="huber-password",
        customer="huber",
        requester="josef",
        subject="Kennwort für Filiale Kolbermoor zurücksetzen",
        description=(
            "Guten Morgen,\ndas Konto filiale.kolbermoor ist gesperrt, die Kasse kann keine "
            "Bestellungen mehr senden. Bitte Kennwort zurücksetzen.\n\nJosef Huber"
        ),
        service="entra-id",
        category="account_setup",
        severity="B",
        days_ago=19,
        at="07:05",
        steps=(
            assign("lena", "lena", minutes(15)),
            note(
                "lena",
                "Anfrage von Josef Huber (darf Admin-Änderungen anfragen). Kennwort "
                "zurückgesetzt, Änderung bei der nächsten Anmeldung erzwungen.",
                minutes(5),
            ),
            reply(
                "lena",
                "Guten Morgen Herr Huber,\n\ndas Kennwort ist zurückgesetzt; das Einmalkennwort "
                "haben wir per SMS an die hinterlegte Nummer der Filiale geschickt.",
                minutes(2),
            ),
            status("lena", "resolved"),
            status("lena", "closed", days(3)),
        ),
    ),
    Story(
        key="huber-invoice",
        customer="huber",
        requester="josef",
        subject="Rechnung Oktober: 3 Lizenzen zu viel?",
        description=(
            "Auf der Rechnung stehen 48 Lizenzen Business Premium, wir haben aber nur 45 "
            "Mitarbeiter mit Computer. Bitte prüfen."
        ),
        service="m365",
        category="accounts_billing",
        severity="C",
        days_ago=16,
        at="13:20",
        tags=("rechnung",),
        steps=(
            assign("anna", "anna", hours(2)),
            note(
                "anna",
                "3 Lizenzen hängen an deaktivierten Konten ausgeschiedener Mitarbeiter. "
                "Reduzierung zum Monatsende möglich.",
                hours(1),
            ),
            reply(
                "anna",
                "Sehr geehrter Herr Huber,\n\nSie haben recht: Drei Lizenzen waren noch Konten "
                "ehemaliger Mitarbeiter zugewiesen. Wir haben sie entzogen und die Anzahl zum "
                "Monatsende auf 45 reduziert. Ab der nächsten Rechnung stimmt es wieder.",
                minutes(20),
            ),
            status("anna", "resolved"),
        ),
    ),
    Story(
        key="huber-printer",
        customer="huber",
        requester="claudia",
        subject="Drucker in Filiale Kolbermoor druckt nicht",
        description=(
            "Der Drucker im Büro druckt seit gestern nichts mehr, am Laptop steht „Offline“. "
            "Neustart hat nichts gebracht."
        ),
        service="",
        category="connectivity",
        severity="C",
        days_ago=5,
        at="08:15",
        tags=("drucker",),
        steps=(
            assign("lena", "lena", hours(1)),
            reply(
                "lena",
                "Hallo Frau Stein,\n\nwir schauen uns das per Fernwartung an. Wann passt es Ihnen "
                "heute: vor 11 Uhr oder nach 14 Uhr?",
                minutes(15),
            ),
        ),
    ),
    Story(
        key="huber-printer-again",
        customer="huber",
        requester="claudia",
        subject="AW: Drucker druckt immer noch nicht",
        description="Noch mal wegen dem Drucker: Jetzt geht auch der Scanner nicht mehr.",
        service="",
        category="connectivity",
        severity="C",
        days_ago=5,
        at="09:02",
        steps=(merge("lena", "huber-printer", minutes(20)),),
    ),
    Story(
        key="huber-camera",
        customer="huber",
        requester="maria",
        channel="portal",
        subject="Teams-Besprechung: Kamera wird nicht erkannt",
        description=(
            "Am Laptop im Büro erkennt Teams die Kamera nicht mehr, in der Windows-Kamera-App "
            "geht sie. Bitte um Hilfe vor der Lieferantenbesprechung am Donnerstag."
        ),
        service="teams",
        category="connectivity",
        severity="C",
        days_ago=1,
        at="15:40",
    ),
    Story(
        key="huber-cash-export",
        customer="huber",
        requester="maria",
        channel="portal",
        subject="Kassenexport landet nicht mehr in OneDrive",
        description=(
            "Der Tagesabschluss der Kasse wird seit zwei Tagen nicht mehr im OneDrive-Ordner "
            "„Kasse“ abgelegt."
        ),
        service="onedrive",
        category="how_to",
        severity="C",
        days_ago=8,
        at="14:00",
        steps=(
            assign("lena", "lena", hours(1)),
            reply(
                "lena",
                "Hallo Frau Huber,\n\nliegt die Datei noch lokal auf dem Kassen-PC im Ordner "
                "C:\\Kasse\\Export? Dann hängt die Synchronisation; sonst exportiert die Kasse "
                "selbst nicht mehr.",
                minutes(20),
            ),
            status("lena", "pending_customer"),
            answer(
                "Hat sich erledigt: Das WLAN in der Filiale war gestört, jetzt ist alles wieder "
                "da. Danke!",
                hours(4),
            ),
            close(minutes(1)),
        ),
    ),
    # --- Stadtwerke Rosenheim ---------------------------------------------------------------------
    Story(
        key="stadtwerke-licences",
        customer="stadtwerke",
        requester="thomas",
        channel="portal",
        subject="5 Lizenzen Microsoft 365 E3 für neue Mitarbeiter im Kundenservice",
        description=(
            "Zum Monatsersten brauchen wir 5 weitere E3-Lizenzen für den Kundenservice. Die "
            "Konten legen wir selbst an."
        ),
        service="m365",
        category="subscription",
        severity="C",
        days_ago=28,
        at="09:30",
        tags=("lizenz",),
        steps=(
            assign("jonas", "jonas", hours(1)),
            note(
                "jonas",
                "Abonnement M365 E3 im Partner Center von 120 auf 125 Lizenzen erhöht "
                "(anteilig berechnet).",
                minutes(30),
            ),
            reply(
                "jonas",
                "Guten Tag Herr Gruber,\n\ndie 5 zusätzlichen Lizenzen stehen ab sofort zur "
                "Verfügung (jetzt 125). Die anteiligen Kosten erscheinen auf der nächsten "
                "Rechnung.",
                minutes(5),
            ),
            status("jonas", "resolved"),
            status("jonas", "closed", days(3)),
        ),
    ),
    Story(
        key="stadtwerke-sharepoint",
        customer="stadtwerke",
        requester="katrin",
        subject="SharePoint: Zugriff auf Bibliothek „Bauakten“ verweigert",
        description=(
            "Seit der Umstellung der Berechtigungen letzte Woche können die Kollegen aus der "
            "Netzplanung nicht mehr auf die Bibliothek „Bauakten“ zugreifen (Zugriff verweigert)."
        ),
        service="sharepoint-online",
        category="configuration",
        severity="B",
        days_ago=3,
        at="13:15",
        steps=(
            assign("lena", "lena", minutes(30)),
            reply(
                "lena",
                "Hallo Frau Lechner,\n\nbetrifft das alle Mitglieder der Gruppe „Netzplanung“ oder "
                "nur einzelne? Nennen Sie uns bitte zwei betroffene Benutzer, dann prüfen wir die "
                "Vererbung der Berechtigungen.",
                minutes(25),
            ),
            status("lena", "pending_customer"),
        ),
    ),
    Story(
        key="stadtwerke-azure-costs",
        customer="stadtwerke",
        requester="thomas",
        channel="portal",
        subject="Azure-Kosten im Oktober deutlich gestiegen",
        description=(
            "Die Azure-Rechnung ist um fast 40 % höher als im Vormonat. Können Sie aufschlüsseln, "
            "woher das kommt?"
        ),
        service="azure",
        category="accounts_billing",
        severity="C",
        days_ago=14,
        at="11:00",
        tags=("azure", "kosten"),
        steps=(
            assign("jonas", "jonas", hours(2)),
            reply(
                "jonas",
                "Guten Tag Herr Gruber,\n\nder Anstieg kommt überwiegend vom neuen Speicherkonto "
                "für die Zählerdaten (Premium-Stufe) und mehr ausgehendem Datenverkehr. Wir "
                "empfehlen die Stufe „Cool“. Die genaue Aufschlüsselung schicken wir nach dem "
                "Monatsabschluss.",
                hours(3),
            ),
            note("jonas", "Wiedervorlage nach dem Rechnungslauf am 5.", minutes(2)),
            status("jonas", "on_hold"),
        ),
    ),
    Story(
        key="stadtwerke-conditional-access",
        customer="stadtwerke",
        requester="katrin",
        subject="Bedingter Zugriff sperrt die Außendienst-Tablets aus",
        description=(
            "Seit heute Morgen können sich die Monteure auf ihren Tablets nicht mehr anmelden: "
            "„Ihr Gerät erfüllt die Anforderungen Ihrer Organisation nicht.“ Der Außendienst "
            "steht."
        ),
        service="entra-id",
        category="configuration",
        severity="B",
        days_ago=2,
        at="07:45",
        tags=("entra-id",),
        steps=(
            assign("jonas", "jonas", minutes(10)),
            severity("jonas", "A"),
            reply(
                "jonas",
                "Guten Morgen Frau Lechner,\n\ndie Tablets gelten seit gestern als nicht "
                "konform (veraltete Android-Version). Wir nehmen sie vorübergehend über eine "
                "Ausnahmegruppe aus der Richtlinie und kümmern uns dann um das Update.",
                minutes(20),
            ),
            note(
                "jonas",
                "Ausnahmegruppe „CA-Ausnahme-Außendienst“ bis Freitag befristet. Update der "
                "Tablets mit Frau Lechner planen.",
                minutes(5),
            ),
        ),
    ),
    Story(
        key="stadtwerke-onedrive",
        customer="stadtwerke",
        requester="michael",
        subject="OneDrive synchronisiert nicht auf Leitstellen-PC",
        description=(
            "Auf dem Leitstellen-PC LS-03 zeigt OneDrive seit gestern Abend „Synchronisierung "
            "angehalten“. Bitte bis zum Schichtwechsel um 14 Uhr prüfen."
        ),
        service="onedrive",
        category="connectivity",
        severity="C",
        days_ago=1,
        at="06:50",
    ),
    # --- Kanzlei Brandl & Partner -----------------------------------------------------------------
    Story(
        key="kanzlei-shared-mailbox",
        customer="kanzlei",
        requester="markus",
        subject="Freigegebenes Postfach Sekretariat fehlt in Outlook",
        description="Bei Frau Dr. Brandl ist das Postfach „Sekretariat“ aus Outlook verschwunden.",
        service="exchange-online",
        category="configuration",
        severity="C",
        days_ago=20,
        at="09:00",
        steps=(
            assign("lena", "lena", minutes(30)),
            reply(
                "lena",
                "Guten Tag Herr Hofer,\n\ndie Berechtigung war noch da, aber das automatische "
                "Einbinden war abgeschaltet. Wir haben es wieder eingeschaltet; nach einem "
                "Neustart von Outlook ist das Postfach wieder sichtbar.",
                hours(1),
            ),
            status("lena", "resolved"),
        ),
    ),
    Story(
        key="kanzlei-new-trainee",
        customer="kanzlei",
        requester="sabine",
        channel="portal",
        subject="Neue Referendarin ab dem 1.: Konto und Lizenz",
        description=(
            "Ab dem 1. beginnt Frau Julia Roth bei uns als Referendarin. Bitte Konto, Lizenz "
            "(wie die anderen Anwälte) und Zugriff auf das Postfach Sekretariat einrichten."
        ),
        service="m365",
        category="account_setup",
        severity="C",
        days_ago=26,
        at="16:10",
        steps=(
            assign("jonas", "jonas", hours(16)),
            note(
                "jonas",
                "Konto julia.roth angelegt, Lizenz M365 Business Premium, Gruppe Anwälte, "
                "Vollzugriff auf Sekretariat.",
                hours(1),
            ),
            reply(
                "jonas",
                "Guten Morgen Frau Dr. Brandl,\n\ndas Konto von Frau Roth ist eingerichtet. Die "
                "Zugangsdaten übergeben wir ihr am ersten Arbeitstag persönlich.",
                minutes(10),
            ),
            status("jonas", "resolved"),
            close(days(2)),
        ),
    ),
    Story(
        key="kanzlei-suspicious-sign-in",
        customer="kanzlei",
        requester="sabine",
        channel="portal",
        subject="Verdächtige Anmeldung aus dem Ausland bei Herrn Hofer",
        description=(
            "Herr Hofer hat eine Warnung über eine Anmeldung aus Brasilien bekommen. Er war das "
            "nicht! Bitte sofort prüfen."
        ),
        service="entra-id",
        category="configuration",
        severity="A",
        days_ago=12,
        at="22:14",
        tags=("sicherheit",),
        steps=(
            assign("jonas", "jonas", minutes(12)),
            note(
                "jonas",
                "Sitzungen widerrufen, Kennwort zurückgesetzt, MFA-Methoden neu registrieren "
                "lassen. Anmeldeprotokoll: Kennwort-Spray, MFA hat blockiert, kein erfolgreicher "
                "Zugriff.",
                minutes(20),
            ),
            reply(
                "jonas",
                "Guten Abend Frau Dr. Brandl,\n\nwir haben alle Sitzungen von Herrn Hofer beendet "
                "und sein Kennwort zurückgesetzt. Laut Anmeldeprotokoll hat die mehrstufige "
                "Authentifizierung den Versuch blockiert; auf Daten wurde nicht zugegriffen. "
                "Herr Hofer bekommt morgen früh ein neues Kennwort von uns.",
                minutes(5),
            ),
            status("jonas", "resolved", minutes(2)),
        ),
    ),
    Story(
        key="kanzlei-word-crash",
        customer="kanzlei",
        requester="markus",
        subject="Word stürzt beim Öffnen großer Schriftsätze ab",
        description=(
            "Word schließt sich ohne Meldung, wenn ich Schriftsätze mit mehr als 80 Seiten "
            "öffne. Andere Dokumente gehen."
        ),
        service="m365-apps",
        category="performance",
        severity="C",
        days_ago=4,
        at="10:40",
        steps=(
            assign("lena", "lena", hours(1)),
            reply(
                "lena",
                "Hallo Herr Hofer,\n\nwelche Word-Version ist installiert (Datei > Konto > Info zu "
                "Word)? Und könnten Sie uns eines der Dokumente schicken, wenn die "
                "Vertraulichkeit es erlaubt?",
                minutes(20),
            ),
            status("lena", "pending_customer"),
        ),
    ),
]
