"""Canned replies: a workspace's library of reply templates with placeholders."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerdesk.core.models import PartnerOwned


class CannedReply(PartnerOwned):
    """A reply template. `owner` null: shared with the team; else one staff member's own.

    The body holds placeholders such as {customer.name} from a fixed list (canned_text.py),
    replaced by plain string substitution when an agent inserts it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        "accounts.Membership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "title"],
                condition=Q(owner__isnull=True),
                name="canned_shared_title_once",
            ),
            models.UniqueConstraint(
                fields=["partner", "owner", "title"],
                condition=Q(owner__isnull=False),
                name="canned_personal_title_once",
            ),
        ]
        indexes = [models.Index(fields=["partner", "title"], name="canned_by_title")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None
