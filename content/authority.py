"""How much weight a document — and each passage in it — carries, read from its text, never its file name.

A branch studies texts of very different standing: the central Notice itself, the central leading group's
meeting, its own parent organisation's deployment, the provincial and city meetings that relayed it, reports
on what other units did, and anonymous template speeches.  Questions, snippets and de-duplication should
prefer the first over the last, so every block of a cleaned ``Document`` gets a ``Tier``::

    CENTRAL      5  the central document and central meetings: "中共中央办公厅印发《…通知》", "《通知》指出/要求",
                    "中央党的建设工作领导小组召开会议", "会议强调" under such a meeting, "经党中央同意", 习近平 quoted
    PARENT       4  the parent organisation's deployment — the branch's own organisation counts the same:
                    a branch's own rules ("…党支部…制度"), or a body the caller names in ``own_bodies`` (an
                    unnamed "学校召开…会议" is another body's deployment unless the config names 学校)
    LOCAL        3  provincial, city and district meetings: "省委常委会召开会议", "市委常委会有关会议精神"
    OTHER_UNITS  2  reports on other units and localities: "各地区各部门各单位…", "贵阳高新区", "教育部党组"
    COMMENTARY   1  template speeches ("以供各位笔杆子借鉴使用"; an anonymous "在…会上的讲话") and commentary
                    (a 微信公众号 article with no other cue)

How a block's tier is found, most specific first::

    secretary's mark   core → at least PARENT; background → COMMENTARY (overrides the text) — for weight
                       and de-duplication only: the question filters read the tier without marks
                       (``questions.candidates``), and a mark by ``doc_id`` names one document of a file
    template cue       the whole document is COMMENTARY (a template's quotations are not the Notice)
    paragraph lead     the first sentence names who speaks: "《通知》要求…", "2月26日，省委常委会召开会议…";
                       the body it names carries on through "会议强调/指出…" paragraphs and through the items
                       of a list the lead introduces (a lead ending in "：" or "——")
    heading            "中央党的建设工作领导小组会议精神", "省委常委会有关会议精神", "贵阳高新区": the section below
    document           title, 来源 and opening: "中共中央办公厅印发《…》" → CENTRAL; "各地区各部门…" → OTHER_UNITS

Inside a report on other localities (a round-up such as 人民日报's), a named province's meeting is one more
report on another locality (OTHER_UNITS), while an unnamed "省委常委会" under a heading of the branch's own
compilation is its own province (LOCAL).  Cues only ever *raise* a passage to CENTRAL from a lower document
(a round-up quoting the Notice is quoting the Notice); nothing lifts a template speech.

``document_authority`` returns the tier with the evidence it used, so a secretary (and a test) can see why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum

from content.model import Block, Document
from content.sentences import split_sentences


class Tier(IntEnum):
    """Authority of a passage, high to low; compare with ``<``/``>``."""

    COMMENTARY = 1
    OTHER_UNITS = 2
    LOCAL = 3
    PARENT = 4
    CENTRAL = 5


class Mark(StrEnum):
    """A secretary's judgement of a material, overriding what its text suggests."""

    CORE = "core"  # the branch's own business: at least PARENT
    BACKGROUND = "background"  # context only: COMMENTARY


@dataclass(frozen=True)
class Evidence:
    """What decided a tier: the cue found, where it was found and the line it was found in."""

    tier: Tier
    cue: str
    where: str  # "mark", "preface", "title", "source", "opening", "heading", "paragraph", "default"
    text: str

    def __str__(self) -> str:
        return f"{self.tier.name} ({self.where}: {self.cue} — «{self.text[:40]}»)"


