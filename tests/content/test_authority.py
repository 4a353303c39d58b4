"""Authority tiers: recognised from each document's text (issuer lines, 来源, headings, leads), never file names."""

from __future__ import annotations

import pytest

from content.authority import Mark, Tier, authorities, document_authority, mark_for
from content.model import Block, Document
from tests.content.conftest import doc_by_title


def _doc(title: str, *blocks: str | tuple[str, str], source: str | None = None, file_name: str = "x.txt") -> Document:
    """Blocks as paragraph texts, or ("h", text) for a heading."""
    out: list[Block] = []
    for i, b in enumerate(blocks):
        if isinstance(b, tuple):
            out.append(Block("heading", b[1], i, level=1))
        else:
            marker = b[:2] if b[:2] in ("一是", "二是", "三是") else None
            out.append(Block("paragraph", b, i, level=3 if marker else 0, marker=marker))
    return Document("x#0", file_name, title, tuple(out), source)


def _tiers(document: Document, **kwargs: object) -> list[Tier]:
    return list(document_authority(document, **kwargs).blocks)  # type: ignore[arg-type]


# --- the five shipped materials ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "tier", "cue"),
    [
        ("中共中央办公厅印发", Tier.CENTRAL, "中共中央办公厅印发"),
        # was PARENT — the very defect examiner-1 found: the branch (直属城市发展研究中心党支部) is not the school
        ("学校召开党的建设", Tier.OTHER_UNITS, "学校召开"),
        ("各地区各部门各单位", Tier.OTHER_UNITS, "各地区"),
        ("国家高新区深入开展", Tier.OTHER_UNITS, "国家高新区"),
        ("动员部署会上的讲话", Tier.COMMENTARY, "笔杆子"),  # its preface: "以供各位笔杆子借鉴使用"
        ("动员部署会上的讲话", Tier.COMMENTARY, "anonymous speech"),
        ("实干为民开新局", Tier.COMMENTARY, "微信"),
        ("五重五轻", Tier.COMMENTARY, "微信"),
    ],
)
def test_document_tiers_of_the_shipped_materials(parsed, title: str, tier: Tier, cue: str) -> None:
    documents = [d for docs, _ in parsed.values() for d in docs]
    authority = document_authority(doc_by_title(documents, title))
    assert authority.tier == tier
    assert any(cue in e.cue for e in authority.evidence), authority.evidence


def test_the_compilation_is_central_then_provincial_city_and_district(parsed) -> None:
    notice = parsed["001"][0][0]
    authority = document_authority(notice)
    by_start = {b.text[:8]: t for b, t in zip(notice.blocks, authority.blocks, strict=True)}
    assert by_start["《通知》指出，经"] == Tier.CENTRAL
    assert by_start["中央党的建设工作"] == Tier.CENTRAL  # the heading and the meeting's lead
    assert by_start["会议指出，学习教"] == Tier.CENTRAL  # "会议指出" under the central meeting
    assert by_start["省委常委会有关会"] == Tier.LOCAL
    assert by_start["2月26日上午，"] == Tier.LOCAL
    assert by_start["3月5日，光明区"] == Tier.LOCAL
    assert authority.blocks[-1] == Tier.LOCAL


def test_a_round_up_quotes_the_centre_but_named_provinces_are_other_localities(parsed) -> None:
    daily = parsed["002"][0][0]
    authority = document_authority(daily)
    by_start = {b.text[:6]: t for b, t in zip(daily.blocks, authority.blocks, strict=True)}
    assert by_start["中共中央办公"] == Tier.CENTRAL
    assert by_start["北京市委党的"] == Tier.OTHER_UNITS
    assert by_start["广东省委常委"] == Tier.OTHER_UNITS
    assert by_start["教育部党组召"] == Tier.OTHER_UNITS


def test_xi_s_five_heavies_keep_his_words_central_in_a_commentary(parsed) -> None:
    article = doc_by_title(parsed["000"][0], "五重五轻")
    authority = document_authority(article)
    items = [t for b, t in zip(article.blocks, authority.blocks, strict=True) if b.marker]
    assert items == [Tier.CENTRAL] * 5
    closing = article.blocks[-1]
    assert authority.of_block(closing.index) == Tier.COMMENTARY


def test_xi_s_words_on_a_named_occasion_are_central_in_a_commentary(parsed) -> None:
    """ "今年1月，在省部级主要领导干部专题研讨班开班式上，习近平给错误政绩观“画像”：…他指出，错误政绩观是“…”":
    his words, however long the occasion's name; a visit names no such occasion and stays as it was."""
    article = doc_by_title(parsed["000"][0], "五重五轻")
    authority = document_authority(article)
    portrait = next(b for b in article.blocks if "开班式上" in b.text)
    assert authority.of_block(portrait.index) == Tier.CENTRAL
    visit = _doc("某公众号文章", "2月9日至10日，农历春节前夕，习近平总书记在北京考察，亲切慰问快递小哥。",
                 source="某微信公众号")
    assert _tiers(visit) == [Tier.COMMENTARY]
    said = _doc("某公众号文章", "去年5月，在某座谈会上，习近平总书记强调要树立正确政绩观。", source="某微信公众号")
    assert _tiers(said) == [Tier.CENTRAL]


def test_nothing_lifts_a_template_speech(parsed) -> None:
    speech = parsed["004"][0][0]
    assert set(document_authority(speech).blocks) == {Tier.COMMENTARY}


