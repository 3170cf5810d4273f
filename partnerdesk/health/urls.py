from django.urls import path

from . import views, views_portal

app_name = "health"
urlpatterns = [
    path("desk/health/", views.dashboard, name="dashboard"),
    path("desk/health/check/", views.console_check, name="console_check"),
    path("desk/health/incidents/new/", views.record, name="record"),
    path("desk/health/incidents/<str:incident_id>/", views.incident, name="incident"),
    path(
        "desk/health/incidents/<str:incident_id>/broadcast/",
        views.broadcast,
        name="broadcast",
    ),
    path(
        "desk/health/incidents/<str:incident_id>/link-suggested/",
        views.link_suggested,
        name="link_suggested",
    ),
    path(
        "desk/tickets/<str:ticket_id>/incidents/<str:incident_id>/link/",
        views.link,
        name="link",
    ),
    path(
        "desk/tickets/<str:ticket_id>/incidents/<str:incident_id>/dismiss/",
        views.dismiss,
        name="dismiss",
    ),
    path("portal/health/", views_portal.portal, name="portal"),
    path("portal/health/check/", views_portal.portal_check, name="portal_check"),
]
