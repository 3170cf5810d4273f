from django.db import models


class Row(models.Model):
    """One inserted row: a subject-sized text and the time it came."""

    subject = models.CharField(max_length=250)
    created_at = models.DateTimeField(auto_now_add=True)
