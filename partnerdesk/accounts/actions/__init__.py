"""Every write to people and access, split by subdomain; import from here."""

from ._checks import too_many_sign_in_failures
from .invitations import (
    INVITATION_LIFETIME,
    accept_invitation,
    check_invitation,
    invite_person,
    resend_invitation,
    revoke_invitation,
)
from .passwords import request_password_reset, reset_link_invalid, reset_password
from .people import change_staff_access, create_member
from .preferences import set_own_language, set_own_time_zone
from .second_factor import (
    confirm_totp_enrolment,
    disable_own_mfa,
    regenerate_recovery_codes,
    reset_member_mfa,
    start_totp_enrolment,
    verify_second_factor,
)
from .tokens import create_api_token, record_token_use, revoke_api_token

__all__ = [
    "INVITATION_LIFETIME",
    "accept_invitation",
    "change_staff_access",
    "check_invitation",
    "confirm_totp_enrolment",
    "create_api_token",
    "create_member",
    "disable_own_mfa",
    "invite_person",
    "record_token_use",
    "regenerate_recovery_codes",
    "request_password_reset",
    "resend_invitation",
    "reset_link_invalid",
    "reset_member_mfa",
    "reset_password",
    "revoke_api_token",
    "revoke_invitation",
    "set_own_language",
    "set_own_time_zone",
    "start_totp_enrolment",
    "too_many_sign_in_failures",
    "verify_second_factor",
]
