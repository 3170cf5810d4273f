"""The offering's pages, mounted at the root (one "offering" namespace): the settings under
/settings/calendars/ and /settings/plans/, a customer's plan in the console, and the public
offering page /offering/<workspace slug>/ (no sign-in)."""

from django.urls import path

from . import views, views_customer, views_public

app_name = "offering"
urlpatterns = [
    path("settings/calendars/", views.calendar_list, name="calendars"),
    path("settings/calendars/new/", views.calendar_new, name="calendar_new"),
    path(
        "settings/calendars/exceptions/<str:exception_id>/remove/",
        views.exception_remove,
        name="exception_remove",
    ),
    path("settings/calendars/<str:calendar_id>/", views.calendar_edit, name="calendar"),
    path(
        "settings/calendars/<str:calendar_id>/exceptions/",
        views.exception_add,
        name="exception_add",
    ),
    path(
        "settings/calendars/<str:calendar_id>/delete/",
        views.calendar_delete,
        name="calendar_delete",
    ),
    path("settings/plans/", views.plan_list, name="plans"),
    path("settings/plans/new/", views.plan_new, name="plan_new"),
    path("settings/plans/<str:plan_id>/", views.plan_edit, name="plan"),
    path("settings/plans/<str:plan_id>/default/", views.plan_default, name="plan_default"),
    path("settings/plans/<str:plan_id>/delete/", views.plan_delete, name="plan_delete"),
    path(
        "desk/customers/<str:customer_id>/plan/",
        views_customer.assign_customer_plan,
        name="assign_customer_plan",
    ),
    path("offering/<slug:slug>/", views_public.public_offering, name="public"),
]
