from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.queue, name="desk"),
    path("queues/<slug:name>/", views.queue, name="queue"),
    path("tickets/<str:ticket_id>/", views.ticket_page, name="ticket"),
    path("tickets/<str:ticket_id>/reply/", views.reply, name="reply"),
    path("tickets/<str:ticket_id>/status/", views.change_status, name="status"),
    path("tickets/<str:ticket_id>/severity/", views.change_severity, name="severity"),
    path("tickets/<str:ticket_id>/take/", views.take, name="take"),
]
