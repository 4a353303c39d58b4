"""Lists in meeting texts read as the reader's language writes them (user trial, meetfix2 point 3).

Before: the card's materials were glued with a hard-coded "、" and set in 《》 for an English reader too, the
roster's names used a catalog glyph of its own, and a store error listed party groups with "、" whatever the
reader's language.  Now ``Catalog.join`` is the one place: 、 in Chinese, ", " and "and" in English, and a
list handed to ``t`` / ``plain`` as a parameter is joined there."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.meeting_view import card
from bot.texts import Catalog
from storage.models import Meeting

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def texts() -> Catalog:
    return Catalog.load()


def _meeting(materials: list[str]) -> Meeting:
    return Meeting(id=7, branch_id=1, key="k", kind="党员大会", topic="学习", place="三楼",
                   starts_at=datetime(2026, 4, 15, 6, 30, tzinfo=UTC), ends_at=datetime(2026, 4, 15, 8, tzinfo=UTC),
                   materials=materials, created_at=datetime(2026, 3, 1, tzinfo=UTC))


@pytest.mark.parametrize(("items", "zh", "en"), [
    ([], "", ""),
    (["张三"], "张三", "张三"),
    (["张三", "李四"], "张三、李四", "张三 and 李四"),
    (["张三", "李四", "王五"], "张三、李四、王五", "张三, 李四 and 王五"),
])
def test_the_catalog_joins_a_list_as_each_language_does(texts: Catalog, items: list[str], zh: str, en: str) -> None:
    assert texts.join(items, "zh") == zh
    assert texts.join(items, "en") == en


def test_a_cards_materials_are_quoted_and_joined_in_the_readers_language(texts: Catalog) -> None:
    meeting = _meeting(["实干为民开新局", "“五重五轻”画像", "工作安排"])
    en = card(texts, "en", meeting, TZ)
    assert "Study materials: “实干为民开新局”, “‘五重五轻’画像” and “工作安排”" in en
    assert "《" not in en and "、" not in en
    zh = card(texts, "zh", meeting, TZ)
    assert "学习材料：《实干为民开新局》、《“五重五轻”画像》、《工作安排》" in zh


def test_a_list_parameter_is_joined_for_the_reader_and_escaped(texts: Catalog) -> None:
    groups = ["一组", "<二组>"]
    en = texts.t("error.party_group_unknown", "en", name="x", groups=groups)
    assert "一组 and &lt;二组&gt;" in en and "、" not in en
    assert "一组、&lt;二组&gt;" in texts.t("error.party_group_unknown", "zh", name="x", groups=groups)
    assert texts.plain("error.party_group_unknown", "en", name="x", groups=groups).count("<二组>") == 1


def test_no_meeting_text_glues_a_list_by_hand() -> None:
    """The fix is the helper used everywhere: no meeting module joins with a literal separator again."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    modules = [*root.glob("bot/meeting*.py"), root / "bot/handlers/meetings.py",
               root / "bot/handlers/meeting_create.py", root / "bot/handlers/checkin.py",
               root / "storage/meeting_checks.py", root / "storage/roster.py"]
    glued = [f"{m.name}: {line.strip()}" for m in modules for line in m.read_text("utf-8").splitlines()
             if '"、".join' in line or '", ".join' in line or "glyph.sep" in line]
    assert glued == []
