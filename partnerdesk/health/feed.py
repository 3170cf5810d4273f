"""What a connector hands the health actions: incidents already mapped from the vendor's wire
shape (Graph serviceHealthIssue, Partner Center ServiceIncidentDetail) into our vocabulary.

The connector does the mapping (case-insensitive enums, unknown values to "unknown" with the
raw value kept, missing optional fields empty); `health.actions.apply_feed` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PostData:
    posted_at: datetime
    body_html: str  # the vendor's HTML as given; the action cleans it with nh3
    post_type: str = ""  # regular, quick, strategic, or the vendor's unknown value


@dataclass(frozen=True)
class IncidentData:
    vendor_id: str  # EX123456
    source: str  # health.enums.Source
    service_name: str  # the vendor's service / workload name, mapped to a catalog service by name
    title: str
    classification: str  # health.enums.Classification
    status: str  # health.enums.HealthStatus value (canonical), or "unknown"
    raw_status: str = ""  # the vendor's value when status is "unknown"
    feature: str = ""
    feature_group: str = ""
    impact: str = ""
    origin: str = ""
    is_resolved: bool = False
    started_at: datetime | None = None
    ended_at: datetime | None = None
    vendor_modified_at: datetime | None = None
    posts: tuple[PostData, ...] = field(default_factory=tuple)
