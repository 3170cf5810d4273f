"""Sign in and out, the second factor, invitations and password resets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from partnerdesk.core.errors import DomainError

from . import access, actions, mfa, throttle
from .actors import SESSION_MEMBERSHIP_KEY, mfa_required
from .forms import (
    AcceptInvitationForm,
    CodeForm,
    EnrolForm,
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from .models import User

NEXT_KEY = "partnerdesk_next"


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _apply_field_errors(form: object, error: DomainError) -> None:
    for field_error in error.errors:
        name = field_error.field if field_error.field in form.fields else None  # type: ignore[attr-defined]
        form.add_error(name, field_error.message)  # type: ignore[attr-defined]
    if not error.errors:
        form.add_error(None, error.message)  # type: ignore[attr-defined]


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        address = _client_address(request)
        if throttle.is_throttled(email=email, address=address):
            form.add_error(None, _("Too many failed sign-ins. Wait 15 minutes and try again."))
            status = 429
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            membership = access.first_active_membership(user) if user else None
            if user is None or membership is None:
                throttle.record_failure(email=email, address=address)
                form.add_error(None, _("The e-mail address or the password is wrong."))
                status = 400
            else:
                throttle.clear_account(email=email)
                login(request, user)
                request.session[SESSION_MEMBERSHIP_KEY] = str(membership.pk)
                target = _safe_next(request, request.GET.get("next"))
                if mfa_required(membership):
                    request.session[NEXT_KEY] = target
                    return redirect("accounts:mfa")
                return redirect(target)
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@require_http_methods(["GET", "HEAD", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator (first sign-in of staff) or enter a code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if getattr(user, "is_verified", lambda: False)():
        return redirect(request.session.get(NEXT_KEY, "/"))
    assert isinstance(user, User)
    if mfa.confirmed_totp_device(user) is None:
        return _enrol(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.match_device(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if device.persistent_id.startswith("otp_static"):
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(n)s remain.")
                    % {"n": mfa.remaining_recovery_codes(user)},
                )
            return redirect(request.session.pop(NEXT_KEY, "/"))
        form.add_error("code", _("That code is not right, or was already used."))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/mfa_verify.html", {"form": form}, status=status)


def _enrol(request: HttpRequest, user: User) -> HttpResponse:
    device = mfa.pending_totp_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.confirm_totp_enrolment(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            _apply_field_errors(form, error)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": request.session.pop(NEXT_KEY, "/")},
            )
    uri = mfa.provisioning_uri(device)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {"form": form, "qr": mfa.qr_svg(uri), "secret": mfa.secret_of(device)},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD"])
def security(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        return redirect("accounts:login")
    return render(
        request,
        "accounts/security.html",
        {
            "mfa_enabled": mfa.confirmed_totp_device(actor.user) is not None,
            "remaining_codes": mfa.remaining_recovery_codes(actor.user),
        },
    )


@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        return redirect("accounts:login")
    codes = actions.regenerate_recovery_codes(actor)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})


@require_POST
def disable_mfa(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        return redirect("accounts:login")
    actions.disable_own_mfa(actor)
    messages.info(request, _("Multi-factor authentication is off."))
    return redirect("accounts:security")


@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = actions.check_invitation(secret)
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.accept_invitation(
                secret=secret,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except DomainError as error:
            _apply_field_errors(form, error)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_MEMBERSHIP_KEY] = str(membership.pk)
            if mfa_required(membership):
                return redirect("accounts:mfa")
            return redirect("/")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": invitation},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def request_reset(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.request_password_reset(email=form.cleaned_data["email"])
        messages.info(
            request,
            _("If that address belongs to an account, a link to set a new password is on its way."),
        )
        return redirect("accounts:login")
    return render(
        request,
        "accounts/reset_request.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = access.find_user_by_reset_uid(uidb64)
    if user is None:
        raise DomainError(
            "reset_link_invalid",
            _("This password reset link is not valid any more. Request a new one."),
            status=400,
        )
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.reset_password(user=user, token=token, password=form.cleaned_data["password"])
        except DomainError as error:
            if error.code == "reset_link_invalid":
                raise
            _apply_field_errors(form, error)
        else:
            messages.success(request, _("Your password is set. Sign in with it."))
            return redirect("accounts:login")
    return render(
        request,
        "accounts/reset_confirm.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
