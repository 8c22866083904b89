"""Who may claim a batch's subsidy at submit time: a pure function over plain facts, with reasons."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .enums import DOCUMENT_KIND_LABELS, ApplicationState, DocumentKind, OnceRule

# States in which an application counts as a claim: it holds or waits for money, or already got it.
ACTIVE_STATES = frozenset({ApplicationState.WAITLISTED, ApplicationState.IN_REVIEW, ApplicationState.RETURNED})
GRANTED_STATES = frozenset({ApplicationState.APPROVED, ApplicationState.PAID})
# An application stays the applicant's one application in its batch until it ends without money; only then may
# another be started there (and the portal shows the newest one that has not ended).
ENDED_STATES = frozenset({ApplicationState.WITHDRAWN, ApplicationState.REFUSED})


def holds_batch(state: ApplicationState) -> bool:
    """The application still occupies the applicant's place in its batch."""
    return state not in ENDED_STATES


def current_by_batch(applications) -> dict:
    """batch id → the application that holds the applicant's place there, from (batch_id, state) records
    listed newest first."""
    current = {}
    for application in applications:
        if holds_batch(application.state):
            current.setdefault(application.batch_id, application)
    return current


@dataclass(frozen=True)
class BatchRules:
    opens_at: datetime
    closes_at: datetime
    enabled: bool = True
    roster_required: bool = True
    graduation_required: bool = False
    validity_years: int = 8
    required_documents: tuple[str, ...] = ()
    once_rule: OnceRule = OnceRule.PER_PERSON


@dataclass(frozen=True)
class RosterFacts:
    name: str
    id_number: str
    enrolment_date: date
    graduated: bool = False


@dataclass(frozen=True)
class PriorClaim:
    """Another application of the same person under the same programme."""
    state: ApplicationState
    study_year: int | None = None
    education_level: str | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass
class Eligibility:
    reasons: list[Reason] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


def window_open(rules: BatchRules, now: datetime) -> bool:
    """Open from opens_at (inclusive) to closes_at (exclusive): the deadline second is already too late."""
    return rules.enabled and rules.opens_at <= now < rules.closes_at


def check(rules: BatchRules, now: datetime, *, name: str, id_number: str, roster: list[RosterFacts],
          prior: list[PriorClaim], documents: set[str], study_year: int | None = None,
          education_level: str | None = None, check_documents: bool = True) -> Eligibility:
    """Every rule of the batch, in the order an applicant would fix them."""
    result = Eligibility()
    result.reasons += _window_reasons(rules, now)
    result.reasons += _roster_reasons(rules, now, name, id_number, roster)
    result.reasons += _once_reasons(rules.once_rule, prior, study_year, education_level)
    if check_documents:
        result.reasons += _document_reasons(rules.required_documents, documents)
    return result


def _window_reasons(rules: BatchRules, now: datetime) -> list[Reason]:
    if not rules.enabled:
        return [Reason("batch_disabled", "该批次已停用。")]
    if now < rules.opens_at:
        return [Reason("window_not_open", f"申报尚未开始（{rules.opens_at:%Y-%m-%d %H:%M} 开始）。")]
    if now >= rules.closes_at:
        return [Reason("window_closed", f"申报已截止（{rules.closes_at:%Y-%m-%d %H:%M} 截止）。")]
    return []


def matching_entries(name: str, id_number: str, roster: list[RosterFacts]) -> list[RosterFacts]:
    return [e for e in roster if e.id_number.upper() == id_number.upper() and e.name.strip() == name.strip()]


def _roster_reasons(rules: BatchRules, now: datetime, name: str, id_number: str,
                    roster: list[RosterFacts]) -> list[Reason]:
    if not rules.roster_required:
        return []
    by_id = [e for e in roster if e.id_number.upper() == id_number.upper()]
    if not by_id:
        return [Reason("not_on_roster", "未在本批次认可的预报名名单中找到您的身份证号。")]
    matched = matching_entries(name, id_number, roster)
    if not matched:
        return [Reason("roster_name_mismatch", "预报名名单中的姓名与您注册的姓名不一致。")]
    reasons = []
    if rules.graduation_required and not any(e.graduated for e in matched):
        reasons.append(Reason("not_graduated", "本批次仅限已毕业的职工申领，名单显示您尚未毕业。"))
    if not any(_still_valid(e.enrolment_date, rules.validity_years, now.date()) for e in matched):
        reasons.append(Reason("roster_expired",
                              f"预报名资格自入学起 {rules.validity_years} 年内有效，您的资格已过期。"))
    return reasons


def _still_valid(enrolment: date, years: int, today: date) -> bool:
    try:
        lapses = enrolment.replace(year=enrolment.year + years)
    except ValueError:  # 29 February
        lapses = enrolment.replace(year=enrolment.year + years, day=28)
    return today < lapses


def _once_reasons(rule: OnceRule, prior: list[PriorClaim], study_year: int | None,
                  level: str | None) -> list[Reason]:
    if any(p.state in ACTIVE_STATES for p in prior):
        return [Reason("already_applying", "您在本项目中已有一份正在办理的申请。")]
    granted = [p for p in prior if p.state in GRANTED_STATES]
    if rule == OnceRule.PER_PERSON:
        if granted:
            return [Reason("already_subsidised", "每人只能享受一次本项目补助，您已享受过。")]
        return []
    reasons = []
    if study_year is not None and any(p.study_year == study_year for p in granted):
        reasons.append(Reason("already_subsidised_year", f"您 {study_year} 年度已享受过本项目补助。"))
    if level and any(p.education_level == level for p in granted):
        reasons.append(Reason("already_subsidised_level", f"您已就“{level}”层次享受过本项目补助。"))
    return reasons


def missing_documents(required: tuple[str, ...] | list[str], present: set[str]) -> list[str]:
    return [k for k in required if k not in present]


def _document_reasons(required: tuple[str, ...], present: set[str]) -> list[Reason]:
    return [Reason("missing_document", f"尚未上传：{document_label(k)}。")
            for k in missing_documents(required, present)]


def document_label(kind: str) -> str:
    try:
        return DOCUMENT_KIND_LABELS[DocumentKind(kind)]
    except ValueError:
        return kind
