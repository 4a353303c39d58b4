"""Review R2.4 for the review's edit prompt: the stem is saved and the prompt ends in one transaction, so a
crash right after the save cannot leave the store waiting for another stem (with persistence writes after
the handler switched off, the store already holds the prompt's end); a refused stem keeps it waiting."""

from __future__ import annotations

import pickle

import pytest
from sqlmodel import select

from bot.fakeapi.session import OfflineSession
from bot.flow_store import FlowStore
from bot.review_card import EDIT_KEY
from storage.models import FlowState, QuestionStatus
from tests.bot.study_helpers import db_of
from tests.bot.test_review import CHOICE, _press_edit_on, join, questions, reworded
from tests.factories import SECRETARY_ID


async def _nothing(*_args: object, **_kwargs: object) -> None:
    return None


def _stored(s: OfflineSession) -> tuple[list[str], dict[object, object]]:
    with db_of(s).session() as session:
        rows = session.exec(select(FlowState)).all()
        user = next((pickle.loads(r.value) for r in rows if r.scope == "user" and r.key == str(SECRETARY_ID)), {})
        return [r.scope for r in rows if r.scope.startswith("conv:")], user


async def test_a_saved_stem_ends_the_prompt_in_its_own_transaction(
        session: OfflineSession, monkeypatch: pytest.MonkeyPatch) -> None:
    await join(session)
    await session.send(SECRETARY_ID, "/review")
    target = next(q for q in questions(session).values() if q.qtype in CHOICE and q.status == QuestionStatus.DRAFT)
    await _press_edit_on(session, target)
    assert _stored(session)[0] == ["conv:review_edit"]
    with monkeypatch.context() as crash:  # nothing PTB writes after the handler reaches the store
        for method in ("update_conversation", "update_user_data", "flush"):
            crash.setattr(FlowStore, method, _nothing)
        refused = await session.send(SECRETARY_ID, "长" * 301)
        assert "超过了 300 字" in refused[0].plain
        convs, user = _stored(session)
        assert convs == ["conv:review_edit"] and EDIT_KEY in user  # refused: still waiting
        saved = await session.send(SECRETARY_ID, reworded(target, "根据学习材料："))
        assert "题干已更新" in saved[0].plain
        convs, user = _stored(session)
        assert convs == [] and EDIT_KEY not in user, (convs, user)
