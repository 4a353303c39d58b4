"""Trial2 U6: a quiz answer edited its message to "✅ 回答正确" and the toast said it again.  Edits made by hand
(the quiz's feedback, the 不批准 prompt's 跳过) record what they put on the message (``bot.commands.said_by_edit``),
so the one toast rule leaves the repeat out — and the callback is answered all the same."""

from __future__ import annotations

from bot.fakeapi.session import OfflineSession
from tests.bot.study_helpers import (
    MEMBER,
    answer_until,
    current,
    join,
    right_indices,
    study_fixture,  # noqa: F401  (the ``study`` fixture)
)


async def test_a_quiz_tap_shows_its_verdict_on_the_message_only(study: OfflineSession) -> None:
    await join(study)
    await study.send(MEMBER, "/quiz")
    await answer_until(study, MEMBER, "single", "truefalse")
    _, q = current(study, MEMBER)
    pressed = await study.press(MEMBER, right_indices(q)[0] + 1)
    assert any(m.kind == "edit" and "回答正确" in m.plain for m in pressed), [m.plain for m in pressed]
    answers = study.api.callback_answers
    assert not answers[max(answers)].get("text")
    assert not study.api.unanswered_callbacks()
