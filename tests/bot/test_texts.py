"""The catalog speaks for every coded reason ``content`` can give, in both languages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.texts import LOCALE_DIR, Catalog, CatalogError, _fields, book_title, reason_text
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


def test_english_counts_agree_with_their_nouns() -> None:
    """T5/T14: "1 questions", "streak 1 days", "member(s)" in the English catalog."""
    texts = Catalog.load()
    assert texts.plain("quiz.started", "en", total=1) == "Quiz started: 1 question."
    assert texts.plain("quiz.started", "en", total=5) == "Quiz started: 5 questions."
    figures = {"read": 1, "total": 9, "answered": 0, "correct": 0, "accuracy": "—", "due": 0, "wrong": 0,
               "meetings": 0}
    assert "1 day in a row" in texts.t("study.me", "en", days=1, quiz_days=1, streak=1, **figures)
    assert "0 days in a row" in texts.t("study.me", "en", days=0, quiz_days=0, streak=0, **figures)
    assert texts.plain("quiz.nudge_due", "en", due=1).startswith("1 question is due for review today. Two minutes "
                                                                  "to keep it fresh?")
    assert texts.t("stats.warn_header", "en", count=2, months=1).endswith("2</b> members have not attended a meeting "
                                                                          "for 1 month or more:")
    nouns = re.compile(r"\{(\w+)\} (?:\w+ )?(questions|options|members|days|answers|meetings|months|parts|minutes)\b")
    for key, template in texts.texts["en"].items():
        assert "(s)" not in template, key
        for match in nouns.finditer(template):  # a count followed by a plural noun must choose its form
            assert f"{{{match[1]}|" in template[match.end(1):match.end(1) + 3 + len(match[1])], (key, match[0])


def _first_plain_text(node: dict[str, Any], prefix: str = "") -> tuple[str, dict[str, Any], str]:
    """A text without placeholders in a parsed catalog file: its key, the mapping holding it, its leaf name."""
    for name, value in node.items():
        if isinstance(value, str) and not _fields(value):
            return f"{prefix}{name}", node, name
        if isinstance(value, dict):
            return _first_plain_text(value, f"{prefix}{name}.")
    raise AssertionError("no text without placeholders")


def test_a_catalog_file_changed_since_the_last_load_is_read_again(tmp_path: Path) -> None:
    """Start-up keeps each parsed YAML file while it is unchanged (bot/texts.py); a translator's edit made
    between two starts of one process is what the second start shows, and a broken edit still fails."""
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    core = tmp_path / "locale" / "en" / "core.yaml"
    first = Catalog.load(tmp_path / "locale")
    assert Catalog.load(tmp_path / "locale").texts == first.texts  # unchanged: the same texts
    data = yaml.safe_load(core.read_text(encoding="utf-8"))
    key, holder, leaf = _first_plain_text(data)
    assert first.t(key, "en") != "edited between two starts"
    holder[leaf] = "edited between two starts"
    core.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert Catalog.load(tmp_path / "locale").t(key, "en") == "edited between two starts"
    holder[leaf] = "edited {with_a_placeholder}"
    core.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError, match="placeholders differ"):
        Catalog.load(tmp_path / "locale")
