"""Trial T23: ``/stats 2027-01`` and ``/chart 2027-01`` in December were answered with an inverted period
("2027-01-01 至 2026-12-31") over last week's data, and a week's chart and a month's chart drawn the same
day had one file name.  Through the real Application over the offline Bot API, the clock driven here."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.fakeapi.session import OfflineSession
from tests.bot.test_stats import _branch_with_members, _svc
from tests.factories import SECRETARY_ID

EVENING = datetime(2026, 3, 31, 10, 5, tzinfo=UTC)  # Tuesday 2026-03-31 18:05 in Shanghai
APRIL_FIRST = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # 2026-04-01 00:00 in Shanghai, to the microsecond


async def test_a_month_that_has_not_begun_is_refused_in_words(session: OfflineSession) -> None:
    await _branch_with_members(session)
    _svc(session).clock.set(EVENING)  # type: ignore[attr-defined]
    for command in ("/stats 2026-04", "/chart 2026-04", "/export 2026-04", "/stats 2027-01"):
        sent = await session.send(SECRETARY_ID, command)
        assert len(sent) == 1 and sent[0].kind == "message", (command, sent)
        told = sent[0].plain
        assert "还没有开始" in told and "2026-03-31" in told and "至" not in told, (command, told)
    assert "2026-04" in (await session.send(SECRETARY_ID, "/chart 2026-04"))[0].plain
    await session.send(SECRETARY_ID, "/lang en")
    told = (await session.send(SECRETARY_ID, "/stats 2026-04"))[0].plain
    assert "2026-04 has not started yet" in told, told


async def test_the_running_month_ends_today_and_a_past_month_at_its_last_day(session: OfflineSession) -> None:
    await _branch_with_members(session)
    clock = _svc(session).clock
    clock.set(EVENING)  # type: ignore[attr-defined]
    assert "2026-03-01 至 2026-03-31" in (await session.send(SECRETARY_ID, "/stats 2026-03"))[0].plain
    assert "2026-02-01 至 2026-02-28" in (await session.send(SECRETARY_ID, "/stats 2026-02"))[0].plain
    assert "2026-03-30 至 2026-03-31" in (await session.send(SECRETARY_ID, "/stats 本周"))[0].plain
    clock.set(APRIL_FIRST)  # type: ignore[attr-defined]
    # the first instant of April: April has begun, and its heading is one day long, never inverted
    for command in ("/stats 2026-04", "/stats 本月"):
        told = (await session.send(SECRETARY_ID, command))[0].plain
        assert "2026-04-01 至 2026-04-01" in told, (command, told)
    caption = (await session.send(SECRETARY_ID, "/chart 2026-04"))[0]
    assert caption.kind == "photo" and "2026-04-01 至 2026-04-01" in caption.plain, caption.plain


async def test_chart_and_export_file_names_carry_the_period_in_the_readers_words(session: OfflineSession) -> None:
    await _branch_with_members(session)
    _svc(session).clock.set(EVENING)  # type: ignore[attr-defined]

    async def name(command: str) -> str:
        sent = (await session.send(SECRETARY_ID, command))[-1]
        assert sent.kind in ("photo", "document") and sent.file_name, (command, sent)
        return sent.file_name

    week, month = await name("/chart 本周"), await name("/chart 2026-03")
    assert week.endswith("-20260330-20260331.png") and week.startswith("图表-"), week
    assert month.endswith("-202603.png"), month
    assert (await name("/chart 2026-02")).endswith("-202602.png")
    for typed in ("全部", "all"):
        everything = await name(f"/export {typed}")
        assert everything.startswith("台账-") and everything.endswith("-全部-20260331.xlsx"), everything
        assert "all" not in everything, everything
    await session.send(SECRETARY_ID, "/lang en")
    assert (await name("/export all")).endswith("-all-20260331.xlsx")
    assert (await name("/chart 2026-03")).endswith("-202603.png")
