from django.apps import AppConfig


class RowsConfig(AppConfig):
    name = "floor.rows"
    label = "floor_rows"
