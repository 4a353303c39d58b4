"""Benchmark: quiz answers through the whole bot, next to a bare PTB echo bot; and the 08:00 push fan-out.

    answers  quiz answers handled per second by the full ``Application`` (every feature registered, the
             offline Bot API, a real SQLite file): members in /quiz sessions tap, toggle + submit or type
             their answers; each answer is graded, recorded with its FSRS card, answered with feedback
             and the next question (a 多选's toggles are timed with its answer)   target ≥ 0.5 × echo
    echo     a bare PTB ``Application`` with one handler that echoes text, over the same offline Bot API
             in the same process, measured in the same run (the ceiling the wiring imposes on any bot)
    same     a bare PTB bot fed the quiz bot's very updates (each tap under a copy of the message it was
             made under) that makes the quiz bot's very Bot API calls for each — PTB and the offline
             server alone for an answer's traffic: the best ratio any bot answering this way could reach
    push     the 08:00 study push for 10,000 members materialised into the outbox (one producer call):
             wall time and peak traced memory                             target < 2 s

The two bots run side by side in one process and are timed in alternating rounds, so a shared machine's
changing load slows both alike; wall time and this process's CPU time are both reported (the CPU ratio is
what other programs on the machine cannot skew; the wall ratio also counts waiting, e.g. thread hops).
Only feeding the updates is timed, not the set-up (joining, publishing the bank, starting sessions) nor
building each update.  Also printed: how many updates and Bot API calls one answer takes (a tap answers with
an edit, the next question and the callback answer; a 多选 adds its toggles), next to the echo bot's one and
one — the work the wiring does per answer before zhibu's own.
Run: ``.venv/bin/python bench/bench_quiz.py [--members 40] [--answers 400] [--push-members 10000]``;
``bench/profile_quiz.py`` breaks one answer's CPU down by library.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
import tracemalloc
from collections import deque
from datetime import UTC, datetime
from datetime import time as clock_time
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert  # noqa: E402
from sqlmodel import col, select  # noqa: E402
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, MessageHandler, TypeHandler, filters  # noqa: E402

from bot.app import OFFLINE_TOKEN, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.fakeapi.api import FakeBotApi  # noqa: E402
from bot.fakeapi.records import ApiCall  # noqa: E402
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
    QuestionStatus,
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
    """What the timed feeds took: wall seconds, CPU seconds of this process (all its threads: what other
    programs on a shared machine cannot inflate), updates, and the Bot API calls the bot made meanwhile."""

    def __init__(self, *, log: bool = False) -> None:
        self.log: list[tuple[dict[str, Any], list[ApiCall]]] | None = [] if log else None
        self.seconds = 0.0
        self.cpu = 0.0
        self.updates = 0
        self.calls = 0
        self.members = 0

    async def feed(self, session: OfflineSession, update: dict[str, object]) -> None:
        calls = len(session.api.calls)
        started, cpu = time.perf_counter(), time.process_time()
        await session.feed(update)
        self.seconds += time.perf_counter() - started
        self.cpu += time.process_time() - cpu
        self.updates += 1
        self.calls += len(session.api.calls) - calls
        if self.log is not None:  # for the same-traffic bot, after the clock stopped
            self.log.append((update, session.api.calls[calls:]))


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


def _echo_app(request: OfflineRequest, clock: FakeClock) -> Application:  # type: ignore[type-arg]
    """The bare PTB bot: one handler that echoes text."""

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app = ApplicationBuilder().token(OFFLINE_TOKEN).request(request).get_updates_request(request).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def _markup(recorded: dict[str, Any] | None) -> InlineKeyboardMarkup | None:
    """A recorded inline keyboard as PTB objects: built while timed, as any bot builds the keyboard it sends."""
    if recorded is None:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row]
                                 for row in recorded["inline_keyboard"]])


def _same_traffic_app(pending: deque[list[ApiCall]], defaults: Defaults | None,
                      request: OfflineRequest, clock: FakeClock) -> Application:  # type: ignore[type-arg]
    """A bare PTB bot that takes the quiz bot's updates and makes the quiz bot's Bot API calls for each (the
    same methods, text and keyboards, PTB's own bound methods, the quiz bot's ``Defaults``) — with no
    handler list, guard, database, grading or rendering: what PTB and the offline server alone cost for an
    answer's traffic, so the ceiling of any bot answering this way."""

    async def same(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query, message = update.callback_query, update.effective_message
        for call in pending.popleft():
            p = call.params
            if call.method == "answerCallbackQuery" and query is not None:
                await query.answer(text=p.get("text"), show_alert=p.get("show_alert", False))
            elif call.method == "editMessageText" and query is not None:
                await query.edit_message_text(p["text"], reply_markup=_markup(p.get("reply_markup")))
            elif call.method == "editMessageReplyMarkup" and query is not None:
                await query.edit_message_reply_markup(_markup(p.get("reply_markup")))
            elif call.method == "sendMessage" and message is not None:
                await message.reply_text(p["text"], reply_markup=_markup(p.get("reply_markup")))
            else:
                raise AssertionError(f"the same-traffic bot does not make {call.method}")

    builder = ApplicationBuilder().token(OFFLINE_TOKEN).request(request).get_updates_request(request)
    app = (builder.defaults(defaults) if defaults is not None else builder).build()
    app.add_handler(TypeHandler(Update, same))
    return app


async def _same_update(api: FakeBotApi, update: dict[str, Any]) -> dict[str, Any]:
    """The quiz bot's update again for the same-traffic bot's world (untimed): a tap comes under a copy of the
    message it was made under (same text, entities, keyboard), sent there first; text is typed again."""
    query = update.get("callback_query")
    sender = (query or update["message"])["from"]
    if sender["id"] not in api.world.users:
        api.add_user(sender["id"], sender["first_name"])
    if query is None:
        return api.message_update(sender["id"], update["message"]["text"])
    shown = query["message"]
    params = {"chat_id": shown["chat"]["id"], "text": shown["text"], "entities": shown.get("entities", [])}
    if shown.get("reply_markup") is not None:
        params["reply_markup"] = shown["reply_markup"]
    sent = await api.call("sendMessage", params)
    return api.callback_update(sender["id"], sent["message_id"], query["data"])


def _enough_members(db: Database, members: int, answers: int) -> int:
    """At least as many members as the answers need: one member answers each published question once in a
    day (wrong ones come back only on a later day), so a bank of 7 serves 7 answers a member — the shipped bank
    shrinks as the examiners' refusals grow, and a fixed count would run a member dry (``/quiz`` then starts
    no session)."""
    with db.session() as s:
        published = len(s.exec(select(Question.id).where(Question.status == QuestionStatus.PUBLISHED)).all())
    assert published, "no published question: /publishall published nothing"
    return max(members, -(-answers // published))


async def bench(members: int, answers: int, echoes: int, rounds: int) -> tuple[Tally, Tally, Tally]:
    """The bots side by side in one process, timed in alternating rounds (a slice of the answers, the same
    slice's traffic through the bare same-traffic bot, then a slice of the echoes): a machine whose load
    changes during the run slows all alike."""
    with tempfile.TemporaryDirectory(prefix="zhibu-bench-") as tmp:
        settings = _settings(Path(tmp))
        clock = FakeClock(START)
        api = FakeBotApi(clock=clock)
        echo_clock = FakeClock(START)
        echo_api = FakeBotApi(clock=echo_clock)
        same_clock = FakeClock(START)
        same_api = FakeBotApi(clock=same_clock)
        pending: deque[list[ApiCall]] = deque()
        async with OfflineSession(partial(build_application, settings), api=api, clock=clock) as session, \
                OfflineSession(_echo_app, api=echo_api, clock=echo_clock) as echo_session, \
                OfflineSession(partial(_same_traffic_app, pending, session.app.bot.defaults), api=same_api,
                               clock=same_clock) as same_session:
            db: Database = session.app.bot_data["zhibu.services"].db
            api.add_user(SECRETARY, "书记")
            await session.send(SECRETARY, "/start")
            await session.send(SECRETARY, "/publishall")
            await session.press(SECRETARY, 1)
            members = _enough_members(db, members, answers)
            users = [20_000 + n for n in range(members)]
            for tg in users:
                api.add_user(tg, f"党员{tg}")
                await session.send(tg, f"/start {INVITE}")
            echo_api.add_user(30_000, "回声")
            await echo_session.send(30_000, "warm-up")
            quiz, echo, same = Tally(log=True), Tally(), Tally()
            quiz.members = members
            n = e = 0
            for r in range(1, rounds + 1):
                while n < answers * r // rounds:
                    await _answer(session, quiz, db, users[n % members], n)
                    n += 1
                assert quiz.log is not None
                for update, calls in quiz.log:
                    pending.append(calls)
                    await same.feed(same_session, await _same_update(same_api, update))
                quiz.log.clear()
                while e < echoes * r // rounds:
                    await _type(echo_session, echo, 30_000, f"第{e}条")
                    e += 1
            with db.session() as s:
                recorded = len(s.exec(select(QuizAnswer.id)).all())
            assert recorded == answers, (recorded, answers)
            assert (same.updates, same.calls) == (quiz.updates, quiz.calls), "the same traffic, or no comparison"
            assert not pending
            return quiz, echo, same


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
    parser.add_argument("--members", type=int, default=40,
                        help="at least; raised to what the published bank needs for --answers")
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--echo", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=8, help="alternations between the two bots")
    parser.add_argument("--push-members", type=int, default=10_000, help="0 skips the push benchmark")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    quiz, echo, same = asyncio.run(bench(args.members, args.answers, args.echo, args.rounds))
    n = args.answers
    print(f"answers  {n / quiz.seconds:7.1f} answers/s through the full Application (SQLite file, {n} answers; "
          f"{quiz.seconds / n * 1000:.2f} ms wall, {quiz.cpu / n * 1000:.2f} ms CPU each)")
    print(f"echo     {args.echo / echo.seconds:7.1f} updates/s bare PTB echo bot ({args.echo} updates; "
          f"{echo.seconds / args.echo * 1000:.2f} ms wall, {echo.cpu / args.echo * 1000:.2f} ms CPU each)")
    print(f"ratio    {(n / quiz.seconds) / (args.echo / echo.seconds):7.2f} × the echo bot by wall time, "
          f"{(n / quiz.cpu) / (args.echo / echo.cpu):.2f} × by CPU time (target ≥ 0.5)")
    print(f"same     {n / same.seconds:7.1f} answers/s: a bare PTB bot given the same updates, making the same calls "
          f"({same.seconds / n * 1000:.2f} ms wall, {same.cpu / n * 1000:.2f} ms CPU an answer)")
    print(f"ceiling  {(n / same.cpu) / (args.echo / echo.cpu):7.2f} × the echo bot by CPU time: the same traffic with "
          f"no zhibu code, no database; zhibu + its database {(quiz.cpu - same.cpu) / n * 1000:.2f} ms CPU an answer")
    print(f"members  {quiz.members} (each answers the published bank at most once, as on one day)")
    print(f"per answer {quiz.updates / n:.2f} updates and {quiz.calls / n:.2f} Bot API calls "
          "(the echo bot: 1 and 1 per update)")
    if not args.push_members:
        return
    elapsed, peak, added = bench_push(args.push_members)
    print(f"push     {elapsed:7.2f} s for {added} push rows, peak {peak:.1f} MiB traced (target < 2 s)")


if __name__ == "__main__":
    main()
