"""Study snippets and the study plan, on the real materials and on small synthetic documents."""

from __future__ import annotations

import hashlib
import statistics

from content.clean import PROMO_STRONG_CUES, is_byline
from content.dedup import meeting_event
from content.model import Block, Document
from content.sentences import ends_sentence, split_sentences
from content.snippets import (
    MAX_CHARS,
    MIN_CHARS,
    build_plan,
    cut_document,
    full_stop,
    leans_on_previous,
    order_documents,
    text_size,
)
from tests.content.conftest import MEETING_TITLES

ARTIFACT_CUES = ("bookmark", "微信", "扫一扫", "版权", "客服", "编辑", "转发", "订阅", "公众号", "来源")
BYLINES = ("王轩禹", "陆思元", "朱慧燕", "朱唯", "蔡湘", "杨润生")


def _doc(doc_id: str, *blocks: tuple[str, str], title: str | None = None) -> Document:
    return Document(
        doc_id,
        f"{doc_id}.txt",
        title or doc_id,
        tuple(Block(kind, text, i, level=1 if kind == "heading" else 0) for i, (kind, text) in enumerate(blocks)),  # type: ignore[arg-type]
    )


def _sentence(n: int, tag: str = "甲") -> str:
    """A sentence of exactly n characters (n - 1 Chinese characters and a full stop)."""
    return tag * (n - 1) + "。"


# --- the real plan -----------------------------------------------------------------------------------------
def test_every_snippet_ends_a_sentence(plan) -> None:
    for snippet in plan:
        assert ends_sentence(snippet.text), snippet.text[-20:]


def test_snippets_are_whole_sentences_of_their_own_document(plan, loaded) -> None:
    documents, _, _ = loaded
    by_id = {d.doc_id: d for d in documents}
    for snippet in plan:
        document = by_id[snippet.doc_id]
        sentences = {s for b in document.paragraphs for s in split_sentences(b.text)}
        headings = {b.text for b in document.blocks if b.kind == "heading"}
        for line in snippet.text.split("\n"):
            if line in headings:
                continue
            pieces = split_sentences(line)
            assert pieces and all(p in sentences for p in pieces), line
            assert any(line in b.text for b in document.paragraphs), line  # consecutive, in order


def test_snippet_sizes_on_the_real_materials(plan) -> None:
    sizes = [text_size(s.text) for s in plan]
    assert 55 <= len(plan) <= 65
    assert 240 <= statistics.median(sizes) <= 300
    assert min(sizes) >= MIN_CHARS
    # One unit passes 400: the Notice's opening (110) and its 297-character second sentence, which no cut
    # can separate without leaving 110 characters alone.
    over = [s for s, size in zip(plan, sizes, strict=True) if size > MAX_CHARS]
    assert [(s.doc_id[:3], text_size(s.text)) for s in over] == [("001", 407)]


def test_no_snippet_ends_at_a_clause_or_an_introduction(plan) -> None:
    """A unit ends at a full stop, never at "；" or "：", so the next one never starts without its subject."""
    for snippet in plan:
        assert full_stop(snippet.text), snippet.text[-30:]
        assert not snippet.text.rstrip("”’」』）》)]】").endswith(("；", "：", "——")), snippet.text[-30:]


def test_no_snippet_opens_with_a_sentence_that_leans_on_the_one_before(plan) -> None:
    """ "要紧扣…", "我们要…", "同时…" need what came before.  The only exceptions open a paragraph part that
    had to be cut because the paragraph alone is longer than a day's reading."""
    leaning = [s for s in plan if leans_on_previous(s.text)]
    # 001's provincial and district meetings: a paragraph of "要…" demands too long to stay whole, or a
    # lead that would be a day's reading under 150 characters; the heading says whose demands they are.
    assert [(s.doc_id[:3], s.heading) for s in leaning] == [
        ("001", "省委常委会有关会议精神"),
        ("001", "区委常委会有关会议精神"),
    ]


def test_the_same_passage_is_never_on_two_days(plan) -> None:
    sentences = [s for snippet in plan for line in snippet.text.split("\n") for s in split_sentences(line)]
    long = [s for s in sentences if len(s) >= 15]
    assert len(long) == len(set(long))
    # the central leading group's meeting of 2月24日 was reported in 000, 001 and 002: it is read once
    events = [e for s in sentences if (e := meeting_event(s)) is not None]
    assert len(events) == len(set(events))
    assert sum(e[0] == "2月24日" for e in events) == 1


