"""Cleaning and structuring: synthetic cases for each rule, and the rules checked on the five real files."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from content.clean import (
    PROMO_STRONG_CUES,
    is_byline,
    is_promo,
    is_sign_off,
    normalise_line,
)
from content.fragments import rejoin
from content.model import Document
from content.sentences import ends_sentence, split_sentences
from content.structure import parse_material, parse_source
from tests.content.conftest import all_text, doc_by_title

BYLINES = ("王轩禹", "陆思元", "朱慧燕", "朱唯 蔡湘", "杨润生")
ARTIFACTS = ("bookmark", "微信", "扫一扫", "版权", "客服", "编辑", "转发", "订阅", "借鉴使用", "点个")


# --- normalisation -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("近日,中共中央办公厅印发通知。", "近日，中共中央办公厅印发通知。"),
        ("各级党委(党组)主要负责同志", "各级党委（党组）主要负责同志"),
        ("同志们:", "同志们："),
        ("“深”,筑牢思想根基;查摆问题", "“深”，筑牢思想根基；查摆问题"),
        ("讲话(全文3623字)", "讲话（全文3623字）"),
        ("如果 3-5 年仍未有动静", "如果3-5年仍未有动静"),
        ("学习小组微信公众号 2026 年 2 月 28 日", "学习小组微信公众号2026年2月28日"),
        ("今年 1 月，在省部级", "今年1月，在省部级"),
        ("[bookmark: _GoBack]《通知》指出", "《通知》指出"),
        ("[bookmark: _Toc1898446566_WPSOffice_Level1]会议强调", "会议强调"),
        ("\u3000\u3000学习\u200b教育\ufeff ", "学习教育"),
        ("１２３ＡＢＣ年", "123ABC年"),
        ("1. 实干为民开新局", "1. 实干为民开新局"),  # list marker keeps its ASCII dot
        ("会议于12:30开始,共1,000人", "会议于12:30开始，共1,000人"),  # numbers keep ASCII
        ("version (2.0) released", "version (2.0) released"),  # latin text untouched
        ("《干在实处 走在前列》", "《干在实处 走在前列》"),  # a meaningful space between CJK stays
        ('推动"十五五"开好局', "推动“十五五”开好局"),
        ('say "hello" ok', 'say "hello" ok'),
    ],
)
def test_normalise_line(raw: str, clean: str) -> None:
    assert normalise_line(raw) == clean


def test_no_half_width_punctuation_next_to_chinese_survives_in_real_text(loaded) -> None:
    documents, _, _ = loaded
    pattern = re.compile(r"[\u4e00-\u9fff][,:;()!?]|[,:;()!?][\u4e00-\u9fff]")
    for document in documents:
        for block in document.blocks:
            assert not pattern.search(block.text), block.text
            assert "  " not in block.text and "\u3000" not in block.text


# --- sentences ---------------------------------------------------------------------------------------------
def test_split_sentences_keeps_quotes_and_ellipses_together() -> None:
    text = (
        "“坚持从实际出发、按规律办事。”近日，中共中央办公厅印发通知。"
        "明确“关乎立党为公、执政为民”……他说：“好。‘对。’”然后；结束"
    )
    assert split_sentences(text) == [
        "“坚持从实际出发、按规律办事。”",
        "近日，中共中央办公厅印发通知。",
        "明确“关乎立党为公、执政为民”……",
        "他说：“好。‘对。’”",
        "然后；",
        "结束",
    ]


def test_split_sentences_does_not_split_inside_quotes() -> None:
    text = "他指出，错误政绩观是“从个人出发。搞‘形象工程’，引起不满”。下一句。"
    assert split_sentences(text) == ["他指出，错误政绩观是“从个人出发。搞‘形象工程’，引起不满”。", "下一句。"]


def test_unbalanced_quotes_fall_back_to_plain_terminators() -> None:
    assert split_sentences("未闭合“引号。第二句。") == ["未闭合“引号。", "第二句。"]


def test_every_real_sentence_is_a_verbatim_substring_of_its_paragraph(loaded) -> None:
    documents, _, _ = loaded
    count = 0
    for document in documents:
        for block in document.paragraphs:
            sentences = split_sentences(block.text)
            assert "".join(sentences) == block.text  # nothing lost, nothing invented
            for sentence in sentences:
                assert sentence in block.text
                count += 1
    assert count > 200


# --- noise shapes ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", [*BYLINES, "欧阳修文", "张三 李四 王五"])
def test_bylines_are_recognised_by_shape(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize(
    "line",
    ["贵阳高新区", "提高站位 压实责任", "高新区", "总体要求", "深学细悟 凝心铸魂", "王明洲出席。", "会议主持：王明洲"],
)
def test_headings_and_sentences_are_not_bylines(line: str) -> None:
    assert not is_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        "微信扫一扫在手机阅读、分享本文",
        "版权声明",
        "作者原创，不允许二次传播，一经发现收回会员权益，追究法律责任。",
        "微信订阅号",
        "联系客服",
        "若您觉得内容有用，不妨点个+转发，后续还有更多干货分享~",
        "文秘之友编辑整理",
        "今日推送一篇学习教育动员部署会讲话全文，以供各位笔杆子借鉴使用。",
        "欢迎关注 转发 收藏",
        "关注公众号 分享给朋友",
    ],
)
def test_web_promo_lines_are_recognised(line: str) -> None:
    assert is_promo(line)


@pytest.mark.parametrize(
    "line",
    [
        "要把群众关注的问题放在心上，及时转发上级通知，确保学习教育取得实效。",
        "要注重分享经验做法。",
        "关注民生，转发文件。",
    ],
)
def test_ordinary_sentences_with_weak_cue_words_are_not_promo(line: str) -> None:
    assert not is_promo(line)


@pytest.mark.parametrize("line", ["（责任编辑：李明）", "记者 王轩禹", "文/王轩禹", "作者：张三", "审核｜李四"])
def test_editor_sign_offs_are_recognised(line: str) -> None:
    assert is_sign_off(line)


@pytest.mark.parametrize("line", ["文明实践活动", "记者节到了，大家很高兴。", "编辑部门要做好宣传引导。"])
def test_sentences_starting_with_sign_off_words_are_not_sign_offs(line: str) -> None:
    assert not is_sign_off(line)


# --- source lines ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("来源：人民日报", ("人民日报", None)),
        ("来源：上海基层党建微信公众号2026年2月28日", ("上海基层党建微信公众号", date(2026, 2, 28))),
        (normalise_line("来源：学习小组微信公众号 2026 年 2 月 28 日"), ("学习小组微信公众号", date(2026, 2, 28))),
        ("来源：新华社 2026-03-01", ("新华社", date(2026, 3, 1))),
        ("会议主持：王明洲", None),
    ],
)
def test_parse_source(line: str, expected) -> None:
    assert parse_source(line) == expected


# --- the real files: documents, titles, sources, dates -----------------------------------------------------
def test_000_is_an_agenda_followed_by_three_articles(parsed) -> None:
    documents, problems = parsed["000"]
    assert problems == []
    summary = [(d.title, d.source, d.published, len(d.blocks)) for d in documents]
    assert summary[0] == ("直属城市发展研究中心党支部党员大会议程", None, date(2026, 3, 25), 0)
    assert summary[1][:3] == (
        "实干为民开新局——党中央部署启动树立和践行正确政绩观学习教育",
        "上海基层党建微信公众号",
        date(2026, 2, 28),
    )
    assert summary[2][:3] == ("“五重五轻”，习近平曾这样给错误政绩观“画像”", "学习小组微信公众号", date(2026, 2, 28))
    # The stray space of "部署 树立" is gone: the title is taken from the agenda's own list.
    assert summary[3][:3] == (
        "学校召开党的建设和全面从严治党工作领导小组（扩大）会议，部署树立和践行正确政绩观学习教育工作",
        None,
        None,
    )
    for document in documents[1:]:
        text = all_text(document)
        assert "来源" not in text and "会议主持" not in text and "学习材料" not in text


def test_source_under_the_title_is_read_before_the_body(parsed) -> None:
    [notice], _ = parsed["001"]
    assert notice.title == "中共中央办公厅印发《关于在全党开展树立和践行正确政绩观学习教育的通知》"
    assert notice.source == "树立和践行正确政绩观学习教育资料汇编"
    assert notice.blocks[0].text.startswith("《通知》指出，经党中央同意")  # bookmark removed, text kept
    [daily], _ = parsed["002"]
    assert daily.title == "各地区各部门各单位认真部署谋划、精心组织实施——确保学习教育取得实效（树立和践行正确政绩观）"
    assert daily.source == "人民日报"


def test_titles_lose_series_numbers_word_counts_and_the_preface(parsed) -> None:
    [zones], _ = parsed["003"]
    assert zones.title == "国家高新区深入开展树立和践行正确政绩观学习教育"
    [speech], _ = parsed["004"]
    assert speech.title == "在开展树立和践行正确政绩观学习教育动员部署会上的讲话"
    assert speech.blocks[0].text == "同志们："  # the editor's preface and the repeated title are gone
    assert speech.blocks[-1].text.endswith("作出新的更大贡献！")  # the web footer is gone


# --- headings and markers ----------------------------------------------------------------------------------
def _headings(document: Document) -> list[tuple[int, str | None, str]]:
    return [(b.level, b.marker, b.text) for b in document.blocks if b.kind == "heading"]


def test_headings_of_each_shape(parsed) -> None:
    assert [h[2] for h in _headings(parsed["002"][0][0])] == [
        "提高站位 压实责任",
        "深学细悟 凝心铸魂",
        "求真务实 真抓实干",
    ]
    assert [h[2] for h in _headings(parsed["003"][0][0])] == [
        "以正确政绩观推动“十五五”开好局起好步",
        "贵阳高新区",
        "无锡高新区",
        "清远高新区",
        "景德镇高新区",
        "龙岩高新区",
    ]
    speech = _headings(parsed["004"][0][0])
    assert [(level, marker) for level, marker, _ in speech] == [(1, "一、"), (1, "二、"), (1, "三、"), (1, "四、")]
    article = parsed["000"][0][1]
    assert [h[2][:4] for h in _headings(article)] == ["领航定向", "以上率下", "奋楫争先"]


def test_enumerated_paragraphs_keep_their_markers(parsed) -> None:
    five = doc_by_title(parsed["000"][0], "五重五轻")
    items = [(b.kind, b.level, b.marker, b.text[:6]) for b in five.blocks if b.marker]
    assert items == [
        ("paragraph", 3, "一是", "一是重始轻终"),
        ("paragraph", 3, "二是", "二是重短轻长"),
        ("paragraph", 3, "三是", "三是重显轻隐"),
        ("paragraph", 3, "四是", "四是重易轻难"),
        ("paragraph", 3, "五是", "五是重局部轻"),
    ]
    speech = parsed["004"][0][0]
    four, three = ["一是", "二是", "三是", "四是"], ["一是", "二是", "三是"]
    assert [b.marker for b in speech.paragraphs if b.marker] == four + three + four


# --- artifacts ---------------------------------------------------------------------------------------------
def test_no_artifacts_or_bylines_reach_any_block(loaded) -> None:
    documents, _, _ = loaded
    for document in documents:
        for block in document.blocks:
            assert not any(cue in block.text for cue in ARTIFACTS), block.text
            assert not any(cue in block.text for cue in PROMO_STRONG_CUES), block.text
            assert block.text not in BYLINES
            assert not is_byline(block.text)


# --- broken paragraphs -------------------------------------------------------------------------------------
def test_words_broken_across_lines_are_rejoined(parsed) -> None:
    documents, _ = parsed["000"]
    text = "\n".join(all_text(d) for d in documents)
    assert "紧盯就业、教育、医疗、养老、住房等群众急难愁盼问题" in text
    assert "在一个地方、一个位置上工作了几年就想着晋升，如果3-5年仍未有动静" in text


def test_003_out_of_order_paragraphs_are_rejoined_and_put_back_under_their_section(parsed) -> None:
    [zones], problems = parsed["003"]
    sections: dict[str, list[str]] = {}
    current = ""
    for block in zones.blocks:
        if block.kind == "heading":
            current = block.text
            sections[current] = []
        else:
            sections[current].append(block.text)
    assert sections["贵阳高新区"][-1].startswith("会议强调，要确保学习教育走深走实")
    assert "无锡高新区要把开展学习教育当作当前一项重大政治任务，压实工作责任" in sections["无锡高新区"][-1]
    assert len(sections["清远高新区"]) == 2 and sections["清远高新区"][1].startswith("会议要求，要锚定目标")
    assert "对照问题清单和群众反映，把问题找准找实" in sections["景德镇高新区"][1]
    assert sections["景德镇高新区"][2].startswith("会议强调，要压实责任、强化统筹。景德镇高新区党工委负总责")
    assert "以正确政绩观引领高新区高质量发展" in sections["龙岩高新区"][1]
    assert "更做为高新区长远发展打基础的“潜绩”，让政绩经得起实践" in sections["龙岩高新区"][2]
    assert sections["龙岩高新区"][3].startswith("要压实责任、务求实效。")
    # The Qingyuan sentence lost its middle ("“十…质量发展。"): both pieces are dropped and reported.
    assert "助力清远高新区" not in all_text(zones) and "质量发展。" not in [b.text for b in zones.blocks]
    assert [p.message.split("：")[0][:12] for p in problems] == ["dropped an u", "dropped a st"]


def test_no_real_paragraph_is_left_unfinished(loaded) -> None:
    documents, _, _ = loaded
    for document in documents:
        for block in document.paragraphs:
            assert ends_sentence(block.text) or block.text.endswith(("：", "——")), block.text


def test_rejoin_adjacent_halves_of_a_word() -> None:
    texts, repairs = rejoin(
        ["引导党员干部紧盯就业、教育、医", "疗、养老、住房等问题。", "认识上再深化、重点上再聚焦。"]
    )
    assert texts == ["引导党员干部紧盯就业、教育、医疗、养老、住房等问题。", None, "认识上再深化、重点上再聚焦。"]
    assert [r.kind for r in repairs] == ["joined"]


def test_rejoin_prefers_dictionary_evidence_over_distance() -> None:
    texts, _ = rejoin(
        [
            "要深查细照，对照问题清",
            "要聚焦核心。既做看得见的“显绩”，",
            "单和群众反映，建立整改台账。",
            "会议强调，要压实责任、",
            "让政绩经得起实践的检验。",
            "强化统筹。各级党委负总责。",
        ]
    )
    assert texts == [
        "要深查细照，对照问题清单和群众反映，建立整改台账。",
        "要聚焦核心。既做看得见的“显绩”，让政绩经得起实践的检验。",
        None,
        "会议强调，要压实责任、强化统筹。各级党委负总责。",
        None,
        None,
    ]


def test_rejoin_drops_what_cannot_be_completed() -> None:
    texts, repairs = rejoin(["第一句完整。助力高新区“十", "3月6日，景德镇高新区召开会议。", "质量发展。"])
    assert texts == ["第一句完整。", "3月6日，景德镇高新区召开会议。", None]
    assert [r.kind for r in repairs] == ["dropped-unfinished", "dropped-stray"]


def test_short_sentences_survive_when_nothing_is_broken() -> None:
    texts, repairs = rejoin(["同志们：", "今天开会。", "谢谢大家！"])
    assert texts == ["同志们：", "今天开会。", "谢谢大家！"] and repairs == []


# --- synthetic documents -----------------------------------------------------------------------------------
def test_several_articles_with_sources_after_the_body() -> None:
    lines = [
        "第一篇文章标题",
        "第一篇的正文第一段，讲学习教育的意义。",
        "第一篇的正文第二段，讲具体安排。",
        "来源：人民日报 2026年3月2日",
        "",
        "第二篇文章标题",
        "第二篇正文，讲支部怎样落实。",
        "来源：新华社",
    ]
    documents, problems = parse_material("x.txt", lines)
    assert problems == []
    assert [(d.doc_id, d.title, d.source, d.published, len(d.blocks)) for d in documents] == [
        ("x#0", "第一篇文章标题", "人民日报", date(2026, 3, 2), 2),
        ("x#1", "第二篇文章标题", "新华社", None, 1),
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ["学习要点", "2026-04-01", "本支部组织党员集中学习通知精神，交流体会。"],
        ["2026-04-01", "学习要点", "本支部组织党员集中学习通知精神，交流体会。"],
        ["学习要点", "2026/4/1", "本支部组织党员集中学习通知精神，交流体会。"],
        ["学习要点", "发布时间：2026年4月1日", "本支部组织党员集中学习通知精神，交流体会。"],
    ],
)
def test_a_date_line_above_or_under_the_title_is_the_document_s_date(lines: list[str]) -> None:
    [document], problems = parse_material("x.txt", lines)
    assert problems == []
    assert (document.title, document.published) == ("学习要点", date(2026, 4, 1))
    assert [b.text for b in document.blocks] == ["本支部组织党员集中学习通知精神，交流体会。"]


def test_a_bare_date_further_down_is_not_a_paragraph() -> None:
    [document], _ = parse_material("x.txt", ["学习要点", "第一段，讲学习。", "2026-04-02", "第二段，讲落实。"])
    assert [b.text for b in document.blocks] == ["第一段，讲学习。", "第二段，讲落实。"]


def test_clean_does_not_import_structure() -> None:
    """The import cycle clean ↔ structure is gone: clean is the lower layer."""
    code = "import sys, content.clean; assert 'content.structure' not in sys.modules, 'cycle'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_the_preface_and_promo_text_are_kept_as_notes_not_text(parsed) -> None:
    """004's preface says what the text is ("以供各位笔杆子借鉴使用"): not study text, but evidence for its tier."""
    [speech], _ = parsed["004"]
    assert any("笔杆子" in note for note in speech.notes)
    assert all("笔杆子" not in b.text and "扫一扫" not in b.text for b in speech.blocks)
    assert any("扫一扫" in note for note in speech.notes)


def test_exact_repeated_paragraph_inside_a_document_is_dropped() -> None:
    paragraph = "要压实责任、务求实效，把开展学习教育同中心工作结合起来。"
    [document], _ = parse_material("x.txt", ["标题", paragraph, "中间一段，讲别的事情。", paragraph])
    assert [b.text for b in document.blocks] == [paragraph, "中间一段，讲别的事情。"]


def test_editor_sign_offs_and_promo_sentences_go() -> None:
    lines = [
        "标题",
        "正文第一段，讲学习。今日推送一篇讲话全文，以供借鉴使用。",
        "（责任编辑：李明）",
        "王小明",
        "正文第二段，讲落实。",
        "—— END ——",
    ]
    [document], _ = parse_material("x.txt", lines)
    assert [b.text for b in document.blocks] == ["正文第一段，讲学习。", "正文第二段，讲落实。"]


def test_file_with_no_chinese_paragraphs_is_a_problem() -> None:
    documents, problems = parse_material("junk.txt", ["", "\x07\x08", "hello world", "12345"])
    assert documents == [] and len(problems) == 1
