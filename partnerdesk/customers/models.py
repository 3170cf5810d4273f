from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned


class Customer(PartnerOwned):
    """A customer organisation of a workspace."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("company name"), max_length=200)
    tenant_id = models.UUIDField(_("tenant id"), null=True, blank=True)
    # The tenant's default domain (contoso.onmicrosoft.com): admin portals open with it.
    default_domain = models.CharField(_("default domain"), max_length=253, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)  # ISO 3166-1 alpha-2
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The workspace's own organisation, so the partner can file tickets about itself.
    is_partner_own = models.BooleanField(_("partner's own tenant"), default=False)
    # The support plan bought; none means the workspace's default plan.
    support_plan = models.ForeignKey(
        "offering.SupportPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("support plan"),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        indexes = [models.Index(fields=["partner", "name", "id"], name="customer_by_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(is_partner_own=True),
                name="customer_one_own_tenant",
            ),
            # A Microsoft tenant is one customer; two rows for it would split its history.
            models.UniqueConstraint(
                fields=["partner", "tenant_id"],
                condition=models.Q(tenant_id__isnull=False),
                name="customer_tenant_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerDomain(PartnerOwned):
    """A mail domain of a customer: mail from it belongs to that customer (one per workspace)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("mail domain"), max_length=253)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "domain"], name="domain_once_per_workspace"),
        ]


class Contact(PartnerOwned):
    """A person at a customer: requester of tickets, with or without a portal login."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # May ask for admin changes on the organisation's behalf: password or MFA resets,
    # licences, approving admin relationships.
    may_request_admin_changes = models.BooleanField(_("may request admin changes"), default=False)
    membership = models.OneToOneField(
        "accounts.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set when a bounce said mail to this address failed (mail intake); what the bounce said.
    email_failing_since = models.DateTimeField(_("e-mail failing since"), null=True, blank=True)
    email_failure = models.TextField(_("e-mail failure"), blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "email"], name="contact_email_per_workspace"
            ),
        ]
        indexes = [models.Index(fields=["customer", "name", "id"], name="contact_by_customer")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


from .models_imports import ImportJob as ImportJob  # noqa: E402
from .models_services import AccessAssignment as AccessAssignment  # noqa: E402
from .models_services import AdminRelationship as AdminRelationship  # noqa: E402
from .models_services import RelationshipRole as RelationshipRole  # noqa: E402
from .models_services import SecurityGroup as SecurityGroup  # noqa: E402
from .models_services import SecurityGroupMember as SecurityGroupMember  # noqa: E402
from .models_services import Subscription as Subscription  # noqa: E402
