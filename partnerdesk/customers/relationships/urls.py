"""Relationship pages, mounted at the root (the "relationships" namespace)."""

from django.urls import path

from . import views

app_name = "relationships"
urlpatterns = [
    path("desk/relationships/", views.overview, name="overview"),
    path(
        "desk/customers/<str:customer_id>/relationships/",
        views.customer_relationships,
        name="customer",
    ),
    path(
        "desk/customers/<str:customer_id>/relationships/<str:relationship_id>/",
        views.relationship_edit,
        name="edit",
    ),
    path(
        "desk/customers/<str:customer_id>/relationships/<str:relationship_id>/terminate/",
        views.relationship_terminate,
        name="terminate",
    ),
    path("desk/customers/<str:customer_id>/services/", views.services, name="services"),
    path(
        "desk/customers/<str:customer_id>/services/<str:code>/administer/",
        views.administer,
        name="administer",
    ),
    path("settings/security-groups/", views.groups, name="groups"),
    path("settings/security-groups/<str:group_id>/rename/", views.group_rename, name="rename"),
    path("settings/security-groups/<str:group_id>/delete/", views.group_delete, name="delete"),
    path(
        "settings/security-groups/<str:group_id>/members/",
        views.group_member_add,
        name="member_add",
    ),
    path(
        "settings/security-groups/<str:group_id>/members/<str:membership_id>/remove/",
        views.group_member_remove,
        name="member_remove",
    ),
]