def test_the_notice_opens_with_its_own_first_paragraph(plan) -> None:
    notice = [s for s in plan if s.doc_id.startswith("001")]
    assert notice[0].text.startswith("《通知》指出，经党中央同意")
    assert not any(s.text.startswith("中共中央政治局常委") for s in plan)
    meeting = next(s for s in notice if "主持会议" in s.text and "蔡奇" in s.text)
    assert "中央党的建设工作领导小组2月24日召开会议" in meeting.text


def test_no_artifacts_bylines_or_cut_sentences_in_any_snippet(plan) -> None:
    for snippet in plan:
        assert not any(cue in snippet.text for cue in ARTIFACT_CUES + PROMO_STRONG_CUES), snippet.text
        assert not any(name in snippet.text for name in BYLINES)
        for line in snippet.text.split("\n"):
            assert not is_byline(line)


def test_plan_starts_with_the_meeting_materials_then_load_order(plan, loaded) -> None:
    documents, _, _ = loaded
    order: list[str] = []
    for snippet in plan:
        if not order or order[-1] != snippet.doc_id:
            order.append(snippet.doc_id)
    assert len(order) == len(set(order))  # each document's snippets are contiguous
    assert order == [d.doc_id for d in documents if d.paragraphs]  # 000's three articles are first anyway
    reordered = build_plan(
        documents,
        first_titles=["国家高新区深入开展", "在开展树立和践行正确政绩观学习教育动员部署会上的讲话（全文3623字）"],
    )
    first_docs = list(dict.fromkeys(s.doc_id for s in reordered))
    assert first_docs[:2] == ["003_e685566f757a31f0#0", "004_70037f953e4be254#0"]
    assert first_docs[2:] == [d for d in order if d not in first_docs[:2]]


def test_positions_ids_headings_and_sources(plan) -> None:
    assert [s.position for s in plan] == list(range(len(plan)))
    assert len({s.snippet_id for s in plan}) == len(plan)
    for snippet in plan:
        assert snippet.snippet_id == hashlib.sha1(snippet.text.encode()).hexdigest()[:12]
    daily = [s for s in plan if s.doc_id.startswith("002")]
    assert {s.source for s in daily} == {"人民日报"}
    zones = [s for s in plan if s.doc_id.startswith("003")]
    assert [s.heading for s in zones][1:] == [
        "贵阳高新区",
        "无锡高新区",
        "无锡高新区",
        "清远高新区",
        "景德镇高新区",
        "景德镇高新区",  # its last unit carries the next heading and 龙岩's lead as lines of its text
        "龙岩高新区",
    ]
    assert "\n龙岩高新区\n3月3日，龙岩高新区召开" in zones[-2].text


def test_plan_is_stable(loaded, plan) -> None:
    documents, _, _ = loaded
    again = build_plan(documents, first_titles=MEETING_TITLES)
    assert [(s.snippet_id, s.position) for s in again] == [(s.snippet_id, s.position) for s in plan]


# --- synthetic ---------------------------------------------------------------------------------------------
def test_cuts_fall_between_sentences_and_within_limits() -> None:
    paragraph = "".join(_sentence(60, t) for t in "甲乙丙丁戊己庚辛壬癸")  # 600 characters, ten sentences
    units = cut_document(_doc("d", ("paragraph", paragraph)))
    texts = [t for _, t in units]
    assert "".join(texts) == paragraph
    assert all(MIN_CHARS <= text_size(t) <= MAX_CHARS and ends_sentence(t) for t in texts)


def test_a_sentence_longer_than_the_limit_stays_whole() -> None:
    long = _sentence(450, "长")
    units = cut_document(
        _doc("d", ("paragraph", _sentence(200)), ("paragraph", long), ("paragraph", _sentence(200, "乙")))
    )
    assert [text_size(t) for _, t in units] == [200, 450, 200]


def test_heading_goes_with_the_text_below_it() -> None:
    units = cut_document(
        _doc(
            "d",
            ("heading", "一、第一部分"),
            ("paragraph", _sentence(200)),
            ("paragraph", _sentence(120, "乙")),
            ("heading", "二、第二部分"),
            ("paragraph", _sentence(300, "丙")),
        )
    )
    assert [(h, text_size(t)) for h, t in units] == [("一、第一部分", 320), ("二、第二部分", 300)]


