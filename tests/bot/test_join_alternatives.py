"""A list of alternatives reads "A, B or C" in English (review R12): "Choose one of: 党员大会, … and 其他" asked
for all of them.  A list of names still ends in "and"; Chinese joins choices with 或."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import meeting_form as form
from bot.texts import Alternatives, Catalog


def test_alternatives_are_joined_with_or_names_with_and() -> None:
    texts = Catalog.load()
    assert texts.join(["A", "B", "C"], "en", alternatives=True) == "A, B or C"
    assert texts.join(["A", "B", "C"], "en") == "A, B and C"
    assert texts.join(["甲", "乙", "丙"], "zh", alternatives=True) == "甲、乙或丙"
    assert texts.plain("mtg.form.bad_kind", "en", kind="x", kinds=Alternatives(("A", "B"))).endswith("A or B.")


def test_an_unknown_meeting_kind_lists_the_kinds_as_choices() -> None:
    texts = Catalog.load()
    with pytest.raises(form.FormError) as caught:
        form.parse_line("座谈会 | 2026-04-15 14:30 | 三楼 | 主题", ZoneInfo("Asia/Shanghai"),
                        datetime(2026, 4, 1, tzinfo=UTC))
    said = texts.t(f"mtg.form.{caught.value.code}", "en", **caught.value.params)
    assert " or " in said and " and " not in said, said

