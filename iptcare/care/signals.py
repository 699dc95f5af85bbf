"""What the apps built on care add to care's pages, without care importing them (the
imports still point one way: care <- course). As in pretix's plugin signals, care sends
a signal while it builds a page and shows whatever the receivers return.

Receivers are handed records that care has already loaded through its access layer.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.dispatch import Signal

client_record_panels = Signal()
"""Sent by the client record page with `request` and `client`. Each receiver returns a
list of `Panel`s."""

caseload_entries = Signal()
"""Sent by the caseload with `request` and `clients` (a list). Each receiver returns a
dict {client.pk: CaseloadEntry}."""


@dataclass(frozen=True)
class Panel:
    html: str  # rendered by the receiver's own template, so already escaped
    top: bool = False  # shown above the record itself (open safety alerts)


@dataclass
class CaseloadEntry:
    position: str = ""  # "Week 7 of 16, middle phase"
    url: str = ""
    next_session_at: datetime | None = None
    overdue: list[str] = field(default_factory=list)
    safety_alerts: int = 0
    urgent_alerts: int = 0
    safety_url: str = ""

    @property
    def flagged(self) -> bool:
        return self.safety_alerts > 0
