"""The catalog speaks for every coded reason ``content`` can give, in both languages."""

from __future__ import annotations

import re

from bot.texts import Catalog, book_title, reason_text
from content.export import SHEET_ENGLISH, SheetError
from content.reasons import ENGLISH, reason


def test_every_reason_code_has_a_text_in_both_languages() -> None:
    texts = Catalog.load()
    for code in ENGLISH:
        assert texts.has(f"verify.{code}"), code
    for code in SHEET_ENGLISH:
        assert texts.has(f"sheet.{code}"), code


def test_reasons_render_in_chinese_without_english_words() -> None:
    texts = Catalog.load()
    rendered = [
        reason_text(texts, "zh", reason("answer_not_in_evidence", answer="2月25日")),
        reason_text(texts, "zh", reason("stop_before_semicolon", field="explanation")),
        reason_text(texts, "zh", SheetError(4, "multiple_two_letters"), "sheet"),
    ]
    assert rendered[0] == "答案“2月25日”在出处原句中找不到"
    assert "解析" in rendered[1]
    for line in rendered:
        assert not re.search(r"[A-Za-z]{3,}", line), line


def test_nested_book_titles() -> None:
    assert book_title("中共中央办公厅印发《关于…的通知》") == "中共中央办公厅印发〈关于…的通知〉"
