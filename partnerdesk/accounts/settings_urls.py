"""The accounts namespace, mounted at the root: the sign-in pages under /accounts/ and the
people settings under /settings/.

A URL namespace must come from one include (a second include of "accounts" would hide the
first from reverse()), so this module carries both and config/urls.py includes it once.
"""

from django.urls import include, path

from . import urls as account_pages
from . import views_settings as views

app_name = "accounts"
urlpatterns = [
    path("accounts/", include(account_pages.urlpatterns)),
    path("settings/staff/", views.staff, name="staff"),
    path("settings/staff/invite/", views.invite, name="invite"),
    path(
        "settings/staff/invitations/<str:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        "settings/staff/invitations/<str:invitation_id>/resend/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path("settings/staff/<str:membership_id>/", views.member, name="member"),
    path("settings/staff/<str:membership_id>/mfa-reset/", views.reset_mfa, name="reset_mfa"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<str:token_id>/revoke/", views.revoke_token, name="revoke_token"),
]
