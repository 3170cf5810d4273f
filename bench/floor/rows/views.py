from django.http import HttpRequest, HttpResponse

from .models import Row


def insert(request: HttpRequest) -> HttpResponse:
    """POST: insert one row, answer 201 (no middleware, so no CSRF check either)."""
    if request.method != "POST":
        return HttpResponse(status=405)
    row = Row.objects.create(subject=request.body[:250].decode(errors="replace"))
    return HttpResponse(str(row.pk), status=201, content_type="text/plain")
