from django.urls import path

from floor.rows.views import insert

urlpatterns = [path("insert/", insert)]
