"""Indexes the KPI queries need on other areas' tables (declared here, beside the queries
that use them, so those areas' models stay as they are). Each lets a month's rows be
found by range instead of scanning a year of them."""
from __future__ import annotations

import sqlalchemy as sa

from ..followups.models import Evaluation, FollowUp, FollowUpOutcome, MediationCase
from ..orders.models import OrderEvent

INDEXES = (
    sa.Index("ix_followups_completed_at", FollowUp.completed_at),
    sa.Index("ix_followup_outcomes_recorded_at", FollowUpOutcome.recorded_at),
    sa.Index("ix_evaluations_created_at", Evaluation.created_at),
    sa.Index("ix_mediation_cases_opened_at", MediationCase.opened_at),
    sa.Index("ix_order_events_kind_at", OrderEvent.kind, OrderEvent.at),
)
