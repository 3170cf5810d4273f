from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("settings/services/", views.settings_page, name="settings"),
    path("settings/services/new/", views.new_page, name="new"),
    path("settings/services/<str:code>/", views.edit_page, name="edit"),
    path("settings/services/<str:code>/reset/", views.reset_page, name="reset"),
]
