"""The quota rule in one place: random histories on PostgreSQL give exactly what domain.quota says.

Each history (groups of concurrent submits with double submits, refusals, upheld appeals, returns,
resubmits on time and too late, withdrawals, quota and waitlist changes) runs against the real services on
PostgreSQL and, step by step, against an in-memory book that moves only through domain.quota's functions. After every step
each application's state, rank and waitlist place and the batch counters must agree. Submit groups go
through the production engines: the group allocator (the one PostgreSQL statement of intake.pg_allocate,
the Python path once a rank was freed), the portal's one-by-one submit, and services.quota.allocate_group.
"""
import itertools
from concurrent.futures import Future
from dataclasses import replace
from datetime import date, timedelta

import factories
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from backoffice.domain import quota as rule
from backoffice.domain.enums import ApplicationState as S
from backoffice.extensions import db
from backoffice.models import AdminUser, Application, Batch
from backoffice.models.base import utcnow
from backoffice.services import applications, quota, review
from backoffice.services.applications import ApplicationError

pytestmark = pytest.mark.postgres
N = 7  # applications per history
_numbers = itertools.count()

submits = st.tuples(st.just("submit"), st.lists(st.integers(0, N - 1), min_size=1, max_size=6))
ops = st.one_of(
    submits, submits, submits,  # most of a surge is submits
    st.tuples(st.just("refuse"), st.integers(0, N - 1)), st.tuples(st.just("refuse"), st.integers(0, N - 1)),
    st.tuples(st.just("withdraw"), st.integers(0, N - 1)), st.tuples(st.just("withdraw"), st.integers(0, N - 1)),
    st.tuples(st.just("return"), st.integers(0, N - 1)),
    st.tuples(st.just("resubmit"), st.integers(0, N - 1), st.booleans()),
    st.tuples(st.just("quota"), st.integers(0, 6), st.integers(0, 4)),
    st.tuples(st.just("appeal"), st.integers(0, N - 1)),  # a refusal overturned: the rank is reclaimed if free
)
histories = st.tuples(st.integers(1, 4), st.integers(0, 4), st.lists(ops, min_size=3, max_size=14))


class Book:
    """The batch in memory; every placement and counter change is domain.quota's answer."""

    def __init__(self, quota_: int, cap: int):
        self.counters = rule.Counters(quota_, cap, 0, 0, 0)
        self.state = {i: S.DRAFT for i in range(N)}
        self.rank: dict[int, int] = {}
        self.place: dict[int, int] = {}

    def submit(self, order: list[int]) -> list:
        """Answers in arrival order: a Slot, or "again" for an application already submitted."""
        fresh, answers = [], []
        for i in order:
            if self.state[i] == S.DRAFT and i not in fresh:
                fresh.append(i)
        slots, self.counters = rule.assign(self.counters, len(fresh), set(self.rank.values()))
        got = dict(zip(fresh, slots))
        for i in order:
            slot = got.pop(i, None)
            answers.append(slot or "again")
            if slot is not None:
                self._put(i, slot)
        return answers

    def _put(self, i: int, slot: rule.Slot) -> None:
        if slot.outcome == rule.Outcome.ALLOCATED:
            self.state[i], self.rank[i] = S.IN_REVIEW, slot.rank
        elif slot.outcome == rule.Outcome.WAITLISTED:
            self.state[i], self.place[i] = S.WAITLISTED, slot.waitlist_position

    def release(self, i: int) -> None:
        rank = self.rank.pop(i)
        promote, self.counters = rule.release(self.counters, bool(self.place))
        if promote:
            head = min(self.place, key=self.place.get)
            self._close_up(self.place.pop(head))
            self.state[head], self.rank[head] = S.IN_REVIEW, rank

    def leave(self, i: int) -> None:
        self.counters = rule.leave_waitlist(self.counters)
        self._close_up(self.place.pop(i))

    def _close_up(self, left: int) -> None:
        self.place = {j: rule.moved_up(p, left) for j, p in self.place.items()}

    def resubmit(self, i: int, late: bool) -> str:
        before = (self.counters, dict(self.state), dict(self.rank), dict(self.place))
        if late and i in self.rank:
            self.release(i)
        if i not in self.rank:
            [slot], self.counters = rule.assign(self.counters, 1, set(self.rank.values()))
            if slot.outcome == rule.Outcome.FULL:  # the service rolls the whole resubmit back
                self.counters, self.state, self.rank, self.place = before
                return "batch_full"
            self._put(i, slot)
            return "ok"
        self.state[i] = S.IN_REVIEW
        return "ok"

    def reclaim(self, i: int) -> None:
        rank, self.counters = rule.reclaim(self.counters, set(self.rank.values()))
        if rank is not None:
            self.rank[i] = rank
        self.state[i] = S.IN_REVIEW

    def rows(self) -> dict:
        return {i: (self.state[i], self.rank.get(i), self.place.get(i)) for i in range(N)}


