"""Single-span questions: blank a slot in a window of its sentence, or swap it for a 判断 statement.

From one slot — say "2月24日" in "2月24日，中央党的建设工作领导小组召开会议，……" — come up to four
candidates; the ranker keeps the best and never two with near-identical stems::

    single     中央党的建设工作领导小组召开会议，…，是在哪一天？  A.2月24日 B.2月26日 C.3月5日 D.2月28日
    fill       （　），中央党的建设工作领导小组召开会议，…   答案 2月24日
    truefalse  2月24日，中央党的建设工作领导小组召开会议，…   正确
    truefalse  2月26日，中央党的建设工作领导小组召开会议，…   错误（原文：2月24日…）

A 单选 on a body or a date is asked as a question ("哪个单位…？", "…是在哪一天？"); any other 单选 keeps
the classic blank.  A window that opens without its subject ("要…", "会议强调…") is introduced by what
names it: the paragraph's first sentence when that names an actor ("安徽省委要求…"), else the heading
above ("【龙岩高新区】"), else — only for openings that cannot stand alone — the document's title.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import cast

from content.model import FALSE_TEXT, TRUE_TEXT, Question, QuestionType
from content.questions.attribution import Speaker, find_speaker, naming_sentence, opener
from content.questions.combined import ROLE as COMBINED
from content.questions.distractors import Pools
from content.questions.filters import checkable, plausible_swap
from content.questions.ids import question_id, stable_order
from content.questions.importance import CENTRAL, OTHERS
from content.questions.quantities import Bound, stricter
from content.questions.slots import Candidate, Evidence, Slot
from content.questions.text import (
    ARTICLE_SAYS,
    ASK_BODY,
    ASK_DAY,
    ASK_TAIL,
    ASK_WHEN,
    BLANK,
    cjk_len,
    clip,
    excerpt,
    norm,
    quoted,
    short_title,
    width_variants,
)

KIND_WEIGHT = {
    "item": 1.0,
    "number": 0.9,
    "date": 0.85,
    "term": 0.65,
    "body": 0.75,
    "keyword": 0.7,
    "person": 0.6,
    "frequency": 0.9,
    "ordinal": 0.9,
    "fraction": 0.85,
}
_EVENT = re.compile(r"召开|举行|举办|出席|主持|印发|发布|考察|调研|慰问|视察|开班|会议")
_VAGUE_OPENING = re.compile(r"^(会议|要|这|该|此|其|同时|对此|他|她|我们)")
_ACTOR_SUBJECT = re.compile(
    r"^(?:[^，。]{0,16}[，,])?(?:习近平|中共中央|党中央|中央办公厅|中央党的建设工作领导小组|中共中央政治局常委|"
    r"[\u4e00-\u9fff]{2,10}(?:省委|市委|区委|党组|党委|党工委|领导小组|常委会))"
    r"[^。；]{0,24}?(?:召开|印发|主持|出席|概括|发出|考察|慰问|给|审议|成立)"
)
_CONJUNCTION = re.compile(r"^(?:而是|而且|但是|但|所以|因此|不是|并且|并|而|也|还|又|甚至|同时)")
_QUOTING_HIM = re.compile(r"^(强调|提出|明确|指出)“")
_HE_SAYS = re.compile(r"^(?:他|她)(指出|强调|表示)[，,]")
_SPEECH = re.compile(r"讲话|发言|致辞|党课")
_LOCAL_SELF = re.compile(r"我省|我市|我区|我县|本省|本市|全省|全市")
_REGION_WORD = re.compile(r"省|市|区|县")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇两\d]{1,4}条)(?=[\s\u3000]|[\u4e00-\u9fff])")
MAX_WINDOW = 150
EXPLANATION_LIMIT = 200


def explanation(verdict: str, original: str, where: str = "", document: str = "") -> str:
    """``出自《…》。原文：“…”`` — the document named, the true text quoted, all within Telegram's 200 characters.

    ``where`` names the part of the document the text sits under ("第七条"), outside the quotation:
    ``原文（第七条）：“…”``.
    """
    named = f"出自《{short_title(document)}》。" if document else ""
    head = f"{verdict}{named}原文（{where}）：" if where else f"{verdict}{named}原文："
    room = EXPLANATION_LIMIT - len(head) - 2
    return head + quoted(clip(original, room))


# What ``explanation`` writes without a ``where``: "出自<speaker or document>。原文：“<the sentence>”" (a 判断's
# starting with 正确。/错误。).  Feedback reads it back to show the source once and the sentence asked once,
# where the stored source sentence may carry the lead that proves the speaker.
_CITED = re.compile(r"^(?:(?:正确|错误)。)?出自(?P<source>.+?)。原文：“(?P<quote>.+)”。?$", re.S)


@functools.lru_cache(maxsize=4096)
def cited(text: str) -> tuple[str, str] | None:
    """(who or what it comes from, the quoted sentence) of an explanation ``explanation`` wrote; else ``None``."""
    found = _CITED.match(text.strip())
    return (found["source"], found["quote"]) if found else None


@dataclass(frozen=True)
class Framed:
    """A stem's text that stands alone: ``text`` holds the span at ``offset``; ``quote`` is what the source says."""

    text: str
    offset: int
    quote: str
    where: str
    sentence: str  # the evidence: the sentence, with the line that names its speaker when that is elsewhere
    prefix: str = ""


