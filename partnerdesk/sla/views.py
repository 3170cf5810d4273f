"""Settings page of the vendor's response targets (RULES.md section 7).

Staff who see the workspace see the table of its instance; the partner owner
(`plans.manage`) changes a table's three severities at once or puts one back to the
programme's figure. Customer people are told the page does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partnerdesk.core import policies
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError, forbidden, invalid
from partnerdesk.core.http import allow
from partnerdesk.partners.enums import Instance
from partnerdesk.tickets.console import console_page, staff_actor

from . import actions, selectors, vendor
from .forms import VendorTableForm, clock_field, minutes_field

MANAGE = "plans.manage"


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


def _titles() -> dict[tuple[str, str], str]:
    return {
        (vendor.ENGLISH, vendor.BREAK_FIX): _("English, break-fix"),
        (vendor.ENGLISH, vendor.ADVICE): _("English, not break-fix (questions, advice)"),
        (vendor.LOCAL, vendor.BREAK_FIX): _("Local language, break-fix"),
        (vendor.LOCAL, vendor.ADVICE): _("Local language, not break-fix (questions, advice)"),
    }


def _tables(
    targets: list[vendor.VendorTarget], posted: tuple[str, str, VendorTableForm] | None
) -> list[dict[str, Any]]:
    titles = _titles()
    tables = []
    for language in vendor.LANGUAGES:
        for kind in vendor.KINDS:
            rows = [t for t in targets if t.language == language and t.kind == kind]
            form = (
                posted[2]
                if posted and posted[:2] == (language, kind)
                else VendorTableForm(initial=VendorTableForm.initial_for(rows))
            )
            tables.append(
                {
                    "language": language,
                    "kind": kind,
                    "title": titles[(language, kind)],
                    "id": f"{language}-{kind}",
                    "form": form,
                    "rows": [
                        {
                            "target": t,
                            "minutes": form[minutes_field(t.severity)],
                            "clock": form[clock_field(t.severity)],
                            "label": duration_label(t.minutes),
                            "default_label": duration_label(t.default_minutes),
                        }
                        for t in rows
                    ],
                    "source": rows[0].source if rows else "",
                }
            )
    return tables


def _save(actor: Actor, instance: str, language: str, kind: str, form: VendorTableForm) -> None:
    """Save the table's changed rows; DomainError (422) names the form field."""
    break_fix = vendor.break_fix_of(kind)
    current = {
        t.severity: t
        for t in selectors.vendor_targets(actor)
        if t.language == language and t.break_fix == break_fix
    }
    for severity in vendor.SEVERITIES:
        minutes = form.cleaned_data[minutes_field(severity)]
        business_hours = form.cleaned_data[clock_field(severity)] == "business"
        target = current[severity]
        if (minutes, business_hours) == (target.minutes, target.business_hours):
            continue
        try:
            actions.set_vendor_target(
                actor,
                instance=instance,
                language=language,
                severity=severity,
                break_fix=bool(break_fix),
                minutes=minutes,
                business_hours=business_hours,
            )
        except DomainError as error:
            if error.status != 422:
                raise
            for field_error in error.errors:
                name = {"minutes": minutes_field(severity)}.get(field_error.field)
                form.add_error(name, field_error.message)
            raise


@console_page
@allow("GET", "POST")
def vendor_targets(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    policies.require(actor, "workspace.view")
    can_manage = actor.has(MANAGE)
    instance = selectors.workspace_instance(actor)
    status = 200
    posted: tuple[str, str, VendorTableForm] | None = None
    if request.method == "POST":
        if not can_manage:
            raise forbidden()
        language, kind = request.POST.get("language", ""), request.POST.get("kind", "")
        if language not in vendor.LANGUAGES:
            raise invalid("language", _("The language is either english or local."))
        break_fix = vendor.break_fix_of(kind)
        if break_fix is None:
            raise invalid("kind", _("The kind is break-fix or advice."))
        reset = request.POST.get("reset", "")
        if reset:
            actions.reset_vendor_target(
                actor, instance=instance, language=language, severity=reset, break_fix=break_fix
            )
            messages.success(
                request,
                _("Severity %(severity)s is back to the programme's figure.") % {"severity": reset},
            )
            return redirect(request.path)
        form = VendorTableForm(request.POST)
        if form.is_valid():
            try:
                _save(actor, instance, language, kind, form)
            except DomainError:
                pass
            else:
                messages.success(request, _("The vendor response targets are saved."))
                return redirect(request.path)
        status = 422
        posted = (language, kind, form)
    targets = selectors.vendor_targets(actor)
    return render(
        request,
        "sla/vendor_targets.html",
        {
            "section": "vendor_targets",
            "can_manage": can_manage,
            "instance_label": Instance(instance).label if instance in Instance.values else instance,
            "tables": _tables(targets, posted),
        },
        status=status,
    )
