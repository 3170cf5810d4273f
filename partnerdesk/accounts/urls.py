from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("mfa/", views.second_factor, name="mfa"),
    path("language/", views.choose_language, name="language"),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.new_recovery_codes, name="recovery_codes"),
    path("security/disable-mfa/", views.disable_mfa, name="disable_mfa"),
    path("invitation/<str:secret>/", views.accept_invitation, name="invitation"),
    path("reset/", views.request_reset, name="reset"),
    path("reset/<str:uidb64>/<str:token>/", views.reset_confirm, name="reset_confirm"),
]
