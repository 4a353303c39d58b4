"""De-duplication: the most authoritative copy stays; thresholds measured on the real materials, plus small
synthetic cases."""

from __future__ import annotations

from dataclasses import replace

from content.authority import Tier
from content.dedup import (
    PARAGRAPH_CONTAINMENT,
    containment,
    deduplicate,
    leans_on_lead,
    meeting_event,
    remove_duplicates,
    shingles,
)
from content.model import Block, Document
from tests.content.conftest import all_text, doc_by_title


def _doc(doc_id: str, *paragraphs: str, headings: dict[int, str] | None = None) -> Document:
    blocks: list[Block] = []
    for i, text in enumerate(paragraphs):
        if headings and i in headings:
            blocks.append(Block("heading", headings[i], len(blocks), level=1))
        blocks.append(Block("paragraph", text, len(blocks)))
    return Document(doc_id, f"{doc_id}.txt", doc_id, tuple(blocks))


NOTICE = (
    "在全党开展树立和践行正确政绩观学习教育，是贯彻落实党的二十届四中全会战略部署、确保基本实现社会主义现代化"
    "取得决定性进展的必然要求，对于推进党和国家事业意义重大。"
)


# --- synthetic ---------------------------------------------------------------------------------------------
def test_near_duplicate_across_documents_keeps_the_first() -> None:
    first = _doc("a", NOTICE, "甲文件自己的第二段，讲支部如何组织学习，安排集中研讨和个人自学。")
    # Same passage with different punctuation and spacing.
    second = _doc(
        "b", NOTICE.replace("，", ",").replace("、", " "), "乙文件自己的内容，讲另一个单位的部署安排和工作要求。"
    )
    out = remove_duplicates([first, second])
    assert [b.text for b in out[0].blocks] == [b.text for b in first.blocks]
    assert [b.text for b in out[1].blocks] == ["乙文件自己的内容，讲另一个单位的部署安排和工作要求。"]
    assert [b.index for b in out[1].blocks] == [0]


def test_exact_repeat_inside_one_document_goes() -> None:
    short = "提出“坚持从实际出发、按规律办事”；"
    out = remove_duplicates([_doc("a", short, "中间一段。", short)])
    assert [b.text for b in out[0].blocks] == [short, "中间一段。"]


def test_short_near_repeats_are_kept() -> None:
    """A short quote may recur in a list; only exact repeats of short paragraphs go."""
    quote = "“坚持从实际出发、按规律办事，自觉为人民出政绩、以实干出政绩。”"
    listed = "提出“坚持从实际出发、按规律办事，自觉为人民出政绩、以实干出政绩”；"
    out = remove_duplicates([_doc("a", quote, listed)])
    assert [b.text for b in out[0].blocks] == [quote, listed]


def test_mostly_repeated_paragraph_keeps_only_its_new_sentences() -> None:
    new = "各支部迅速行动，结合本单位实际制定学习计划，明确时间表、路线图和责任人，确保学习教育有序开展。"
    out = remove_duplicates([_doc("a", NOTICE), _doc("b", NOTICE + new)])
    assert [b.text for b in out[1].blocks] == [new]


def test_a_few_repeated_sentences_in_a_long_new_paragraph_stay() -> None:
    new = (
        "会后，各支部迅速行动，结合实际制定学习计划，明确时间表和责任人，确保学习教育有序开展。"
        "各支部书记带头讲党课，组织党员围绕正确政绩观开展研讨，查找自身差距和不足，形成问题清单。"
    )
    out = remove_duplicates([_doc("a", NOTICE), _doc("b", NOTICE + new)])
    assert [b.text for b in out[1].blocks] == [NOTICE + new]


def test_heading_left_without_paragraphs_goes() -> None:
    second = _doc(
        "b",
        NOTICE,
        "自己的内容，讲另一个单位的部署安排和工作要求，还有具体措施。",
        headings={0: "一、重复", 1: "二、新的"},
    )
    out = remove_duplicates([_doc("a", NOTICE), second])
    assert [(b.kind, b.text[:4]) for b in out[1].blocks] == [("heading", "二、新的"), ("paragraph", "自己的内")]


