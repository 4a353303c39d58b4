"""How much a fact matters: the authority of the passage that states it, how widely it is restated, its kind.

A branch studies a handful of materials of very different weight: the central Notice, the central leading
group's meeting, the parent organisation's deployment meeting, the provincial and city committees that relay
them, newspaper round-ups of what other regions did, and a template speech "以供各位笔杆子借鉴使用".  A
question's worth follows the weight of the passage it is read from, so every passage gets an *authority
tier*, recognised from the text (never from file names)::

    0 central    《通知》指出/要求 …, 中央党的建设工作领导小组会议强调 …, 习近平…概括为 / 指出 / 强调 …
    1 own        the parent organisation's deployment ("学校召开…会议", no place named) and the branch's own rules
                 (an article-numbered 制度 of a 党支部), or a material a secretary marked core
    2 regional   provincial, city and district committees relaying the deployment (省委常委会有关会议精神)
    3 others     reports on other units: round-ups of ministries and provinces, high-tech zones, news features
    4 template   template speeches and commentary ("以供各位笔杆子借鉴使用", "同志们：")

The tiers come from ``content.authority`` (it reads issuer lines, 来源, headings and leads, per paragraph;
its ``Tier`` counts the other way, 5 = central), refined where a paragraph quotes 习近平 under a heading about
his statements; a ``tier_of`` recogniser (tests, other corpora) replaces it with :func:`document_tier` here.
Inside a document a passage can rise or fall: a section headed "省委常委会有关会议精神" is regional even
inside a compilation that opens with the Notice; a paragraph that opens "《通知》强调" or reports what
习近平 said is central wherever it sits.

A *fact* is what a question asks about, independent of where it is read: the 总要求 is one fact whether the
Notice, the province or a high-tech zone restates it.  Its importance::

    importance = TIER_WEIGHT[tier of its most authoritative statement]
                 × (1 + SALIENCE · (documents that state it − 1), at most three)
                 × KIND_WEIGHT[kind]   (requirements and lists over dates, bodies and local figures)

and it is asked only where it is stated with the most authority (its *home*), so adding a less
authoritative material never moves a fact away from the document that asks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from content import authority as recognised
from content.model import Document

CENTRAL, OWN, REGIONAL, OTHERS, TEMPLATE = 0, 1, 2, 3, 4
TIER_NAMES = ("central", "own", "regional", "others", "template")
TIER_LABELS = ("中央文件和中央会议", "本单位及上级部署", "省市区会议", "其他地区和单位的报道", "讲话稿和评论")
TIER_WEIGHT = (1.0, 0.85, 0.6, 0.45, 0.4)
SALIENCE = 0.15
# questions a tier's passages may supply per document, at most (the bank's shape follows the materials' weight)
TIER_QUOTA = (40, 16, 4, 3, 6)

TierOf = Callable[[Document], int]

_TEMPLATE = re.compile(r"笔杆子|借鉴使用|讲话全文|全文\d+字|范文|发言稿|模板")
_CENTRAL_TITLE = re.compile(r"中共中央|中央办公厅|国务院办公厅|中央党的建设工作领导小组|党中央")
_NOTICE_TITLE = re.compile(r"印发《[^》]*(?:通知|意见|规定|条例|决定)》|^《?关于[^》]*(?:通知|意见|决定)》?$")
_SPEECH_TITLE = re.compile(r"上的讲话|讲话稿|发言$|致辞")
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇两\d]{1,4}条")
_OWN_RULE_TITLE = re.compile(r"支部|党委|党总支|机关")
_OWN_MEETING = re.compile(
    r"^(?:\d{1,2}月\d{1,2}日[，,]?)?(?:学校|本单位|我单位|院|中心|公司|我校|我院|本院|校党委|院党委|本支部)"
)
_BODY = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:省委|市委|区委|县委|党工委|高新区|党组|部党组|党委|领导小组|院务会|政府)")
_REGIONAL_BODY = re.compile(r"省委|市委|区委|县委|州委|盟委|街道|乡镇")
_CENTRAL_PASSAGE = re.compile(
    r"^(?:《通知》|通知(?:对|指出|强调|要求|明确))|中共中央办公厅(?:近日)?印发|中央办公厅已经印发"
    r"|^(?:\d{1,2}月\d{1,2}日[，,]?)?(?:[^，。]{0,12}[，,])?中央党的建设工作领导小组(?:\d{1,2}月\d{1,2}日)?召开会议"
    r"|(?<!学习贯彻)(?<!学习领会)(?<!学习)(?<!贯彻)(?<!关于)习近平(?:总书记|同志)?(?:[^，。；“]{0,20}?)"
    r"(?:反复强调|强调|指出|概括为|发出号召|给错误政绩观)|习近平将[^。]{0,30}概括为|^中共中央政治局常委"
)
_CENTRAL_HEADING = re.compile(r"^中央|党中央|中共中央")
_OTHERS_OPENING = re.compile(
    r"^(?:\d{1,2}月\d{1,2}日[，,]?)?(?:[\u4e00-\u9fff]{2,10}(?:省委|市委|区委|党组|党委|院务会|高新区|党工委))"
)
_CONTINUES = re.compile(
    r"^(?:会议|[一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十]{1,3}[）)]|这些|该书|他|她|要|同时)"
)


@dataclass(frozen=True)
class Authority:
    """The tier of every paragraph of one document, and the document's own tier."""

    document: int
    blocks: Mapping[int, int]

    def of(self, block: int) -> int:
        return self.blocks.get(block, self.document)


