"""The same person twice: one record per chi bộ, name (as normalised) and birth date among those
in the procedure, held by the database's unique index; the form, an edit, a void and an
import refuse a second with a Vietnamese message naming the record there, and write nothing,
even when two writers race past the check at the same moment."""
from __future__ import annotations

import threading
import unicodedata
from datetime import date

import pytest
from sqlmodel import func, select

import core.procedure.pipeline as pipeline
from core.access.scope import Actor
from core.config import RuleSettings
from core.procedure.pipeline import (
    CandidateInput,
    DuplicateCandidateError,
    add_candidate,
    edit_candidate,
    record_exit,
    void_event,
)
from core.procedure.stages import Exit, Role
from core.storage.db import session_scope
from core.storage.models import AuditEntry, Candidate, StageEvent, identity_key
from tests.factories import district, raised, versions

RULES = RuleSettings()
TODAY = date(2024, 3, 1)
LISTED = date(2024, 2, 1)
GIVEN = dict(female=True, ethnicity="Kinh", religion="", general_education="upper_secondary", qualification="none",
             occupation="farmer")
PERSON = CandidateInput(full_name="Nguyễn Thị Hoa", birth_date=date(2000, 5, 4), **GIVEN)
DUPLICATE = "«Nguyễn Thị Hoa», sinh ngày 04/05/2000, đã có hồ sơ đang trong quy trình ở Chi bộ thôn A (hồ sơ số {id})"


@pytest.fixture
def tree(engine):
    with session_scope(engine) as s:
        district(s)
    return engine, Actor("bithu.c1", Role.SECRETARY, "/1/2/")


def counts(engine) -> tuple[int, ...]:
    with session_scope(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(m)).one() for m in (Candidate, StageEvent, AuditEntry)) + (
            versions(s),)


def add(engine, actor, data: CandidateInput = PERSON, org_code: str = "C1-A") -> int:
    with session_scope(engine) as s:
        return add_candidate(s, actor, org_code=org_code, data=data, source_date=LISTED, today=TODAY, rules=RULES).id


def test_identity_key_normalises_unicode_case_and_spaces():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoa")
    assert nfd != "Nguyễn Thị Hoa"
    assert identity_key(f"  {nfd.upper()}  ", date(2000, 5, 4)) == identity_key("nguyễn  thị hoa", date(2000, 5, 4))
    assert identity_key("Nguyễn Thị Hoa", date(2000, 5, 4)) == "nguyễn thị hoa|2000-05-04"
    assert identity_key("Nguyễn Thị Hoà", date(2000, 5, 4)) != identity_key("Nguyễn Thị Hoa", date(2000, 5, 4))
    assert identity_key("Nguyễn Thị Hoa", date(2000, 5, 5)) != identity_key("Nguyễn Thị Hoa", date(2000, 5, 4))


def test_the_same_person_twice_in_a_chi_bo_is_refused_naming_the_record(tree):
    engine, actor = tree
    first = add(engine, actor)
    before = counts(engine)
    typed_otherwise = CandidateInput(**GIVEN, full_name="  " + unicodedata.normalize("NFD", "NGUYỄN  thị HOA"),
                                     birth_date=date(2000, 5, 4))
    for data in (PERSON, typed_otherwise):
        with pytest.raises(DuplicateCandidateError) as refused:
            add(engine, actor, data)
        assert str(refused.value).startswith(DUPLICATE.format(id=first))
        assert refused.value.candidate_id == first
    assert counts(engine) == before


def test_a_name_typed_with_combining_accents_is_stored_as_typed_looks(tree):
    engine, actor = tree
    candidate_id = add(engine, actor, CandidateInput(**GIVEN, full_name=unicodedata.normalize("NFD", "Đỗ Thị Ánh"),
                                                     birth_date=date(1999, 1, 2)))
    with session_scope(engine) as s:
        stored = s.get(Candidate, candidate_id)
        assert (stored.full_name, stored.identity_key) == ("Đỗ Thị Ánh", "đỗ thị ánh|1999-01-02")


