"""Sign in and out, the second factor, invitations and password resets."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError
from partnerdesk.core.http import allow, client_address, remember_language

from . import access, actions, mfa, throttle
from .actors import SESSION_MEMBERSHIP_KEY, mfa_required
from .forms import (
    AcceptInvitationForm,
    CodeForm,
    EnrolForm,
    ExistingAccountForm,
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from .models import User

NEXT_KEY = "partnerdesk_next"


def _signed_in_actor(request: HttpRequest) -> Actor | HttpResponse:
    """The signed-in actor, or where to send the person first: the second factor if that
    is still missing, else the sign-in page (back here afterwards, for pages)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if actor.is_authenticated:
        return actor
    if getattr(request, "mfa_pending", False):
        return redirect("accounts:mfa")
    target = reverse("accounts:login")
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _apply_field_errors(form: forms.Form, error: DomainError) -> None:
    for field_error in error.errors:
        name = field_error.field if field_error.field in form.fields else None
        form.add_error(name, field_error.message)
    if not error.errors:
        form.add_error(None, error.message)


@allow("GET", "POST")
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        address = client_address(request)
        if throttle.is_throttled(email=email, address=address):
            error = actions.too_many_sign_in_failures()
            form.add_error(None, error.message)
            status = error.status
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


@allow("GET", "POST")
def sign_out(request: HttpRequest) -> HttpResponse:
    """POST signs out; a GET (a typed or bookmarked address) asks first, as a GET must not."""
    if request.method != "POST":
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/sign_out.html")
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@never_cache  # the enrolment secret and the recovery codes must not stay in any cache
@allow("GET", "POST")
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
        try:
            device = actions.verify_second_factor(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            _apply_field_errors(form, error)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(n)s remain.")
                    % {"n": mfa.remaining_recovery_codes(user)},
                )
            return redirect(request.session.pop(NEXT_KEY, "/"))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/mfa_verify.html", {"form": form}, status=status)


def _enrol(request: HttpRequest, user: User) -> HttpResponse:
    device = actions.start_totp_enrolment(user=user)
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
        {
            "form": form,
            "qr": mfa.qr_svg(uri),
            "secret": mfa.secret_of(device),
            "mandatory": getattr(request, "mfa_pending", False),
        },
        status=400 if request.method == "POST" else 200,
    )


@allow("GET")
def security(request: HttpRequest) -> HttpResponse:
    actor = _signed_in_actor(request)
    if isinstance(actor, HttpResponse):
        return actor
    return render(
        request,
        "accounts/security.html",
        {
            "mfa_enabled": mfa.confirmed_totp_device(actor.user) is not None,
            "remaining_codes": mfa.remaining_recovery_codes(actor.user),
        },
    )


@allow("POST")
def choose_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: stored on the person when signed in, else only in a cookie."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    if not actor.is_authenticated:
        return set_language(request)
    language = request.POST.get("language", "")
    try:
        actions.set_own_language(actor, language=language)
    except DomainError as error:
        messages.error(request, error.errors[0].message if error.errors else error.message)
        return redirect(_safe_next(request, request.POST.get("next")))
    response = redirect(_safe_next(request, request.POST.get("next")))
    if language:
        remember_language(response, language)
    return response


@never_cache
@allow("POST")
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    actor = _signed_in_actor(request)
    if isinstance(actor, HttpResponse):
        return actor
    codes = actions.regenerate_recovery_codes(actor)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})


@allow("POST")
def disable_mfa(request: HttpRequest) -> HttpResponse:
    actor = _signed_in_actor(request)
    if isinstance(actor, HttpResponse):
        return actor
    actions.disable_own_mfa(actor)
    messages.info(request, _("Multi-factor authentication is off."))
    return redirect("accounts:security")


@allow("GET", "POST")
def accept_invitation(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = actions.check_invitation(secret)
    existing = access.find_user_by_email(invitation.email)
    form: forms.Form = (
        ExistingAccountForm(request.POST or None)
        if existing is not None
        else AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    )
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.accept_invitation(
                secret=secret,
                full_name=form.cleaned_data.get("full_name", ""),
                password=form.cleaned_data["password"],
                address=client_address(request),
            )
        except DomainError as error:
            _apply_field_errors(form, error)
            status = error.status if error.status == 429 else status
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_MEMBERSHIP_KEY] = str(membership.pk)
            if mfa_required(membership):
                return redirect("accounts:mfa")
            return redirect("/")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": invitation, "existing_account": existing is not None},
        status=status,
    )


@allow("GET", "POST")
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


@allow("GET", "POST")
def reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    # Checked before the form is shown: nobody should choose a password for a dead link.
    user = access.find_user_by_reset_link(uidb64, token)
    if user is None:
        raise actions.reset_link_invalid()
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
