"""Small wording and naming defects from the user trial of the merged build (T13, T16, T20, T21), each
through the real Application over the offline Bot API."""

from __future__ import annotations

import pytest

from bot.fakeapi.session import OfflineSession
from tests.bot.test_meetings import WANG, ZHANG, join
from tests.factories import SECRETARY_ID


@pytest.mark.parametrize(("lang", "wanted"), [("zh", "/push off"), ("en", "/push off")])
async def test_push_usage_names_off_and_on_as_every_other_message_does(
        session: OfflineSession, lang: str, wanted: str) -> None:
    """T13: "/push maybe" answered "/push 关 … /push 开" while every other message says /push off."""
    await join(session)
    if lang == "en":
        await session.send(ZHANG, "/lang en")
    told = (await session.send(ZHANG, "/push maybe"))[0].plain
    assert wanted in told and "/push on" in told, told
    if lang == "zh":  # the Chinese words are accepted, so the hint may name them, but after off/on
        assert told.index("/push off") < told.index("/push 关"), told


@pytest.mark.parametrize(("period", "stamp"), [("2026-03", "202603"), ("2026-02", "202602")])
async def test_export_file_names_carry_the_period_not_the_day(session: OfflineSession, period: str,
                                                              stamp: str) -> None:
    """T16: March and April exported the same day had the same name, and one overwrote the other."""
    await join(session)
    sent = (await session.send(SECRETARY_ID, f"/export {period}"))[-1]
    assert sent.kind == "document" and sent.file_name is not None
    assert sent.file_name.endswith(f"-{stamp}.xlsx"), sent.file_name
    other = (await session.send(SECRETARY_ID, "/export 2026-01"))[-1]  # the same day, another month
    assert other.file_name is not None and other.file_name.endswith("-202601.xlsx"), other.file_name


async def test_english_cards_open_with_a_capital_and_calendar_files_have_no_spaces(
        session: OfflineSession) -> None:
    """T20: "party lecture (#1)" opened the English card, and the .ics was "meeting-theme party day-….ics"."""
    await join(session)
    await session.send(SECRETARY_ID, "/newmeeting 主题党日 | 2026-04-20 14:30 | 三楼会议室 | 清明祭扫")
    await session.send(WANG, "/lang en")
    card = (await session.send(WANG, "/meeting 1"))[0].plain
    first = card.splitlines()[0]
    assert first[:1].isupper() and "(#1)" in first, first
    sent = await session.press(WANG, 3)  # 📅 calendar
    name = sent[-1].file_name or ""
    assert sent[-1].kind == "document" and name.endswith(".ics") and " " not in name, name
    assert name.startswith("meeting-theme-party-day"), name
    zh = (await session.send(ZHANG, "/meeting 1"))[0].plain
    assert zh.splitlines()[0].startswith("主题党日"), zh


@pytest.mark.parametrize(("typed", "zh", "en"), [
    ("2026-02-30 10:00", "2026 年 2 月没有 30 日（这个月只有 28 天）", "Month 2 of 2026 has no day 30"),
    ("2026-13-01 10:00", "没有 13 月", "no month 13"),
    ("2026-04-15 25:00", "25:00 不是一天中的时刻", "25:00 in"),
])
async def test_an_impossible_date_is_called_impossible_not_unreadable(
        session: OfflineSession, typed: str, zh: str, en: str) -> None:
    """T21: "/newmeeting 党员大会 | 2026-02-30 10:00 | …" was answered "看不懂时间" — the format was right."""
    await join(session)
    told = (await session.send(SECRETARY_ID, f"/newmeeting 党员大会 | {typed} | 会议室 | 测试"))[0].plain
    assert zh in told and "看不懂" not in told, told
    await session.send(SECRETARY_ID, "/lang en")
    told = (await session.send(SECRETARY_ID, f"/newmeeting 党员大会 | {typed} | 会议室 | 测试"))[0].plain
    assert en in told and "Cannot read" not in told, told
    still = (await session.send(SECRETARY_ID, "/newmeeting 党员大会 | 2026-02-3x 10:00 | 会议室 | 测试"))[0].plain
    assert "Cannot read" in still, still
