from django.urls import path

from . import views

app_name = "connectors"
urlpatterns = [
    path("settings/connectors/", views.settings_page, name="settings"),
    path("settings/connectors/connect/", views.connect, name="connect"),
    path("settings/connectors/callback/", views.callback, name="callback"),
    path("settings/connectors/sync/", views.sync_now, name="sync"),
    path("settings/connectors/banner/", views.consent_banner, name="banner"),
]
