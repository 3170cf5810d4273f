"""The vendor response targets settings page, mounted at the root (config/urls.py)."""

from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("settings/vendor-targets/", views.vendor_targets, name="vendor_targets"),
]
