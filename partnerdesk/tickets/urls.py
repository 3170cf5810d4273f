from django.urls import path

from . import views, views_queues

app_name = "tickets"
urlpatterns = [
    # queues, search and customers (views_queues.py and friends)
    path("", views_queues.queue, name="desk"),
    path("queues/<slug:name>/", views_queues.queue, name="queue"),
    # one ticket (views.py)
    path("tickets/<str:ticket_id>/", views.ticket_page, name="ticket"),
    path("tickets/<str:ticket_id>/reply/", views.reply, name="reply"),
    path("tickets/<str:ticket_id>/status/", views.change_status, name="status"),
    path("tickets/<str:ticket_id>/severity/", views.change_severity, name="severity"),
    path("tickets/<str:ticket_id>/take/", views.take, name="take"),
]
