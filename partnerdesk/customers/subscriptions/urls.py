from django.urls import path

from . import views

app_name = "subscriptions"
urlpatterns = [
    path(
        "desk/customers/<str:customer_id>/subscriptions/",
        views.subscription_list,
        name="list",
    ),
    path(
        "desk/subscriptions/<str:subscription_id>/edit/",
        views.subscription_edit,
        name="edit",
    ),
    path(
        "desk/subscriptions/<str:subscription_id>/remove/",
        views.subscription_remove,
        name="remove",
    ),
    path("desk/imports/", views.import_list, name="imports"),
    path("desk/imports/sample/<str:kind>.csv", views.import_sample, name="import_sample"),
    path("desk/imports/<str:job_id>/", views.import_page, name="import"),
    path("desk/imports/<str:job_id>/progress/", views.import_progress, name="import_progress"),
]