@dataclass(frozen=True)
class Authority:
    """A document's tier, the evidence for it, and the tier of each of its blocks (by ``Block.index``)."""

    tier: Tier
    evidence: tuple[Evidence, ...]
    blocks: tuple[Tier, ...]
    block_evidence: tuple[Evidence, ...]
    mark: Mark | None = None

    def of_block(self, index: int) -> Tier:
        return self.blocks[index] if 0 <= index < len(self.blocks) else self.tier

    def keep(self, indices: Sequence[int]) -> Authority:
        """The same authority for the document with only the blocks at ``indices`` left (after
        de-duplication: a "会议强调" paragraph keeps the tier its removed lead gave it)."""
        return replace(
            self,
            blocks=tuple(self.blocks[i] for i in indices),
            block_evidence=tuple(self.block_evidence[i] for i in indices),
        )


# --- cues (all authority vocabulary lives here) ------------------------------------------------------------
_DATE = r"(?:\d{1,2}月\d{1,2}日(?:[上下]午|晚)?[，,]?)?"
_CENTRAL_ISSUER = r"(?:中共中央办公厅|中央办公厅|中共中央、国务院|中共中央|党中央|国务院办公厅|中办、国办|中办)"
_CENTRAL_BODY = (
    r"(?:中央党的建设工作领导小组|中央政治局常委会|中央政治局|中共中央政治局|党中央|中共中央|"
    r"中央[\u4e00-\u9fff]{1,12}(?:领导小组|委员会))"
)
# the cue text, what it means, and its tier — tried in this order on a paragraph's lead sentence
_CENTRAL_LEADS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:近日，|日前，)?" + _CENTRAL_ISSUER + r"(?:近日|日前)?印发"), "central issuer: 印发"),
    (re.compile(r"^《?通知》?(?:对[^。，]{0,20})?(?:指出|明确|强调|要求|提出)"), "《通知》指出/要求"),
    (
        re.compile(
            r"^" + _DATE + r"(?:春节假期后首个工作日，)?" + _CENTRAL_BODY + r"(?:" + r"\d{1,2}月\d{1,2}日)?召开"
        ),
        "central meeting: 召开会议",
    ),
    (re.compile(r"^(?:经党中央同意|党中央(?:决定|同意|部署|要求|强调))"), "党中央决定/同意"),
    (
        re.compile(r"^[^。！？]{0,24}习近平(?:总书记|同志)?[^。！？]{0,30}?(?:强调|指出|提出|概括为|号召|要求)"),
        "习近平 quoted",
    ),
    # "今年1月，在省部级主要领导干部专题研讨班开班式上，习近平给错误政绩观“画像”：…他指出，…": his words on a
    # named occasion, however long the occasion's name (a visit, "在北京考察", names no occasion of this form)
    (
        re.compile(r"^(?:(?:今年|去年|\d{4}年)?\d{1,2}月[，,])?在[^，。！？]{2,40}?(?:上|期间)[，,]习近平(?:总书记|同志)?"),
        "习近平 quoted",
    ),
)
# only the branch itself is recognised without being named: a parent organisation ("学校", "研究院") is the
# branch's own only when the config names it in ``own_bodies`` — a 直属…中心党支部 studying "学校召开…会议" is
# reading another body's deployment, classed by the body the passage names, not by the file it arrived in
_OWN_KINDS = r"(?:本单位|我单位|本支部|党支部|支部)"
_OWN_LEAD = re.compile(r"^" + _DATE + _OWN_KINDS + r"(?:党委|党组|党总支)?(?:召开|印发|举行|部署|组织|研究)")
_KIND_KINDS = r"(?:我校|本校|学校|我院|本院|学院|公司|集团|中心|研究院|机关)"
_KIND_LEAD = re.compile(r"^" + _DATE + _KIND_KINDS + r"(?:党委|党组|党总支)?(?:召开|印发|举行|部署|组织|研究)")
_LOCAL_BODY = r"(?:[\u4e00-\u9fff]{0,8}?(?:省|市|区|县|州|自治区|盟)委(?:常委会)?)"
_LOCAL_LEAD = re.compile(
    r"^" + _DATE + r"(?P<body>" + _LOCAL_BODY + r")(?:[\u4e00-\u9fff]{0,16}?)(?:召开|要求|强调|提出)"
)
_UNIT_SUFFIX = (
    r"(?:高新区|开发区|新区|街道|社区|乡|镇|村|公司|集团|大学|学院|医院|研究院|院务会|"
    r"[部厅局委办署](?:党组|党委)|党工委|党组|党委)"
)
_MANY_UNITS = r"(?:各地区|各地|各部门|各单位|多地)"
_MANY_UNITS_LEAD = re.compile(r"^" + _DATE + _MANY_UNITS)
_OTHER_LEAD = re.compile(r"^" + _DATE + r"[\u4e00-\u9fff]{2,12}?" + _UNIT_SUFFIX)
_MEETING_GOES_ON = re.compile(r"^(?:会议|会上|与会|大家|要)")
_QUOTE_CUES = frozenset({"central issuer: 印发", "《通知》指出/要求", "党中央决定/同意", "习近平 quoted"})
_TEMPLATE_CUES: tuple[str, ...] = ("笔杆子", "借鉴使用", "范文", "范本", "讲话稿", "参考使用", "仅供参考")
_ANONYMOUS_SPEECH = re.compile(r"^在[^，。]{2,60}(?:会|会议|仪式|班|论坛)上的(?:讲话|发言|致辞|党课|报告)")
_COMMENTARY_SOURCE = re.compile(r"公众号|微信|头条号|百家号|博客")
_OTHER_TITLE = re.compile(_MANY_UNITS + r"|[\u4e00-\u9fff]{2,10}?(?:高新区|开发区)")
_CENTRAL_TITLE = re.compile(
    r"^" + _CENTRAL_ISSUER + r"[^，。]{0,8}印发|^" + _CENTRAL_BODY + r"[^，。]{0,10}(?:召开|会议)"
)
_OWN_RULE_TITLE = re.compile(r"(?:党支部|支部委员会|党总支)[^，。]{0,20}(?:制度|办法|规定|细则|规则|规程|计划|方案)$")
_CENTRAL_HEADING = re.compile(_CENTRAL_BODY + r"[^，。]{0,8}(?:会议|精神)")
_LOCAL_HEADING = re.compile(r"^" + _LOCAL_BODY + r"[^，。]{0,8}(?:会议|精神)")
_UNIT_HEADING = re.compile(r"^[\u4e00-\u9fff]{2,10}?" + _UNIT_SUFFIX + r"$")
_HEADING_MARKER = re.compile(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]")
_LOCAL_TITLE = re.compile(r"^" + _LOCAL_BODY + r"[^，。]{0,16}(?:召开|会议|印发)")


