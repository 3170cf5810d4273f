from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "partnerdesk.tickets"
    label = "tickets"
    verbose_name = "Tickets"
