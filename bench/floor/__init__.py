"""The floor: a bare Django project whose one view inserts one row (PERFORMANCE.md's "bare
Django view that inserts one row"), served like Partnerdesk (gunicorn, 2 workers) on the same
engine, so `create_api` can be read as a share of what the stack itself allows."""
