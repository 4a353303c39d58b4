"""Benchmark: quiz answers through the whole bot, next to a bare PTB echo bot; and the 08:00 push fan-out.

    answers  quiz answers handled per second by the full ``Application`` (every feature registered, the
             offline Bot API, a real SQLite file): members in /quiz sessions tap, toggle + submit or type
             their answers; each answer is graded, recorded with its FSRS card, answered with feedback
             and the next question (a 多选's toggles are timed with its answer)   target ≥ 0.5 × echo
    echo     a bare PTB ``Application`` with one handler that echoes text, over the same offline Bot API
             in the same process, measured in the same run (the ceiling the wiring imposes on any bot)
    push     the 08:00 study push for 10,000 members materialised into the outbox (one producer call):
             wall time and peak traced memory                             target < 2 s

Only feeding the updates is timed, not the set-up (joining, publishing the bank, starting sessions) nor
building each update.  Also printed: how many updates and Bot API calls one answer takes (a tap answers with
an edit, the next question and the callback answer; a 多选 adds its toggles), next to the echo bot's one and
one — the work the wiring does per answer before zhibu's own.
Run: ``.venv/bin/python bench/bench_quiz.py [--members 40] [--answers 400] [--push-members 10000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from datetime import time as clock_time
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert  # noqa: E402
from sqlmodel import col, select  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.app import OFFLINE_TOKEN, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.fakeapi.api import FakeBotApi  # noqa: E402
from bot.fakeapi.request import OfflineRequest  # noqa: E402
from bot.fakeapi.session import OfflineSession  # noqa: E402
from scheduler.clock import FakeClock  # noqa: E402
from scheduler.study_push import produce_study_pushes  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Delivery,
    Member,
    MemberStatus,
    Question,
    QuizAnswer,
    QuizSession,
    QuizSessionState,
    Role,
)

START = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SECRETARY = 90001
INVITE = "bench2026"


def _settings(folder: Path) -> Settings:
    return Settings.model_validate({
        "data_dir": str(folder / "data"),
        "database": {"url": f"sqlite:///{folder}/bench.sqlite3"},
        "branches": [{"key": "bench", "name": "基准党支部", "invite_code": INVITE, "secretaries": [SECRETARY]}],
        "flood": {"messages": 1_000_000, "per_seconds": 1},
        "study": {"quiz_size": 5, "idle_minutes": 24 * 60},
    })


def _waiting(session: OfflineSession, db: Database, tg: int) -> tuple[QuizSession, Question] | None:
    with db.session() as s:
        quiz = s.exec(select(QuizSession).join(Member, col(Member.id) == col(QuizSession.member_id))
                      .where(Member.tg_user_id == tg, QuizSession.state == QuizSessionState.ACTIVE)
                      .order_by(col(QuizSession.id).desc())).first()
        if quiz is None:
            return None
        question = s.get(Question, quiz.question_ids[quiz.position])
        assert question is not None
        return quiz, question


class Tally:
    """What the timed feeds took: seconds, updates and the Bot API calls the bot made meanwhile."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.updates = 0
        self.calls = 0

    async def feed(self, session: OfflineSession, update: dict[str, object]) -> None:
        calls = len(session.api.calls)
        started = time.perf_counter()
        await session.feed(update)
        self.seconds += time.perf_counter() - started
        self.updates += 1
        self.calls += len(session.api.calls) - calls


async def _press(session: OfflineSession, tally: Tally, tg: int, n: int) -> None:
    """Feed the press of button ``n`` of the member's latest keyboard; only the feed is timed (finding the
    keyboard in the fake's history is the harness's work, not the bot's)."""
    keyboard = session.api.last_keyboard(tg)
    assert keyboard is not None
    data = keyboard.buttons()[n - 1].callback_data
    assert data is not None
    await tally.feed(session, session.api.callback_update(tg, keyboard.message_id, data))


async def _type(session: OfflineSession, tally: Tally, tg: int, text: str) -> None:
    await tally.feed(session, session.api.message_update(tg, text))


async def _answer(session: OfflineSession, tally: Tally, db: Database, tg: int, n: int) -> None:
    """Answer the waiting question (every third one wrong)."""
    waiting = _waiting(session, db, tg)
    if waiting is None:
        await session.send(tg, "/quiz")
        waiting = _waiting(session, db, tg)
        assert waiting is not None
    _, q = waiting
    right = [i for i, o in enumerate(q.options) if o in q.answer]
    if q.qtype in ("single", "truefalse"):
        pick = right[0] if n % 3 else (right[0] + 1) % len(q.options)
        await _press(session, tally, tg, pick + 1)
    elif q.qtype == "multiple":
        for i in right:
            await _press(session, tally, tg, i + 1)
        await _press(session, tally, tg, len(q.options) + 1)
    else:
        await _type(session, tally, tg, q.answer[0] if n % 3 else "不知道")