def stand_alone(ev: Evidence, text: str, offset: int, from_start: bool, kind: str = "") -> Framed | None:
    """``text`` (an :func:`excerpt` of ``ev``) as a stem that says whose statement it is; ``None`` when unclear.

    A rule's sentence is named by its article ("第七条规定："); a sentence about who met when ("2月24日，…召开
    会议") names itself; any other sentence is introduced by its speaker (``attribution``).  A stem that
    speaks of "我省/我市" must name a body, not only a document.
    """
    article = _article(ev)
    if article:  # a rule's sentence is named by its article: "第七条规定：……"
        if from_start and text.startswith(article):
            return Framed(text, offset, text, "", ev.text)
        prefix = f"{article}{ARTICLE_SAYS}"
        return Framed(prefix + text, offset + len(prefix), text, article, f"{article}\n{ev.text}", prefix)
    # a sentence about who met, issued or visited when names itself; a campaign's own dates are a requirement
    # someone stated ("学习教育…于2026年春节假期后启动、7月底基本结束": the Notice's), said as theirs
    if kind in ("body", "person") or (kind == "date" and _EVENT.search(ev.text)):
        if not from_start or _VAGUE_OPENING.match(text):
            return None
        return Framed(text, offset, text, "", ev.text)
    if not from_start and _CONJUNCTION.match(text):
        return None  # "而是着力…", "所以不少…": half a thought
    he = _HE_SAYS.match(ev.text)
    if from_start and he and "习近平" in ev.lead and offset >= he.end():
        prefix = f"习近平{he.group(1)}："  # "他指出，…" after "…习近平给错误政绩观“画像”"
        rest = text[he.end() :]
        sentence = f"{ev.lead}\n{ev.text}"
        return Framed(prefix + rest, offset - he.end() + len(prefix), rest, "", sentence, prefix)
    quoting = _QUOTING_HIM.match(text)
    if from_start and quoting and "习近平总书记" in ev.heading and offset >= quoting.end() - 1:
        # "强调“所有规划都要实事求是…”" under "…习近平总书记重要论述…": his words, said as his
        line = naming_sentence(ev.section, "习近平总书记")  # a sentence of the section, never its heading
        if line is None:
            return None
        prefix = f"习近平总书记{quoting.group(1)}："
        rest = text[len(quoting.group(1)) :]
        sentence = f"{line}\n{ev.text}"
        return Framed(prefix + rest, offset - len(quoting.group(1)) + len(prefix), rest, "", sentence, prefix)
    own = opener(ev.text)
    if from_start and own is not None and own[0] != "会议":
        return Framed(text, offset, text, "", ev.text)
    if from_start and own is None and _ACTOR_SUBJECT.search(text[:30]):
        return Framed(text, offset, text, "", ev.text)  # "中共中央政治局常委…李希出席会议", "习近平将…概括为"
    if own is not None and own[0] != "会议":
        speaker: Speaker | None = Speaker(own[0], own[1])
    else:
        speaker = find_speaker(
            ev.text,
            ev.lead,
            ev.heading,
            list(ev.section),
            ev.document,
            speech=bool(_SPEECH.search(ev.document)),
            report=ev.doc_tier >= OTHERS,
            central=ev.tier == CENTRAL,
        )
    if speaker is None:
        return None
    if from_start and own is not None:  # "会议强调，要…" → "…会议强调：要…"
        cut = own[2]
        if offset < cut:
            return None
        text, offset = text[cut:], offset - cut
    if _LOCAL_SELF.search(text) and not _REGION_WORD.search(speaker.who):
        return None  # "我省" said by a document, not by a province: no referent
    prefix = speaker.prefix()
    if text.startswith(speaker.verb) and offset >= len(speaker.verb):
        text, offset = text[len(speaker.verb) :], offset - len(speaker.verb)  # "强调“…”" after "《通知》强调："
    sentence = f"{speaker.line}\n{ev.text}" if speaker.line and speaker.line != ev.text else ev.text
    return Framed(prefix + text, offset + len(prefix), text, "", sentence, prefix)