def test_shingles_ignore_punctuation_and_spacing() -> None:
    assert shingles("学习，教育 工作。") == shingles("学习教育工作")
    assert containment("学习教育工作", shingles("开展学习教育工作")) == 1.0


def test_the_most_authoritative_copy_stays_wherever_it_was_loaded() -> None:
    """A commentary loaded first quotes the Notice; the Notice keeps the passage, the commentary loses it."""
    commentary = Document(
        "a#0",
        "000_a.txt",
        "学习心得",
        (Block("paragraph", NOTICE, 0), Block("paragraph", "我们支部结合实际，组织党员逐段学习、交流体会。", 1)),
        source="学习小组微信公众号",
    )
    notice = Document(
        "b#0",
        "001_b.txt",
        "中共中央办公厅印发《关于开展学习教育的通知》",
        (Block("paragraph", "《通知》指出，" + NOTICE, 0),),
    )
    out, report = deduplicate([commentary, notice])
    assert [b.text for b in out[1].blocks] == ["《通知》指出，" + NOTICE]
    assert [b.text for b in out[0].blocks] == ["我们支部结合实际，组织党员逐段学习、交流体会。"]
    assert report.removed == [("a#0", NOTICE)]
    assert report.authority["a#0"].blocks == (Tier.COMMENTARY,)  # re-indexed to what is left


def test_a_repeated_lead_stays_when_what_follows_leans_on_it() -> None:
    """The lead "…召开会议" was read elsewhere; "…主持会议并讲话" after it is new and needs it."""
    lead = "中央党的建设工作领导小组2月24日召开会议，学习贯彻习近平总书记重要讲话和重要指示精神，研究部署学习教育工作。"
    chair = "中共中央政治局常委、中央党的建设工作领导小组组长主持会议并讲话，副组长出席会议并讲话。"
    out = remove_duplicates([_doc("a", lead), _doc("b", lead + chair)])
    assert [b.text for b in out[1].blocks] == [lead + chair]
    assert not any(b.text.startswith("中共中央政治局常委") for d in out for b in d.blocks)
    # a paragraph that leans on a removed paragraph brings it back as context
    follow = "会议强调，各级党组织要把开展学习教育作为重要政治任务，主要负责同志要履行第一责任人责任，确保取得实效。"
    out, report = deduplicate([_doc("a", lead), _doc("b", lead, follow)])
    assert [b.text for b in out[1].blocks] == [lead, follow]
    assert report.restored == [("b", lead)]
    # where the section already has its own lead, the repeat goes
    own = "3月2日，县委召开常委会会议，传达学习中央党的建设工作领导小组会议精神，研究本县贯彻落实工作。"
    central = replace(_doc("a", lead), title="中央党的建设工作领导小组会议精神")
    out, _ = deduplicate([central, _doc("b", own, lead, follow)])
    assert [b.text for b in out[1].blocks] == [own, follow]


def test_a_meeting_reported_again_in_other_words_is_read_once() -> None:
    """001 says "中央党的建设工作领导小组2月24日召开会议", 000 "2月24日，春节假期后首个工作日，中央党的建设工作
    领导小组召开会议": 0.77 of shared wording, below the paragraph threshold, but the same event."""
    lead = "中央党的建设工作领导小组2月24日召开会议，学习贯彻习近平总书记重要讲话和重要指示精神，研究部署学习教育工作。"
    again = (
        "2月24日，春节假期后首个工作日，中央党的建设工作领导小组召开会议，学习贯彻习近平总书记重要讲话和重要指示精神。"
    )
    other = "3月3日，无锡高新区召开党的建设工作领导小组会议，学习贯彻习近平总书记重要讲话和重要指示精神，部署启动工作。"
    assert containment(again, shingles(lead)) < PARAGRAPH_CONTAINMENT
    assert meeting_event(lead) == meeting_event(again) == ("2月24日", "中央党的建设工作领导小组")
    out, report = deduplicate([_doc("a", lead), _doc("b", again, other)])
    assert [b.text for b in out[1].blocks] == [other]
    assert report.removed == [("b", again)]