async def bench_answers(members: int, answers: int) -> tuple[float, Tally]:
    with tempfile.TemporaryDirectory(prefix="zhibu-bench-") as tmp:
        settings = _settings(Path(tmp))
        clock = FakeClock(START)
        api = FakeBotApi(clock=clock)
        async with OfflineSession(partial(build_application, settings), api=api, clock=clock) as session:
            db: Database = session.app.bot_data["zhibu.services"].db
            api.add_user(SECRETARY, "书记")
            await session.send(SECRETARY, "/start")
            await session.send(SECRETARY, "/publishall")
            await session.press(SECRETARY, 1)
            users = [20_000 + n for n in range(members)]
            for tg in users:
                api.add_user(tg, f"党员{tg}")
                await session.send(tg, f"/start {INVITE}")
            tally = Tally()
            for n in range(answers):
                await _answer(session, tally, db, users[n % members], n)
            with db.session() as s:
                recorded = len(s.exec(select(QuizAnswer.id)).all())
            assert recorded == answers, (recorded, answers)
            return answers / tally.seconds, tally


async def bench_echo(updates: int) -> float:
    clock = FakeClock(START)
    api = FakeBotApi(clock=clock)

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    def build(request: OfflineRequest, clock: FakeClock) -> Application:  # type: ignore[type-arg]
        app = ApplicationBuilder().token(OFFLINE_TOKEN).request(request).get_updates_request(request).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        return app

    async with OfflineSession(build, api=api, clock=clock) as session:
        api.add_user(30_000, "回声")
        await session.send(30_000, "warm-up")
        tally = Tally()
        for n in range(updates):
            await _type(session, tally, 30_000, f"第{n}条")
        return updates / tally.seconds


def bench_push(members: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory(prefix="zhibu-bench-") as tmp:
        db = Database(f"sqlite:///{tmp}/push.sqlite3")
        upgrade(db)
        from tests.factories import branch as make_branch

        branch = make_branch(db, START)
        rows = [{"branch_id": branch.id, "tg_user_id": 100_000 + n, "chat_id": 100_000 + n, "name": f"党员{n}",
                 "language": "zh", "role": Role.MEMBER, "standing": "full", "status": MemberStatus.ACTIVE,
                 "reachable": True, "push_paused": False, "created_at": START, "updated_at": START}
                for n in range(members)]
        with db.session() as s:
            s.execute(insert(Member), rows)
        eight = datetime(2026, 3, 21, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai

        def produce() -> int:
            with db.session() as s:
                return produce_study_pushes(session=s, now=eight, tz=ZoneInfo("Asia/Shanghai"),
                                            default_time=clock_time(8, 0))

        # timed without tracing (tracemalloc slows every allocation), then traced on an empty outbox again
        started = time.perf_counter()
        added = produce()
        elapsed = time.perf_counter() - started
        with db.session() as s:
            assert len(s.exec(select(Delivery.id)).all()) == added == members
            assert produce() == 0  # the next tick adds nothing
            s.execute(delete(Delivery))
        tracemalloc.start()
        produce()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.dispose()
        return elapsed, peak / 2**20, added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--members", type=int, default=40)  # 20 ran out of the 16-question bank
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--echo", type=int, default=2000)
    parser.add_argument("--push-members", type=int, default=10_000, help="0 skips the push benchmark")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    answers, tally = asyncio.run(bench_answers(args.members, args.answers))
    echo = asyncio.run(bench_echo(args.echo))
    print(f"answers  {answers:7.1f} answers/s through the full Application (SQLite file, {args.answers} answers)")
    print(f"echo     {echo:7.1f} updates/s bare PTB echo bot ({args.echo} updates)")
    print(f"ratio    {answers / echo:7.2f} × the echo bot (target ≥ 0.5)")
    print(f"per answer {tally.updates / args.answers:.2f} updates and {tally.calls / args.answers:.2f} Bot API calls "
          "(the echo bot: 1 and 1 per update)")
    if not args.push_members:
        return
    elapsed, peak, added = bench_push(args.push_members)
    print(f"push     {elapsed:7.2f} s for {added} push rows, peak {peak:.1f} MiB traced (target < 2 s)")


if __name__ == "__main__":
    main()