def test_file_names_do_not_matter(parsed) -> None:
    notice = parsed["001"][0][0]
    renamed = Document("z#0", "999_speech_template.txt", notice.title, notice.blocks, notice.source)
    assert document_authority(renamed).tier == Tier.CENTRAL


# --- synthetic texts ---------------------------------------------------------------------------------------
def test_a_preface_for_ghost_writers_makes_any_text_a_template() -> None:
    doc = _doc("关于学习教育的通知", "《通知》要求，各级党组织要精心组织实施。")
    authority = document_authority(doc, notes=["今日推送一篇讲话全文，以供各位笔杆子借鉴使用。"])
    assert authority.tier == Tier.COMMENTARY
    assert authority.evidence[0].where == "preface"
    assert authority.blocks == (Tier.COMMENTARY,)


def test_notice_quoted_in_a_local_report_is_central_and_the_meeting_carries_on() -> None:
    doc = _doc(
        "学习教育推进会",
        "3月2日，县委常委会召开会议，传达学习有关精神。",
        "会议强调，要压实责任。",
        "《通知》要求，党委（党组）主要负责同志要履行好第一责任人责任。",
        "会议要求，各乡镇要在3月底前完成集中学习。",
    )
    authority = document_authority(doc)
    assert authority.tier == Tier.LOCAL  # no cue in the title: the opening lead names the body
    assert authority.evidence[0].where == "opening"
    assert list(authority.blocks) == [Tier.LOCAL, Tier.LOCAL, Tier.CENTRAL, Tier.LOCAL]


def test_a_commentary_opening_with_the_notice_is_still_commentary() -> None:
    doc = _doc(
        "“五重五轻”的启示",
        "近日，中共中央办公厅印发《关于在全党开展学习教育的通知》。《通知》指出，学习教育以领导干部为重点。",
        "这些论述至今仍有极强的针对性和指导性。",
        source="学习小组微信公众号",
    )
    authority = document_authority(doc)
    assert authority.tier == Tier.COMMENTARY
    assert list(authority.blocks) == [Tier.CENTRAL, Tier.COMMENTARY]


def test_central_meeting_under_an_unmarked_heading() -> None:
    doc = _doc(
        "学习资料",
        ("h", "中央党的建设工作领导小组会议精神"),
        "会议指出，学习教育在党中央领导下进行。",
        ("h", "市委常委会有关会议精神"),
        "会议强调，要认真抓好落实。",
    )
    assert _tiers(doc) == [Tier.CENTRAL, Tier.CENTRAL, Tier.LOCAL, Tier.LOCAL]


def test_own_organisation_named_by_the_caller_counts_as_parent() -> None:
    doc = _doc(
        "滨江研究院党委召开学习教育部署会",
        "3月10日，滨江研究院党委召开会议，部署学习教育。",
        "会议要求，各支部要在4月底前完成专题学习。",
    )
    assert document_authority(doc).tier == Tier.OTHER_UNITS
    own = document_authority(doc, own_bodies=("滨江研究院",))
    assert own.tier == Tier.PARENT
    assert own.blocks == (Tier.PARENT, Tier.PARENT)
    assert own.evidence[0].cue == "滨江研究院"


def test_the_branch_s_own_rules_are_its_own() -> None:
    doc = _doc("中共滨江研究院机关第二党支部组织生活制度", "第一条 为规范组织生活，制定本制度。")
    assert document_authority(doc).tier == Tier.PARENT


def test_secretary_marks_override_the_text() -> None:
    speech = _doc("在学习教育动员会上的讲话", "同志们：", "今天我们召开这次会议。")
    assert document_authority(speech).tier == Tier.COMMENTARY
    core = document_authority(speech, mark=Mark.CORE)
    assert core.tier == Tier.PARENT and set(core.blocks) == {Tier.PARENT}
    assert core.evidence[0].where == "mark"
    notice = _doc("中共中央办公厅印发《关于开展学习教育的通知》", "《通知》指出，学习教育以县处级以上领导干部为重点。")
    background = document_authority(notice, mark=Mark.BACKGROUND)
    assert background.tier == Tier.COMMENTARY and background.blocks == (Tier.COMMENTARY,)
    assert document_authority(notice, mark=Mark.CORE).tier == Tier.CENTRAL  # core never lowers


def test_marks_are_found_by_file_name_stem_or_title() -> None:
    doc = _doc("在学习教育动员会上的讲话", "同志们：", file_name="004_speech.txt")
    assert mark_for(doc, {"004_speech.txt": Mark.CORE}) is Mark.CORE
    assert mark_for(doc, {"004_speech": Mark.BACKGROUND}) is Mark.BACKGROUND
    assert mark_for(doc, {"动员会上的讲话": Mark.CORE}) is Mark.CORE
    assert mark_for(doc, {"别的材料": Mark.CORE}) is None
    assert authorities([doc], marks={"动员会": Mark.CORE})["x#0"].tier == Tier.PARENT


def test_commentary_is_the_default_and_says_so() -> None:
    authority = document_authority(_doc("学习心得", "通过学习，我深刻认识到树立正确政绩观的重要性。"))
    assert authority.tier == Tier.COMMENTARY
    assert authority.evidence[0].where == "default"


def test_tiers_are_ordered_high_to_low() -> None:
    assert Tier.CENTRAL > Tier.PARENT > Tier.LOCAL > Tier.OTHER_UNITS > Tier.COMMENTARY