def test_leans_on_lead() -> None:
    for sentence in (
        "会议强调，要压实责任。",
        "蔡奇主持会议并讲话。",
        "此外，还要加强督导。",
        "其中，党员大会每季度召开一次。",
    ):
        assert leans_on_lead(sentence), sentence
    for sentence in (
        "3月3日，无锡高新区召开会议。",
        "《通知》要求，各级党委要精心组织实施。",
        "学习教育以领导干部为重点。",
    ):
        assert not leans_on_lead(sentence), sentence


# --- the real materials ------------------------------------------------------------------------------------
def test_what_was_removed_from_the_real_materials(loaded) -> None:
    documents, _, report = loaded
    assert (report.paragraphs_exact, report.paragraphs_near, report.sentences, report.headings) == (0, 10, 3, 0)
    assert report.restored == []
    removed_from = sorted(doc_id[:3] for doc_id, _ in report.removed)
    assert removed_from == ["000"] * 4 + ["002"] * 7 + ["003"]
    assert not any(doc_id.startswith("001") for doc_id, _ in report.removed)  # the Notice loses nothing
    notice = doc_by_title(documents, "中共中央办公厅印发")
    daily = doc_by_title(documents, "各地区各部门各单位")
    # 002 opens with the central meeting's words, read in 001: gone.
    assert not daily.blocks[0].text.startswith("在全党开展树立和践行正确政绩观学习教育，是贯彻落实")
    assert daily.blocks[0].text.startswith("为推动学习教育扎实开展")
    # The Notice keeps its own opening paragraph although 000 (loaded first) quotes it.
    assert notice.blocks[0].text.startswith("《通知》指出，经党中央同意")
    assert "《通知》要求，各级党委（党组）要把开展学习教育作为重要政治任务" in all_text(notice)
    # The central meeting's paragraph keeps its lead: no paragraph opens with who chaired it.
    assert not any(b.text.startswith("中共中央政治局常委") for d in documents for b in d.blocks)
    meeting = next(b.text for b in notice.blocks if "主持会议" in b.text)
    assert meeting.startswith("中央党的建设工作领导小组2月24日召开会议")


def test_thresholds_separate_new_reports_from_requoted_passages(parsed) -> None:
    """Measured margins: meeting reports built from stock phrases stay below the paragraph threshold,
    re-quoted passages are above it."""
    order = ["000", "001", "002", "003", "004"]
    documents = [d for key in order for d in parsed[key][0]]
    seen: set[str] = set()
    scores: dict[str, float] = {}
    for document in documents:
        for block in document.paragraphs:
            scores[block.text[:12]] = containment(block.text, seen)
            seen |= shingles(block.text)
    # New facts in formulaic words: kept.
    for start in ("3月5日，光明区委常委会", "3月3日，无锡高新区", "3月3日，龙岩高新区", "近日，中共中央办公厅印发《"):
        matches = [v for k, v in scores.items() if k.startswith(start[:10])]
        assert matches and all(v < PARAGRAPH_CONTAINMENT for v in matches), (start, matches)
    # Re-quoted: dropped.
    for start in (
        "在全党开展树立和践行正确政绩观学习教育，是贯彻",
        "各地区各部门各单位教育引导",
        "广东省委常委会召开会议",
    ):
        matches = [v for k, v in scores.items() if k.startswith(start[:10])]
        assert matches and all(v >= PARAGRAPH_CONTAINMENT for v in matches), (start, matches)


def test_the_notice_keeps_what_others_quote_from_it(loaded) -> None:
    documents, _, report = loaded
    notice = doc_by_title(documents, "中共中央办公厅印发")
    first = doc_by_title(documents, "实干为民开新局")
    assert "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点" in all_text(notice)
    assert "学习教育以县处级以上领导班子和领导干部特别是“一把手”为重点" not in all_text(first)
    assert sum("特别是“一把手”为重点，于2026年春节假期后启动" in all_text(d) for d in documents) == 1
    assert report.authority[notice.doc_id].blocks[0] == Tier.CENTRAL


def test_dedup_report_counts_match_its_list() -> None:
    _, report = deduplicate([_doc("a", NOTICE), _doc("b", NOTICE), _doc("c", NOTICE.replace("意义重大", "意义深远"))])
    assert (report.paragraphs_exact, report.paragraphs_near, len(report.removed)) == (1, 1, 2)