def _world(orgs, quota_: int, cap: int) -> tuple[int, list[int]]:
    unit = orgs["YX-METRO"]
    batch = factories.batch(orgs["GZ"], quota=quota_, waitlist_cap=cap, graduation_required=False)
    ids = []
    for _ in range(N):
        n = next(_numbers)
        person = factories.applicant(unit, id_number=factories.valid_id_number(
            n, birth=date(1980, 1, 1) + timedelta(days=n // 1000)))
        app = Application(batch=batch, applicant=person, org_id=unit.id, state=S.DRAFT)
        db.session.add(app)
        db.session.flush()
        ids.append(app.id)
    db.session.commit()
    return batch.id, ids


def _db_rows(batch_id: int, ids: list[int]) -> tuple[dict, tuple]:
    db.session.expire_all()
    apps = {a.id: a for a in db.session.execute(
        db.select(Application).where(Application.batch_id == batch_id)).scalars()}
    rows = {i: (apps[app_id].state, apps[app_id].quota_rank, apps[app_id].waitlist_position)
            for i, app_id in enumerate(ids)}
    b = db.session.get(Batch, batch_id)
    return rows, (b.quota, b.waitlist_cap, b.allocated_count, b.waitlist_count, b.released_slots)


def _submit_group(engine, allocator, ids, order) -> list:
    """Answers in arrival order, spelled as the Book spells them."""
    apps = [db.session.get(Application, ids[i]) for i in order]
    if engine == "python":
        claims = [quota.Claim(a.id, a.batch_id, a.org_id, a.applicant_id, a.applicant.name, 1500, utcnow())
                  for a in apps]
        db.session.commit()
        slots = quota.allocate_group(claims)
        seen, answers = set(), []
        for c in claims:
            answers.append("again" if c.application_id in seen or slots[c.application_id] is None
                           else slots[c.application_id])
            seen.add(c.application_id)
        return [_spelled(a) for a in answers]
    if engine == "portal":
        answers = []
        for a in apps:
            try:
                applications.submit(a)
                answers.append((a.state, a.quota_rank, a.waitlist_position))
            except ApplicationError as exc:
                answers.append(exc.code)
        return answers
    from backoffice.intake.fast_submit import SubmitRequest
    items = [(SubmitRequest(a.id, a.applicant_id, a.applicant.token_version, utcnow()), Future()) for a in apps]
    db.session.commit()
    allocator._serve(items)  # what the allocator thread does with a drained queue, in this order
    answers = []
    for _, future in items:
        exc = future.exception()
        answers.append(exc.code if exc else (future.result().state, future.result().quota_rank,
                                             future.result().waitlist_position))
    return answers


def _spelled(answer):
    """A Book answer as the services answer it."""
    if answer == "again":
        return "invalid_state"
    if answer.outcome == rule.Outcome.FULL:
        return "batch_full"
    state = S.IN_REVIEW if answer.outcome == rule.Outcome.ALLOCATED else S.WAITLISTED
    return (state, answer.rank, answer.waitlist_position)


def _step(op, book: Book, batch_id, ids, engine, allocator, reviewer):
    kind = op[0]
    if kind == "submit":
        order = [i for i in op[1] if book.state[i] != S.RETURNED]  # a returned one resubmits instead
        if order:
            groups = [[i] for i in order] if engine == "portal" else [order]  # the portal submits one by one
            expected = [_spelled(a) for group in groups for a in book.submit(group)]
            assert _submit_group(engine, allocator, ids, order) == expected, op
        return
    if kind == "quota":
        book.counters = replace(book.counters, quota=op[1], waitlist_cap=op[2])
        db.session.get(Batch, batch_id).quota, db.session.get(Batch, batch_id).waitlist_cap = op[1], op[2]
        db.session.commit()
        return
    i = op[1]
    app = db.session.get(Application, ids[i])
    if kind == "refuse" and book.state[i] == S.IN_REVIEW:
        review.refuse(app, reviewer, "other")
        book.state[i] = S.REFUSED
        if i in book.rank:  # reopened on appeal without a free rank, it has none to give
            book.release(i)
    elif kind == "return" and book.state[i] == S.IN_REVIEW:
        review.return_for_correction(app, reviewer, [{"kind": "id_card_front", "code": "unclear"}])
        book.state[i] = S.RETURNED
    elif kind == "withdraw":
        if book.state[i] not in applications.WITHDRAWABLE:
            with pytest.raises(ApplicationError) as err:
                applications.withdraw(app)
            assert err.value.code == "invalid_state"
            return
        if i in book.rank:
            book.release(i)
        elif i in book.place:
            book.leave(i)
        applications.withdraw(app)
        book.state[i] = S.WITHDRAWN
    elif kind == "appeal" and book.state[i] == S.REFUSED:
        _appeal_upheld(app, book, i)
    elif kind == "resubmit" and book.state[i] == S.RETURNED:
        late = op[2]
        app.return_items = []  # the documents are not what this test is about
        app.resubmit_due_at = utcnow() + timedelta(days=-1 if late else 1)
        db.session.commit()
        expected = book.resubmit(i, late)
        try:
            applications.submit(app)  # the portal's button: the submit path sends it to resubmit
            got = "ok"
        except ApplicationError as exc:
            got = exc.code
        assert got == expected, op


def _appeal_upheld(app, book: Book, i: int) -> None:
    from backoffice.services import appeals
    try:
        appeal = appeals.file_appeal(app, app.applicant, "我符合条件")
    except appeals.AppealError as exc:  # one appeal per decision: the second one changes nothing
        assert exc.code == "appeal_used"
        db.session.rollback()
        return
    judge = db.session.execute(db.select(AdminUser).filter_by(org_id=appeal.to_org_id)).scalars().first()
    appeals.decide(appeal, judge, True, "申诉成立")
    book.reclaim(i)


@pytest.mark.parametrize("engine", ["group-allocator", "portal", "python"])
def test_random_histories_match_the_rule(pg_app, pg_orgs, engine):
    from backoffice.intake.allocator import GroupAllocator
    allocator = GroupAllocator(pg_app)
    reviewer = db.session.execute(db.select(AdminUser).filter_by(org_id=pg_orgs["YX-METRO"].id)).scalars().first()

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
    @given(histories)
    # Always tried, whatever the draw: promotion takes the head and the queue closes up; a freed rank with
    # nobody waiting is reused first; a lowered quota; a late resubmit into a batch with no room at all.
    @example((1, 3, [("submit", [0, 1, 2, 3]), ("refuse", 0), ("withdraw", 2), ("withdraw", 1)]))
    @example((3, 0, [("submit", [0, 1, 2]), ("withdraw", 1), ("submit", [3, 4])]))
    @example((4, 2, [("submit", [0, 1, 2]), ("quota", 1, 2), ("submit", [3, 4, 5])]))
    @example((2, 0, [("submit", [0, 1]), ("return", 0), ("quota", 0, 0), ("resubmit", 0, True)]))
    @example((1, 1, [("submit", [0, 1]), ("refuse", 0), ("appeal", 0), ("withdraw", 1), ("refuse", 0),
                     ("appeal", 0), ("submit", [2])]))
    def run(history):
        quota_, cap, steps = history
        batch_id, ids = _world(pg_orgs, quota_, cap)
        book = Book(quota_, cap)
        for op in steps:
            _step(op, book, batch_id, ids, engine, allocator, reviewer)
            rows, counters = _db_rows(batch_id, ids)
            assert rows == book.rows(), (op, steps)
            assert counters == (book.counters.quota, book.counters.waitlist_cap, book.counters.allocated,
                                book.counters.waitlisted, book.counters.released_slots), (op, steps)

    try:
        run()
    finally:
        allocator._drop_connections()
