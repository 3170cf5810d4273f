from django.urls import path

from . import views, views_customers, views_new, views_notices, views_queues, views_search

app_name = "tickets"
urlpatterns = [
    # queues, search and customers (views_queues.py and friends)
    path("", views_queues.queue, name="desk"),
    path("queues/<slug:name>/", views_queues.queue, name="queue"),
    path("queues/<slug:name>/bulk/", views_queues.bulk, name="bulk"),
    path("search/", views_search.search, name="search"),
    path("new/", views_new.new_ticket, name="new"),
    path("shortcuts/", views_search.shortcuts, name="shortcuts"),
    path("customers/", views_customers.customer_list, name="customers"),
    path("customers/<str:customer_id>/", views_customers.customer_page, name="customer"),
    # one's SLA notices (views_notices.py)
    path("notices/", views_notices.notice_list, name="notices"),
    path("notices/badge/", views_notices.notice_badge, name="notice_badge"),
    path("notices/read/", views_notices.notices_read_all, name="notices_read_all"),
    path("notices/<int:notice_id>/read/", views_notices.notice_read, name="notice_read"),
    # one ticket (views.py)
    path("tickets/<str:ticket_id>/", views.ticket_page, name="ticket"),
    path("tickets/<str:ticket_id>/reply/", views.reply, name="reply"),
    path("tickets/<str:ticket_id>/status/", views.change_status, name="status"),
    path("tickets/<str:ticket_id>/severity/", views.change_severity, name="severity"),
    path("tickets/<str:ticket_id>/take/", views.take, name="take"),
    path("tickets/<str:ticket_id>/assign/", views.assign, name="assign"),
    path("tickets/<str:ticket_id>/unassign/", views.unassign, name="unassign"),
    path("tickets/<str:ticket_id>/details/", views.change_details, name="details"),
    path("tickets/<str:ticket_id>/tags/", views.tag, name="tag"),
    path("tickets/<str:ticket_id>/tags/remove/", views.untag, name="untag"),
    path("tickets/<str:ticket_id>/watchers/", views.watch, name="watch"),
    path("tickets/<str:ticket_id>/watchers/remove/", views.remove_watcher, name="unwatch"),
    path("tickets/<str:ticket_id>/merge/", views.merge, name="merge"),
    path("tickets/<str:ticket_id>/canned-text/", views.canned_text, name="canned_text"),
    path("canned/", views.canned_list, name="canned"),
    path("canned/new/", views.canned_new, name="canned_new"),
    path("canned/<str:canned_id>/", views.canned_edit, name="canned_edit"),
    path("canned/<str:canned_id>/delete/", views.canned_delete, name="canned_delete"),
]