def document_tier(doc: Document) -> int:
    """The tier of a document as a whole, from its title, 来源 and text (see the module docstring)."""
    text = "\n".join(b.text for b in doc.blocks[:6])
    title = doc.title
    if _TEMPLATE.search(title) or _TEMPLATE.search(text[:400]):
        return TEMPLATE
    if _SPEECH_TITLE.search(title) and any(b.text.startswith("同志们") for b in doc.blocks[:3]):
        return TEMPLATE
    if _CENTRAL_TITLE.search(title) and (_NOTICE_TITLE.search(title) or "会议" in title):
        return CENTRAL
    if any(_ARTICLE.match(b.text) for b in doc.blocks[:3]) and _OWN_RULE_TITLE.search(title):
        return OWN  # the branch's own rules: "第三条 党员大会每季度至少召开一次"
    first = doc.paragraphs[0].text if doc.paragraphs else ""
    if _OWN_MEETING.match(title) or _OWN_MEETING.match(first):
        return OWN  # "学校召开…会议": the organisation is not named, so it is the reader's own
    bodies = {m.group(0) for b in doc.paragraphs for m in [_OTHERS_OPENING.match(b.text)] if m}
    if len(bodies) >= 3:
        return OTHERS  # a round-up of what several other units did
    if _REGIONAL_BODY.search(first[:40]) and len(bodies) <= 1:
        return REGIONAL
    return OTHERS


def authority(doc: Document, tier_of: TierOf | None = None, *, core: bool = False) -> Authority:
    """Per-paragraph tiers of ``doc``: headings set their section's tier, central cues raise a paragraph.

    ``core``: a secretary marked the material as the branch's own (it counts at least as ``own``).
    """
    tier_of = tier_of or document_tier
    base = tier_of(doc)
    if core:
        base = min(base, OWN)
    section = base
    previous = base
    blocks: dict[int, int] = {}
    for b in doc.blocks:
        if b.kind == "heading":
            section = _heading_tier(b.text, base)
            previous = section
            blocks[b.index] = section
            continue
        tier = section
        if base != TEMPLATE and _CENTRAL_PASSAGE.search(b.text[:40]):
            tier = CENTRAL
        elif _CONTINUES.match(b.text):
            tier = min(section, previous) if previous == CENTRAL else section
        elif section <= OWN and _OTHERS_OPENING.match(b.text) and base != CENTRAL:
            tier = OTHERS
        if core:
            tier = min(tier, OWN) if tier > OWN else tier
        blocks[b.index] = tier
        previous = tier
    return Authority(base, blocks)