def _article(ev: Evidence) -> str:
    """The article ("第七条") a sentence of a rule belongs to: its paragraph opens with the marker."""
    m = _ARTICLE.match(ev.lead or ev.text)
    return m.group(1) if m else ""


def ask(stem: str, slot: Slot) -> str:
    """A 单选 stem as a question when the blank is a body or a date; otherwise the blank stays."""
    if slot.kind == "body":
        return stem.replace(BLANK, ASK_BODY, 1).rstrip("，,；;。…") + "？"
    if slot.kind != "date":
        return stem
    if stem.startswith(BLANK):
        rest = stem[len(BLANK) :]
        when = "上午" if rest.startswith("上午") else "下午" if rest.startswith("下午") else ""
        rest = rest[len(when) :].lstrip("，,")
        if cjk_len(rest) >= 8:
            return rest.rstrip("，,；;。…") + f"{ASK_TAIL}{when}？"
    word = ASK_DAY if slot.value.endswith("日") else ASK_WHEN
    return stem.replace(BLANK, word, 1).rstrip("，,；;。…") + "？"


def new_question(
    qtype: QuestionType,
    ev: Evidence,
    stem: str,
    options: tuple[str, ...],
    answer: tuple[str, ...],
    expl: str,
    slot: str,
    score: float,
    sentence: str | None = None,
) -> Question:
    """A generated question; its id hashes the evidence text and slot, ``sentence`` is what a member is shown."""
    return Question(
        qid=question_id(qtype, ev.text, slot),
        qtype=qtype,
        stem=stem,
        options=options,
        answer=answer,
        explanation=expl,
        doc_id=ev.doc_id,
        document=ev.document,
        sentence=ev.text if sentence is None else sentence,
        score=round(score, 4),
    )


