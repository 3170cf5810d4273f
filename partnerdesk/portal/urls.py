from django.urls import path

from . import views, views_plan, views_profile, views_ticket

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_request, name="new"),
    path("tickets/<str:ticket_id>/", views_ticket.ticket_page, name="ticket"),
    path("tickets/<str:ticket_id>/reply/", views_ticket.reply, name="reply"),
    path("tickets/<str:ticket_id>/close/", views_ticket.close, name="close"),
    path("profile/", views_profile.profile, name="profile"),
    path("plan/", views_plan.plan, name="plan"),
]
