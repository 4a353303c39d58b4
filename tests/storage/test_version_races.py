"""Two secretaries at once on PostgreSQL (READ COMMITTED): the write paths read the row ``FOR UPDATE``, so
the second waits for the first and judges the row as the first left it.

Each test holds the first secretary's change uncommitted (flushed: the row is locked), starts the second
in a thread, then commits the first.  Without the lock the second read the old row, passed its checks and
overwrote the first's result once the row was free.  (SQLite serialises writers: nothing to race.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import select

from scheduler.clock import FakeClock
from storage import bank
from storage import meetings as meeting_store
from storage.db import Database
from storage.errors import InvalidState
from storage.migrate import upgrade
from storage.models import Meeting, MeetingStatus, Question, QuestionRevision, QuestionStatus, Role
from tests import factories
from tests.storage.test_bank import REWORDED, setup
from tests.storage.test_content import secretary
from tests.storage.test_meetings import NOW, spec


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url)
    upgrade(database)
    yield database
    database.dispose()


def _second_while_first_holds(first_done: Callable[[], object], second: Callable[[], None]) -> list[BaseException]:
    """Run ``second`` in a thread while the caller's transaction holds the row; ``first_done`` commits it."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            second()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.8)  # the second has read (unlocked) or is waiting on the lock
    first_done()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return errors


def test_an_edit_racing_a_publish_keeps_the_published_wording_as_a_revision(pg: Database, clock: FakeClock) -> None:
    branch_id, ids = setup(pg, clock)
    sec_a, sec_b = secretary(pg, clock, branch_id), secretary(pg, clock, branch_id, tg=501)
    qid = ids["q-0001"]
    first = pg.session()
    s = first.__enter__()
    bank.decide_question(session=s, actor=sec_a, question_id=qid, publish=True, now=clock.now())
    s.flush()  # A holds the row

    def edit() -> None:
        with pg.session() as s2:
            bank.edit_question(session=s2, actor=sec_b, question_id=qid, stem=REWORDED, now=clock.now())

    errors = _second_while_first_holds(lambda: first.__exit__(None, None, None), edit)
    assert errors == []
    with pg.session() as s:
        row = s.get(Question, qid)
        assert row is not None and row.status == QuestionStatus.PUBLISHED and row.stem == REWORDED
        assert row.revision == 2  # published when B's edit ran: members' wording kept, not reworded in place
        assert len(s.exec(select(QuestionRevision).where(QuestionRevision.question_id == qid)).all()) == 1


def test_a_cancel_confirmed_while_the_meeting_is_edited_is_refused(pg: Database) -> None:
    branch = factories.branch(pg, NOW)
    assert branch.id is not None
    sec_a = factories.member(pg, branch.id, factories.SECRETARY_ID, "李书记", NOW, role=Role.SECRETARY)
    with pg.session() as s:
        meeting = meeting_store.create_meeting(session=s, actor=sec_a, spec=spec(), now=NOW)
        asked_about = meeting.revision
        meeting_id = meeting.id
    assert meeting_id is not None
    first = pg.session()
    s = first.__enter__()
    meeting_store.edit_meeting(session=s, actor=sec_a, meeting_id=meeting_id, field_name="place", value="五楼",
                               now=NOW)
    s.flush()

    def cancel() -> None:
        with pg.session() as s2:
            meeting_store.cancel_meeting(session=s2, actor=sec_a, meeting_id=meeting_id, now=NOW,
                                         revision=asked_about)

    errors = _second_while_first_holds(lambda: first.__exit__(None, None, None), cancel)
    assert [getattr(e, "code", e) for e in errors] == ["meeting_changed"]
    assert all(isinstance(e, InvalidState) for e in errors)
    with pg.session() as s:
        row = s.get(Meeting, meeting_id)
        assert row is not None and row.status != MeetingStatus.CANCELLED and row.place == "五楼"