def test_tiny_tail_merges_into_the_previous_unit() -> None:
    units = cut_document(_doc("d", ("paragraph", _sentence(260)), ("paragraph", _sentence(40, "乙"))))
    assert [text_size(t) for _, t in units] == [300]
    assert units[0][1] == _sentence(260) + "\n" + _sentence(40, "乙")


def test_small_tail_is_rebalanced_with_its_neighbour() -> None:
    sentences = [_sentence(70, t) for t in "甲乙丙丁戊"]  # 350 in one paragraph, then a 120 tail
    units = cut_document(_doc("d", ("paragraph", "".join(sentences)), ("paragraph", _sentence(120, "己"))))
    sizes = [text_size(t) for _, t in units]
    assert sum(sizes) == 470 and all(MIN_CHARS <= s <= MAX_CHARS for s in sizes)


def test_an_introduction_never_ends_a_unit() -> None:
    units = cut_document(
        _doc("d", ("paragraph", _sentence(280)), ("paragraph", "概括为以下几点："), ("paragraph", _sentence(200, "乙")))
    )
    assert all(not t.endswith("：") for _, t in units)
    assert any("概括为以下几点：\n乙" in t for _, t in units)


def test_a_unit_never_ends_at_a_semicolon_so_the_next_never_starts_without_its_subject() -> None:
    """003's Wuxi report: "会议强调，…要履行好“第一责任人”责任；强化分类指导，…；营造良好氛围，…。" was cut at the
    first "；" and the next day began "强化分类指导，…" with no subject."""
    lead = "3月3日，无锡高新区召开会议，" + "甲" * 140 + "。"
    stressed = (
        "会议强调，各级党委要扛起主体责任，"
        + "乙" * 100
        + "；强化分类指导，"
        + "丙" * 80
        + "；营造良好氛围，"
        + "丁" * 60
        + "。"
    )
    units = cut_document(_doc("d", ("paragraph", lead), ("paragraph", stressed)))
    assert [t for _, t in units] == [lead, stressed]
    for _, text in units:
        assert not text.startswith(("强化分类指导", "营造良好氛围"))


def test_a_paragraph_s_first_sentence_stays_with_what_explains_it() -> None:
    """004 was cut after "这是推动高质量发展、服务中心大局的现实需要。": its explanation opened the next day."""
    before = _sentence(120, "甲") + _sentence(110, "乙")
    topic = "这是推动高质量发展、服务中心大局的现实需要。"
    paragraph = topic + _sentence(90, "丙") + _sentence(80, "丁")
    units = cut_document(_doc("d", ("paragraph", before), ("paragraph", paragraph)))
    assert [t for _, t in units] == [before, paragraph]


def test_a_demand_does_not_open_a_unit_when_a_cut_elsewhere_will_do() -> None:
    """ "要紧扣…" continues "会议指出…": the cut goes before "会议指出", not between the two."""
    lead = "3月12日，学校召开会议，" + "甲" * 150 + "。"
    said = "会议指出，" + "乙" * 110 + "。" + "要紧扣总要求，" + "丙" * 120 + "。"
    units = cut_document(_doc("d", ("paragraph", lead), ("paragraph", said)))
    assert [t for _, t in units] == [lead, said]
    assert leans_on_previous("要紧扣总要求，聚焦主题组织集中学习研讨。")
    assert not leans_on_previous("会议指出，要紧扣总要求。")


def test_units_never_cross_documents_and_empty_documents_give_nothing() -> None:
    agenda = Document("a#0", "a.txt", "议程", ())
    one = _doc("a#1", ("paragraph", _sentence(50)))
    two = _doc("b#0", ("paragraph", _sentence(50, "乙")))
    plan = build_plan([agenda, one, two])
    assert [(s.doc_id, text_size(s.text)) for s in plan] == [("a#1", 50), ("b#0", 50)]


def test_first_titles_match_by_normalised_substring_either_way() -> None:
    docs = [
        _doc(f"d{i}", ("paragraph", "句子。"), title=t)
        for i, t in enumerate(["甲文", "“五重五轻”，画像", "丙篇文章（全文）"])
    ]
    # "丙篇文章" is inside a title; the title "“五重五轻”，画像" is inside "五重五轻画像——附录"; "" matches nothing.
    assert [d.doc_id for d in order_documents(docs, ["丙篇文章", "五重五轻画像——附录", ""])] == ["d2", "d1", "d0"]
