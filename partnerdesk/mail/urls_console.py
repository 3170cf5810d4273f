"""/desk/mail/: triage, quarantine and the originals of mail (views_console.py)."""

from django.urls import path

from . import views_console as views

app_name = "mail"
urlpatterns = [
    path("triage/", views.triage_list, name="triage"),
    path("triage/<str:inbound_id>/", views.triage_message, name="triage_message"),
    path("triage/<str:inbound_id>/file/", views.triage_file, name="triage_file"),
    path("triage/<str:inbound_id>/attach/", views.triage_attach, name="triage_attach"),
    path("triage/<str:inbound_id>/discard/", views.triage_discard, name="triage_discard"),
    path("triage/<str:inbound_id>/raw/", views.triage_raw, name="triage_raw"),
    path("quarantine/", views.quarantine_list, name="quarantine"),
    path("quarantine/<str:inbound_id>/", views.quarantine_message, name="quarantine_message"),
    path("quarantine/<str:inbound_id>/raw/", views.quarantine_raw, name="quarantine_raw"),
    path(
        "quarantine/<str:inbound_id>/reprocess/",
        views.quarantine_reprocess,
        name="quarantine_reprocess",
    ),
    path(
        "quarantine/<str:inbound_id>/discard/",
        views.quarantine_discard,
        name="quarantine_discard",
    ),
    path("tickets/<str:ticket_id>/", views.ticket_mail, name="ticket_mail"),
    path("messages/<str:inbound_id>/", views.original, name="original"),
    path("messages/<str:inbound_id>/raw/", views.original_raw, name="original_raw"),
]
