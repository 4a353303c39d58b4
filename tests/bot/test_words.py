"""Every stored enum value a user can see has a word in both languages (issue 8: F22/F43/F56, #14)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from bot.fakeapi.session import OfflineSession
from bot.texts import LANGUAGES, Catalog
from bot.words import WORDS, kind_word, standing_word, word
from storage.models import DeliveryState, MeetingKind, MemberStatus, Standing
from tests.factories import SECRETARY_ID

CJK = re.compile(r"[\u3400-\u9fff]")
APPLICANT = 10002


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_enum_value_renders_as_a_word_in_both_languages(lang: str) -> None:
    texts = Catalog.load()
    for enum, group in WORDS.items():
        for value in enum:
            shown = word(texts, lang, value)
            assert shown.strip(), (group, value)
            if lang == "zh":
                assert CJK.search(shown), (group, value, shown)  # no English enum name in a Chinese chat
            else:
                assert not CJK.search(shown) and "_" not in shown, (group, value, shown)
    assert kind_word(texts, "en", MeetingKind.GENERAL) == "branch general meeting"
    assert kind_word(texts, lang, "一次旧会") == "一次旧会"  # an old row's free-form kind stays readable


def test_an_enum_without_a_catalog_group_is_refused() -> None:
    with pytest.raises(KeyError):
        word(Catalog.load(), "zh", DeliveryState.SENT)  # internal: never shown, so never given a word


def test_an_applicant_has_no_standing_yet() -> None:
    texts = Catalog.load()
    assert standing_word(texts, "zh", MemberStatus.PENDING, Standing.FULL) == "待审批"
    assert standing_word(texts, "zh", MemberStatus.WITHDRAWN, Standing.FULL) == "申请已撤回"
    assert standing_word(texts, "zh", MemberStatus.ACTIVE, Standing.PROBATIONARY) == "预备党员"
    assert standing_word(texts, "en", MemberStatus.LEFT, Standing.FULL) == "full member"


async def test_stats_and_the_ledger_show_an_applicant_as_pending_not_as_a_full_member(
        session: OfflineSession) -> None:
    """#14: /stats <id> of a pending applicant said 正式党员 (the column's default)."""
    session.api.add_user(SECRETARY_ID, "李", last_name="书记")
    await session.send(SECRETARY_ID, "/start")
    session.api.add_user(APPLICANT, "王五")
    request = next(r for r in await session.send(APPLICANT, "/start") if r.chat_id == SECRETARY_ID)
    member_id = request.plain.split("编号：")[1].split()[0]
    shown = (await session.send(SECRETARY_ID, f"/stats {member_id}"))[0].plain
    assert f"（编号 {member_id}，待审批）" in shown and "正式党员" not in shown, shown
    book = load_workbook(io.BytesIO((await session.send(SECRETARY_ID, "/export"))[0].file_bytes or b""))
    rows = {row[1]: row for row in book["党员名册"].iter_rows(min_row=2, values_only=True)}
    assert "王五" not in rows and rows["李 书记"][2] == "正式党员", rows  # an applicant is no 党员 (trial 3)
    await session.send(SECRETARY_ID, "/lang en")
    assert f"(id {member_id}, pending)" in (await session.send(SECRETARY_ID, f"/stats {member_id}"))[0].plain