def cloze_candidates(slot: Slot, pools: Pools, recurring: int) -> list[Candidate]:
    """Every question a slot can make; ``recurring`` = in how many documents its value appears."""
    ev = slot.evidence
    if "\n" in ev.text:
        return []
    text, offset, from_start = excerpt(ev.text, slot.start, slot.end)
    if len(text) > MAX_WINDOW:
        return []
    framed = stand_alone(ev, text, offset, from_start, slot.kind)
    if framed is None:
        return []
    where, sentence = framed.where, framed.sentence
    offset = framed.offset
    before, after = framed.text[:offset], framed.text[offset + len(slot.value) :]
    stem = before + BLANK + after
    true_text = before + slot.value + after
    quote = framed.quote
    base = KIND_WEIGHT[slot.kind] + (0.25 if ev.quoted else 0.0) + min(recurring - 1, 2) * 0.08
    base += 0.1 if 16 <= cjk_len(text) <= 90 else -0.15
    if slot.kind in ("date", "body") and "召开" in text:
        base -= 0.15  # which day / which body held a meeting: easy to make, dull in bulk
    out: list[Candidate] = []
    # a rule's quantity (每季度, 至少一次, 连续六个月, 不少于32学时) is a kind of its own for the ranker's limits
    rule = slot.kind in ("frequency", "ordinal", "fraction") or (
        slot.kind == "number" and (bool(slot.bound) or not slot.value[:1].isdigit())
    )
    rank_kind = "rule" if rule else "role" if slot.kind == "term" and slot.label else slot.kind
    key = norm(slot.value)
    if slot.kind in ("number", "frequency", "ordinal", "fraction") and ev.block >= 0:
        # "每年" or "一次" in another article is another fact: a quantity is one question per paragraph
        key = f"{key}@{ev.doc_id}#{ev.block}"
    nth = ev.text.count(slot.value, 0, slot.start)
    slot_id = slot.value if nth == 0 else f"{slot.value}#{nth}"
    group = "、".join(sorted(norm(f) for f in slot.family)) if len(slot.family) > 1 else key

    def make(
        qtype: QuestionType,
        stem_: str,
        options: tuple[str, ...],
        answer: tuple[str, ...],
        expl: str,
        slot_key: str,
        score: float,
        truth: bool | None = None,
    ) -> Candidate:
        q = new_question(qtype, ev, stem_, options, answer, expl, slot_key, score, sentence=sentence)
        paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
        return Candidate(q, key, rank_kind, truth, group, paragraph, ev.tier, ev.doc_tier)

    doc = ev.document

    # fill-in: every slot, key words of sayings only this way
    fill_bonus = 0.1 if slot.kind in ("item", "keyword", "term", "number", "frequency", "ordinal", "fraction") else -0.1
    fill_bonus -= 0.05 * max(0, cjk_len(slot.value) - 6)
    out.append(
        make(
            "fill", stem, (), width_variants(slot.value), explanation("", quote, where, doc), slot_id, base + fill_bonus
        )
    )
    if slot.kind == "keyword" or slot.role == COMBINED:
        # what a list combines the campaign with ("中央巡视整改…等相结合") has no alternatives of its own kind
        # in the corpus: a choice among "城市治理, 产业发展" would be answered by form
        return out
    if slot.kind == "term" or (slot.kind == "item" and (len(slot.family) == 2 or cjk_len(slot.value) < 3)):
        # "上有政策、下有对策": one half of a slogan, or a bare word ("医疗"), is asked as a blank only; so is a
        # quoted term: terms are of too many kinds ("第一责任人", "短平快", "政企圆桌会") to be options of each other
        return out
    # real alternatives first: the other items of the same document's lists
    same = pools.same_document(slot)
    ranked = pools.pick(slot, 8 if slot.bound else 3, same)
    picks = ranked[:3]
    if len(picks) >= 3:
        quality = sum(d.quality for d in picks) / len(picks) - (0.6 if _giveaway(slot, picks) else 0.0)
        qid_seed = question_id("single", ev.text, slot_id)
        options = stable_order(qid_seed, [slot.value] + [d.value for d in picks])
        out.append(
            make(
                "single",
                ask(stem, slot),
                options,
                (slot.value,),
                explanation("", quote, where, doc),
                slot_id,
                base + 0.5 * quality + 0.05,
            )
        )
    claim = checkable(quote, slot)
    if not claim:
        return out
    out.append(
        make(
            "truefalse",
            true_text,
            (TRUE_TEXT, FALSE_TEXT),
            (TRUE_TEXT,),
            explanation("正确。", quote, where, doc),
            f"{slot_id}|T",
            base - 0.05,
            truth=True,
        )
    )
    # under a bound only a stricter value is surely false: "至少召开两次" is, "至少召开半次" is merely weaker
    # a false statement swaps in a real alternative the same document offers (items), or a value of the kind
    swapped = pools.pick(slot, 8, same) if slot.kind == "item" else ranked
    swaps = [
        d
        for d in swapped
        if stricter(cast(Bound, slot.bound), slot.value, d.value, slot.kind) and plausible_swap(slot, d.value, same)
    ]
    if swaps and slot.kind != "term":
        # quoted terms are of too many kinds (metaphors, slogans, plan names): "拧紧…的“短平快”" is false
        # at a glance, so a term is only ever stated truly
        swap = swaps[0]
        false_text = before + swap.value + after
        out.append(
            make(
                "truefalse",
                false_text,
                (TRUE_TEXT, FALSE_TEXT),
                (FALSE_TEXT,),
                explanation("错误。", quote, where, doc),
                f"{slot_id}|F",
                base - 0.1 + 0.4 * swap.quality,
                truth=False,
            )
        )
    return out


def _giveaway(slot: Slot, picks: list) -> bool:
    """Siblings all start like the answer and no distractor does ("亲自部署、亲自过问…")."""
    head = slot.value[:2]
    siblings = [f for f in slot.family if f != slot.value]
    return (
        bool(siblings)
        and all(f.startswith(head) for f in siblings)
        and not any(d.value.startswith(head) for d in picks)
    )
