"""The mailbox settings, mounted at /settings/mailboxes/ (namespace "mailboxes")."""

from django.urls import path

from . import views_settings as views

app_name = "mailboxes"
urlpatterns = [
    path("", views.mailboxes, name="list"),
    path("new/", views.add, name="add"),
    path("<str:mailbox_id>/", views.edit, name="edit"),
    path("<str:mailbox_id>/test/", views.test, name="test"),
    path("<str:mailbox_id>/poll/", views.poll_now, name="poll"),
    path("<str:mailbox_id>/active/", views.set_active, name="active"),
    path("<str:mailbox_id>/delete/", views.delete, name="delete"),
]