def test_another_chi_bo_or_another_birth_date_is_another_person(tree):
    engine, actor = tree
    add(engine, actor)
    add(engine, actor, org_code="C1-B")
    add(engine, actor, CandidateInput(**GIVEN, full_name="Nguyễn Thị Hoa", birth_date=date(2001, 5, 4)))
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Candidate)).one() == 3


def test_after_an_exit_the_person_may_be_listed_again_and_the_old_exit_then_stays(tree):
    engine, actor = tree
    first = add(engine, actor)
    with session_scope(engine) as s:
        record_exit(s, actor, candidate_id=first, expected_version=1, exit_=Exit.STOPPED, event_date=date(2024, 2, 10),
                    today=TODAY, reason="Đi làm ăn xa")
    again = add(engine, actor)
    with session_scope(engine) as s:
        exit_event = s.exec(select(StageEvent).where(StageEvent.candidate_id == first, StageEvent.stage == "stopped")).one()
    before = counts(engine)
    with session_scope(engine) as s, pytest.raises(DuplicateCandidateError) as refused:
        void_event(s, actor, candidate_id=first, expected_version=2, event_id=exit_event.id, reason="Nhầm")
    assert str(refused.value).startswith(DUPLICATE.format(id=again))
    assert counts(engine) == before


def test_an_edit_that_makes_two_records_one_person_is_refused(tree):
    engine, actor = tree
    add(engine, actor)
    other = add(engine, actor, CandidateInput(**GIVEN, full_name="Nguyễn Thị Hòa", birth_date=date(2000, 5, 4)))
    before = counts(engine)
    with session_scope(engine) as s, pytest.raises(DuplicateCandidateError):
        edit_candidate(s, actor, candidate_id=other, expected_version=1, data=PERSON, today=TODAY)
    assert counts(engine) == before
    with session_scope(engine) as s:
        edited = edit_candidate(s, actor, candidate_id=other, expected_version=1, today=TODAY,
                                data=CandidateInput(**{**GIVEN, "religion": "Phật giáo"}, full_name="Nguyễn Thị Hòa",
                                                    birth_date=date(2000, 5, 4)))
        assert (edited.identity_key, edited.religion, edited.version) == ("nguyễn thị hòa|2000-05-04", "Phật giáo", 2)


def test_two_writers_at_once_give_one_record_and_the_loser_the_message(tree, monkeypatch):
    """Both pass the check before either writes (a barrier after it), so the database decides."""
    engine, actor = tree
    before = counts(engine)
    barrier = threading.Barrier(2, timeout=30)
    checked = threading.local()
    real_open_record = pipeline.open_record

    def open_record_then_wait(*args, **kwargs):
        found = real_open_record(*args, **kwargs)
        if not getattr(checked, "done", False):  # the first check of each writer; the loser's lookup goes on
            checked.done = True
            barrier.wait()
        return found

    monkeypatch.setattr(pipeline, "open_record", open_record_then_wait)
    results: list[object] = []

    def writer() -> None:
        try:
            results.append(add(engine, actor))
        except Exception as exc:  # the outcome is asserted below, whatever it is
            results.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if not isinstance(r, int)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], DuplicateCandidateError), repr(losers[0])
    assert str(losers[0]).startswith(DUPLICATE.format(id=winners[0]))
    with session_scope(engine) as s:
        assert [c.id for c in s.exec(select(Candidate)).all()] == winners
    after = counts(engine)
    assert tuple(a - b for a, b in zip(after[:-1], before[:-1])) == (1, 1, 1)  # one candidate, its event, its audit
    raised_by = raised(after[-1], before[-1])  # once, for each organization on its path
    assert raised_by[0] == 0 and raised_by[1] and set(raised_by[1].values()) == {1}
