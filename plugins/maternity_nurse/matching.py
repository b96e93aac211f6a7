"""Matching rules of the 月嫂 line, pure: twins (双胞胎) call for experience."""
import sqlalchemy as sa

from core import MatchingRule, Msg, ScorePart

#: years of experience a nurse needs before she is sent to twins
TWINS_MIN_YEARS = 3


def _twins(intake: dict) -> bool:
    return bool((intake or {}).get("twins"))


TWINS_RULE = MatchingRule(
    "twins_experience",
    Msg("Twins need a nurse with at least {n} years of experience.",
        "双胞胎需要至少 {n} 年经验的月嫂。").format(n=TWINS_MIN_YEARS),
    lambda intake, w: not _twins(intake) or (w["years_experience"] or 0) >= TWINS_MIN_YEARS,
    where=lambda intake, p: p.years_experience >= TWINS_MIN_YEARS if _twins(intake) else None)

TWINS_PART = ScorePart(
    "twins", "双胎经验", "Twins experience", 1.0,
    lambda intake, w: min(w["years_experience"] or 0, 10) / 10 if _twins(intake) else 0.0,
    expr=lambda intake, p: sa.case((p.years_experience >= 10, 1.0),
                                   else_=sa.cast(p.years_experience, sa.Float) / 10)
    if _twins(intake) else sa.literal(0.0))