_XI_HEADING = re.compile(r"习近平总书记(?:重要论述|重要讲话|指明)")
_QUOTES_HIM = re.compile(r"^(?:强调|提出|明确|指出)“")


def _quoted_centre(doc: Document, blocks: dict[int, int]) -> dict[int, int]:
    """Under a heading about 习近平总书记's statements, a paragraph that quotes one ("强调“…”") is his word."""
    heading = ""
    for b in doc.blocks:
        if b.kind == "heading":
            heading = b.text
        elif _XI_HEADING.search(heading) and _QUOTES_HIM.match(b.text):
            blocks[b.index] = CENTRAL
    return blocks


def _heading_tier(heading: str, base: int) -> int:
    """A heading naming a body sets its section: "中央党的建设工作领导小组会议精神", "省委常委会有关会议精神"."""
    if _CENTRAL_HEADING.search(heading) and ("会议" in heading or "通知" in heading):
        return CENTRAL
    if _REGIONAL_BODY.search(heading[:6]) and "会议" in heading:
        return max(REGIONAL, base) if base != CENTRAL else REGIONAL
    if base == OTHERS and re.fullmatch(r"[\u4e00-\u9fff]{2,8}(?:高新区|开发区|新区|园区)", heading.strip()):
        return OTHERS
    return base


def authorities(
    documents: Sequence[Document],
    tier_of: TierOf | None = None,
    core: Iterable[str] = (),
    *,
    marks: Mapping[str, recognised.Mark] | None = None,
    own_bodies: Sequence[str] = (),
) -> dict[str, Authority]:
    """``doc_id → Authority`` for a corpus; ``core`` holds titles or file names a secretary marked core.

    By default the tiers are ``content.authority``'s (issuer lines, 来源, headings, leads, per block); a
    ``tier_of`` recogniser replaces it with this module's per-document one refined by :func:`authority`.
    """
    marked = list(core)
    if tier_of is None:
        found = recognised.authorities(
            documents, marks={**dict.fromkeys(marked, recognised.Mark.CORE), **(marks or {})}, own_bodies=own_bodies
        )
        top = int(recognised.Tier.CENTRAL)
        return {
            d.doc_id: Authority(
                top - int(found[d.doc_id].tier),
                _quoted_centre(d, {b.index: top - int(found[d.doc_id].of_block(i)) for i, b in enumerate(d.blocks)}),
            )
            for d in documents
        }
    names = set(marked)
    return {d.doc_id: authority(d, tier_of, core=d.title in names or d.file_name in names) for d in documents}


KIND_WEIGHT = {
    "item": 1.0,  # lists: the campaign's requirements and arrangements
    "rule": 1.0,  # a rule's numbers: how often, how long, how many
    "duty": 1.0,  # who is charged with what: "各级党委（党组）要对学习教育负总责"
    "rank": 1.0,  # whom a requirement reaches: "以县处级以上领导班子…为重点"
    "subject": 1.0,  # whose role a duty is, in pairs: "党委（党组）主要负责同志要履行好第一责任人责任"
    "pairing": 1.0,  # which part goes with which: "整改整治接受群众监督，检验成效接受群众评判" (``pairings``)
    "statements": 1.0,  # a central speaker's requirements side by side: "根据《通知》，下列表述正确的有"
    "keyword": 0.9,  # a key word of a central saying
    "role": 0.95,  # what the campaign is and what it turns on: "以一体推进学查改为抓手", "…的重要举措"
    "term": 0.8,
    "date": 0.75,
    "body": 0.75,
    "number": 0.6,
    "person": 0.5,
    "heading": 0.4,
}


def importance(tier: int, documents: int, kind: str) -> float:
    """The weight of a fact (see the module docstring); ``documents``: how many documents state it."""
    restated = 1.0 + SALIENCE * min(max(documents, 1) - 1, 3)
    return TIER_WEIGHT[tier] * restated * KIND_WEIGHT.get(kind, 0.7)