def document_authority(
    document: Document,
    *,
    mark: Mark | None = None,
    own_bodies: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> Authority:
    """The tier of ``document`` and of each of its blocks, with the evidence used.

    ``mark`` is the secretary's core/background mark (config or upload); ``own_bodies`` names bodies whose
    documents count as the branch's own (its parent organisation: "学校", "滨江研究院"); ``notes`` adds editorial
    text to the document's own ``notes`` (a preface such as "以供各位笔杆子借鉴使用").
    """
    base, evidence = _document_tier(document, own_bodies, (*document.notes, *notes))
    template = base.tier == Tier.COMMENTARY and base.where in ("preface", "title")
    tiers: list[Tier] = []
    reasons: list[Evidence] = []
    section = base  # what the nearest heading (or the document) says
    meeting: Evidence | None = None  # a body a lead said met or spoke; its "会议强调…" paragraphs follow
    intro: Evidence | None = None  # a lead ending in "：" or "——": its list items follow
    for block in document.blocks:
        if block.kind == "heading":
            section = _heading_evidence(block, base, own_bodies) or base
            meeting = intro = None
            chosen = section
        elif block.marker is not None and intro is not None:
            chosen = intro  # an item of the list its lead introduced
        else:
            found = None if template else _lead_evidence(block, base, own_bodies)
            if found is not None and found.cue not in _QUOTE_CUES:
                meeting = found
            elif found is None and meeting is not None and _MEETING_GOES_ON.match(block.text) is None:
                meeting = None
            chosen = found or meeting or section
            intro = chosen if block.text.endswith(("：", "——")) else None
        chosen = _apply_mark(chosen, mark)
        tiers.append(chosen.tier)
        reasons.append(chosen)
    final = _apply_mark(base, mark)
    if mark is not None:
        evidence = (final, *evidence)
    return Authority(final.tier, evidence, tuple(tiers), tuple(reasons), mark)


def authorities(
    documents: Sequence[Document],
    *,
    marks: Mapping[str, Mark] | None = None,
    own_bodies: Sequence[str] = (),
) -> dict[str, Authority]:
    """``document_authority`` for each document, keyed by ``doc_id``; ``marks`` are keyed by file name,
    file stem or a fragment of the title (how a secretary names a material in the config)."""
    return {d.doc_id: document_authority(d, mark=mark_for(d, marks or {}), own_bodies=own_bodies) for d in documents}


def mark_for(document: Document, marks: Mapping[str, Mark]) -> Mark | None:
    """The mark for ``document``: one set on the document itself (its ``doc_id``, how a mark made in chat is
    kept — a file can hold several documents, an agenda and the articles it lists) wins over one on its file
    or a piece of its title (how the config names materials)."""
    if (own := marks.get(document.doc_id)) is not None:
        return own
    for key, mark in marks.items():
        name = key.strip()
        if not name or "#" in name:
            continue  # another document's own mark
        stem = document.file_name.rsplit(".", 1)[0]
        if name in (document.file_name, stem) or _squeeze(name) in _squeeze(document.title):
            return mark
    return None


# --- how each cue is read ----------------------------------------------------------------------------------
def _document_tier(
    document: Document, own_bodies: Sequence[str], notes: Sequence[str]
) -> tuple[Evidence, tuple[Evidence, ...]]:
    """The document's own tier (before marks) and every cue that supports it."""
    title = document.title
    found = [Evidence(Tier.COMMENTARY, cue, "preface", note) for note in notes for cue in _TEMPLATE_CUES if cue in note]
    if (m := _ANONYMOUS_SPEECH.match(title)) and not document.source:
        found.append(Evidence(Tier.COMMENTARY, "anonymous speech, no source: " + m.group(0)[-6:], "title", title))
        opening = _first_paragraph(document)
        if opening is not None and opening.text.startswith("同志们"):
            found.append(Evidence(Tier.COMMENTARY, "同志们", "opening", opening.text))
    if found:
        return found[0], tuple(found)
    if (own := _own_body(title, own_bodies)) is not None:
        found.append(Evidence(Tier.PARENT, own, "title", title))
    elif m := _CENTRAL_TITLE.match(title):
        found.append(Evidence(Tier.CENTRAL, m.group(0), "title", title))
    elif m := _OWN_RULE_TITLE.search(title):
        found.append(Evidence(Tier.PARENT, "the branch's own rules: " + m.group(0), "title", title))
    elif m := _LOCAL_TITLE.match(title):
        found.append(Evidence(Tier.LOCAL, m.group(0), "title", title))
    elif m := _OTHER_TITLE.search(title):
        found.append(Evidence(Tier.OTHER_UNITS, m.group(0), "title", title))
    elif (
        (m := _OWN_LEAD.match(title))
        or (m := _LOCAL_LEAD.match(title))
        or (m := _OTHER_LEAD.match(title))
        or (m := _KIND_LEAD.match(title))
    ):
        tier = Tier.PARENT if m.re is _OWN_LEAD else Tier.LOCAL if m.re is _LOCAL_LEAD else Tier.OTHER_UNITS
        found.append(Evidence(tier, m.group(0), "title", title))
    opening = _first_paragraph(document)
    if not found and opening is not None:
        lead = _lead_evidence(opening, _NO_CUE, own_bodies)
        if lead is not None and lead.tier != Tier.CENTRAL:  # a commentary opening with the Notice stays one
            found.append(Evidence(lead.tier, lead.cue, "opening", lead.text))
    if found:
        return found[0], tuple(found)
    if document.source and (m := _COMMENTARY_SOURCE.search(document.source)):
        ev = Evidence(Tier.COMMENTARY, m.group(0), "source", document.source)
        return ev, (ev,)
    ev = Evidence(Tier.COMMENTARY, "no issuer, body or source named", "default", title)
    return ev, (ev,)


_NO_CUE = Evidence(Tier.COMMENTARY, "", "default", "")


def _heading_evidence(block: Block, base: Evidence, own_bodies: Sequence[str]) -> Evidence | None:
    text = _HEADING_MARKER.sub("", block.text)
    if (own := _own_body(text, own_bodies)) is not None:
        return Evidence(Tier.PARENT, own, "heading", block.text)
    if m := _CENTRAL_HEADING.match(text):
        return Evidence(Tier.CENTRAL, m.group(0), "heading", block.text)
    if m := _LOCAL_HEADING.match(text):
        return _local(m.group(0), "heading", block.text, base)
    if m := _UNIT_HEADING.match(text):
        return Evidence(Tier.OTHER_UNITS, m.group(0), "heading", block.text)
    return None


def _lead_evidence(block: Block, base: Evidence, own_bodies: Sequence[str]) -> Evidence | None:
    sentences = split_sentences(block.text)
    lead = sentences[0] if sentences else block.text
    for pattern, cue in _CENTRAL_LEADS:
        if pattern.match(lead):
            return Evidence(Tier.CENTRAL, cue, "paragraph", lead)
    if (own := _own_body(lead, own_bodies)) is not None:
        return Evidence(Tier.PARENT, own, "paragraph", lead)
    if m := _LOCAL_LEAD.match(lead):
        return _local(m["body"], "paragraph", lead, base)
    if (m := _MANY_UNITS_LEAD.match(lead)) or (m := _KIND_LEAD.match(lead)) or (
        (m := _OTHER_LEAD.match(lead)) and "召开" in lead
    ):
        return Evidence(Tier.OTHER_UNITS, m.group(0), "paragraph", lead)
    return None


def _local(cue: str, where: str, text: str, base: Evidence) -> Evidence:
    """A provincial or city meeting — unless the document reports on other localities, where a named
    province is one more other locality."""
    if base.tier == Tier.OTHER_UNITS:
        return Evidence(Tier.OTHER_UNITS, f"{cue} in a report on other localities", where, text)
    return Evidence(Tier.LOCAL, cue, where, text)


def _own_body(text: str, own_bodies: Sequence[str]) -> str | None:
    for body in own_bodies:
        if body and re.match(r"^" + _DATE + re.escape(body), text):
            return body
    if m := _OWN_LEAD.match(text):
        return m.group(0)
    return None


def _apply_mark(evidence: Evidence, mark: Mark | None) -> Evidence:
    if mark is Mark.CORE and evidence.tier < Tier.PARENT:
        return Evidence(Tier.PARENT, "marked core by the secretary", "mark", evidence.text)
    if mark is Mark.BACKGROUND and evidence.tier > Tier.COMMENTARY:
        return Evidence(Tier.COMMENTARY, "marked background by the secretary", "mark", evidence.text)
    return evidence


def _first_paragraph(document: Document) -> Block | None:
    return next((b for b in document.blocks if b.kind == "paragraph"), None)


def _squeeze(text: str) -> str:
    return re.sub(r"[^\u3400-\u9fffA-Za-z0-9]", "", text)
