from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.workspace_settings, name="settings"),
    path("support/", views.support_profile, name="support"),
]
