"""/settings/notifications/ (each agent's own choices) and /settings/templates/ (wording)."""

from django.urls import path

from . import views_notifications as views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_choices, name="choices"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:key>/<str:language>/", views.template_edit, name="template"),
    path("templates/<str:key>/<str:language>/reset/", views.template_reset, name="reset"),
]
