# Settings are read when pytest-django starts; tests run with the test environment.
import os

os.environ.setdefault("PARTNERDESK_ENV", "test")
