"""The views ``zhifa run projections`` hosts, by name."""

from __future__ import annotations

from projections.cases import CaseStateView
from projections.disclosure import DisclosureView
from projections.inspections import InspectionsView
from projections.timeline import TimelineView
from projections.view import View


def default_views() -> list[View]:
    """A fresh instance of every view (each runner holds its own: views keep per-batch state)."""
    return [CaseStateView(), TimelineView(), InspectionsView(), DisclosureView()]


def view_names() -> list[str]:
    return [v.name for v in default_views()]
