"""Ticket search: one document per ticket, and each engine's full-text index over it.

SQLite: an FTS5 table with external content on the documents, kept in step by triggers.
PostgreSQL: generated tsvector columns ('simple' config, unaccent where available) with GIN
indexes. Existing tickets are indexed at the end, in batches.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import Left

from partnerdesk.tickets.search_sql import (
    POSTGRESQL_BACKWARDS,
    POSTGRESQL_FORWARDS,
    SQLITE_BACKWARDS,
    SQLITE_FORWARDS,
    RunSQLOn,
)

BATCH = 500


def index_existing_tickets(apps, schema_editor):
    from partnerdesk.tickets.search import MAX_TEXT, document_texts

    Ticket = apps.get_model("tickets", "Ticket")
    Message = apps.get_model("tickets", "Message")
    TicketTag = apps.get_model("tickets", "TicketTag")
    TicketSearchDocument = apps.get_model("tickets", "TicketSearchDocument")
    db = schema_editor.connection.alias
    last = None
    while True:
        tickets = Ticket.objects.using(db).select_related("partner", "customer", "requester")
        if last is not None:
            tickets = tickets.filter(pk__gt=last)
        batch = list(tickets.order_by("pk")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        ids = [t.pk for t in batch]
        messages = {}
        for ticket_id, body, internal in (
            Message.objects.using(db)
            .filter(ticket_id__in=ids)
            .order_by("ticket_id", "-created_at", "-id")
            .values_list("ticket_id", Left("body", MAX_TEXT), "internal")
        ):
            messages.setdefault(ticket_id, []).append((body, internal))
        tags = {}
        for ticket_id, name in (
            TicketTag.objects.using(db)
            .filter(ticket_id__in=ids)
            .order_by("ticket_id", "tag__name")
            .values_list("ticket_id", "tag__name")
        ):
            tags.setdefault(ticket_id, []).append(name)
        documents = []
        for t in batch:
            public_text, internal_text = document_texts(
                number=t.number,
                prefix=t.partner.ticket_prefix,
                subject=t.subject,
                description=t.description,
                customer_name=t.customer.name,
                requester_name=t.requester.name if t.requester else "",
                requester_email=t.requester.email if t.requester else "",
                tags=tags.get(t.pk, []),
                messages=messages.get(t.pk, []),
            )
            documents.append(
                TicketSearchDocument(
                    partner_id=t.partner_id,
                    ticket_id=t.pk,
                    customer_id=t.customer_id,
                    requester_id=t.requester_id,
                    public_text=public_text,
                    internal_text=internal_text,
                    last_activity_at=t.last_activity_at,
                )
            )
        TicketSearchDocument.objects.using(db).bulk_create(documents)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_contact_customerdomain_and_more"),
        ("partners", "0002_partner_ticket_prefix"),
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketSearchDocument",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("public_text", models.TextField(blank=True)),
                ("internal_text", models.TextField(blank=True)),
                ("last_activity_at", models.DateTimeField()),
                (
                    "customer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="partners.partner",
                    ),
                ),
                (
                    "requester",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.contact",
                    ),
                ),
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_document",
                        to="tickets.ticket",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["partner", "-last_activity_at", "-ticket"], name="search_recent"
                    ),
                    models.Index(
                        fields=["customer", "-last_activity_at", "-ticket"],
                        name="search_customer_recent",
                    ),
                ],
            },
        ),
        RunSQLOn("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
        RunSQLOn("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
        migrations.RunPython(index_existing_tickets, migrations.RunPython.noop),
    ]
