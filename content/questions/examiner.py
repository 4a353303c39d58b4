"""The strict examiner's refusals and repairs, applied to every built candidate before ranking.

An independent reader (its tally and causes are in the README's content section) found a bank that was
*verified* but not worth answering: a template speech's misquoted formula asked as fact, another unit's
meeting treated as the branch's own, meeting dates and attendees, blanks the stem itself answers, options
of another length or shape than the key, and explanations that credit the Notice with what a meeting
said.  The builders cannot see these defects one question at a time — they need the finished stem, its
options and the corpus — so they are judged here, on the built :class:`Candidate`, in one place:

    wrong           a template speech's blank whose key the central texts never state ("融合为内生特点" where
                    the centre says "协调成为内生特点"), or that the centre already asks
    not worth       other units' material; meeting dates, attendees and issuing bodies (the title names the
                    issuer); a key the stem already states (its attribution "中央党的建设工作领导小组会议指出：
                    …（　）抓好统筹协调"), the document title names ("五重五轻"), or a series in the stem spells
                    ("学查改" → 实改); stock phrases (最大的政绩, 第一责任人, 必然要求, 重要任务) and significance
                    chains ("是…的必然要求，是…的重要举措"); a true 判断 copied from a row of work-style phrases
    in every tier   a dated visit ("2月9日至10日…慰问快递小哥"); a true 判断 of stock words ("扛起主体责任",
                    "重要意义"); a quoted catchword below the centre ("拧紧…的“（总开关）”", 各地“（新春第一会）”) —
                    neither the branch's own chain nor a secretary's mark makes these worth asking
    ambiguous       a 多选 on an open list ("…等各领域"); a stem trailing "……"
    give-away       options outside the key's length band (±30 %) or of another 重X轻Y shape; and the causes a
                    second examiner found in a bank of 36 (``giveaways``): a label its clause explains, a
                    parallel pattern, stock wording, an odd option, a false twin in the campaign's own words
                    or exchanging two phrases; a true copy with no plausible false twin (``asked_alone``)

``repair`` (``content.questions.repairs``) then gives fills their defensible variants (``variants``) and
makes explanations name the body that said the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from content.questions.closed import refit_closed
from content.questions.formulas import formula_refusal, one_polarity, patterned_twins
from content.questions.giveaways import CHECKABLE_TRUE, copied, giveaway
from content.questions.importance import CENTRAL, OTHERS, OWN, TEMPLATE
from content.questions.meetings import central_meeting_day
from content.questions.repairs import credited as credited
from content.questions.repairs import one_line as one_line
from content.questions.repairs import repair
from content.questions.requirements import list_items, twins
from content.questions.requirements import refusal as requirement_refusal
from content.questions.slots import Candidate
from content.questions.text import BLANK, cjk_len, norm
from content.questions.worth import refusal as worth_refusal

# keys any member fills from the phrase alone: "是（最大）的政绩", "履行好（第一责任人）责任"
STOCK_KEYS = frozenset({"最大", "第一责任人", "必然要求", "重要任务", "重要政治任务", "重要举措", "有效途径"})
# set pairs every member completes: "坚持（实事求是）、求真务实", "关乎（立党为公）、执政为民"
STOCK_PAIRS = (("实事求是", "求真务实"), ("立党为公", "执政为民"))
# a key the words just before the blank spell out: "结合不同层级、地区…实际，加强（分类指导）"
_PREDICTED_BY = (
    (re.compile(r"结合不同[^，。]{0,20}实际[，,]?加强$"), re.compile(r"^分类指导$")),
    (re.compile(r"压实$"), re.compile(r"责任$")),  # "要压实（工作责任）"
)
_PREDICTED_TRUE = (re.compile(r"结合不同[^，。]{0,20}实际[，,]?加强分类指导"),)
# what kind of thing a phrase of the campaign is: an option of another kind than the key gives it away
# ("通过督促检查、（调查研究）…等途径" against the principles 务求实效 / 统筹推进; 建章立制 against 经济指标)
KINDS: dict[str, str] = {
    **dict.fromkeys(
        (*("聚焦主题", "简约务实", "统筹推进", "务求实效", "标本兼治", "立党为公", "为民造福", "科学决策"),
         *("真抓实干", "实事求是", "求真务实", "执政为民")),
        "principle",
    ),
    **dict.fromkeys(
        ("生态保护", "产业发展", "科技创新", "城市治理", "民生保障", "民生改善", "安全稳定", "招商引资"), "field"
    ),
    **dict.fromkeys(
        ("学习研讨", "查摆问题", "问题查摆", "整改整治", "建章立制", "开门教育", "分类指导", "宣传引导", "真督实导",
         "警示教育", "督导检查"),
        "measure",
    ),
    **dict.fromkeys(("督促检查", "调查研究", "了解群众反映", "谈心谈话", "征求意见"), "way"),
    **dict.fromkeys(("讲授专题党课", "邀请专家辅导", "举办专题读书班", "专题读书班"), "study format"),
    **dict.fromkeys(("经济指标",), "noun"),
}
# a true claim made of these is affirmed by anyone: "…切实扛起主体责任，把…作为一项重要政治任务来抓"; the
# stock responsibility formulas every deployment of every campaign hands out ("各级党委（党组）要对学习教育负总责",
# "主要负责同志要履行好第一责任人责任") read true unread, whoever holds them (examiner's Q13, Q14)
STOCK_CLAIMS = ("重要意义", "主体责任", "负总责", "第一责任人", "一岗双责", "监督责任", "牵头抓总")
# a dated visit: "2月9日至10日，农历春节前夕，习近平总书记在北京考察，亲切慰问快递小哥。"
_DATED_EVENT = re.compile(r"^\d{1,2}月\d{1,2}日(?:至\d{1,2}日)?[^。]{0,30}?(?:考察|慰问|视察|看望|走访|调研)")
_SIGNIFICANCE = re.compile(r"是[^。]{4,60}的(?:必然要求|重要举措|有效途径|内在要求|根本要求)")
_MEETING_FACT = re.compile(r"召开|出席|主持|会议")
_OPEN_LIST = re.compile(r"（　）等(?:各|[^，。]{0,4}(?:领域|方面))")
_HEAVY = re.compile(r"^重([\u4e00-\u9fff]+)轻([\u4e00-\u9fff]+)$")
_HEAVY_ITEM = re.compile(r"重[\u4e00-\u9fff]{1,3}轻[\u4e00-\u9fff]{1,3}(?=[。，、；”]|$)")
_WORK_ROW = re.compile(r"[^，。；：]+")
_WORK_VERB = re.compile(r"^(?:要)?(?:压实|坚持|强化|注重|统筹|加强|做好|抓好|推进|落实|完善|健全|高质量|突出|深化)")
BAND = 0.3
MIN_MULTIPLE = 5  # options a 多选 keeps when an odd wrong one goes (four keys and one real wrong option)


def examine(
    candidates: Sequence[Candidate],
    central_text: str,
    titles: Collection[str],
    sources: Mapping[str, str] | None = None,
    corpus: str = "",
    texts: Mapping[str, str] | None = None,
    documents: Sequence[str] = (),
) -> list[Candidate]:
    """The candidates worth a member's two minutes, each refitted (options of the key's kind) and repaired
    (variants, the explanation's speaker); ``sources``: each document's 来源 by ``doc_id``; ``corpus``: every
    paragraph, which a false 判断 must not quote as its false version (``giveaways``); ``texts``: each document's
    text by ``doc_id`` — or its passages of one tier by ``"doc_id#tier"``, preferred — whose own requirements
    are no wrong option of its list (``refit``); ``documents``: each document's whole text, for how many
    documents repeat a true membership's item (``formulas.stock_item``)."""
    sources = sources or {}
    central_keys = {c.key for c in candidates if c.tier == CENTRAL}
    texts = texts or {}
    kept = [refit(c, central_text, _own_text(c, texts), corpus) for c in candidates]
    lists = list_items({c.fact for c in candidates if c.group})
    kept = [c for c in kept if refusal(c, central_text, titles, central_keys, corpus) is None
            and giveaway(c, corpus) is None and requirement_refusal(c, lists, central_text, KINDS) is None
            and worth_refusal(c) is None]
    # a false membership's item must not be its own document's words: the document whole, not one tier's passages
    own = {c.question.doc_id: texts.get(c.question.doc_id, "") for c in kept}
    plain = [c for c in kept if formula_refusal(c, corpus, documents, own[c.question.doc_id]) is None]
    twinned = patterned_twins(plain)  # 五重五轻 with 重速度轻质量 kept: a true item's pattern tells nothing
    kept = [c for c in kept if formula_refusal(c, corpus, documents, own[c.question.doc_id], twinned) is None]
    kept = one_polarity(kept)  # each list's membership asked true or false by its hash, never both
    paired = twins(kept)  # a 判断 whose list item a 多选 offers: the same answer twice
    kept = [c for c in kept if c.question.qid not in paired]
    # a list asked as a 多选 is not asked again by a blank on one of its items ("认真落实学习研讨、…、（　）、
    # 开门教育等工作安排" beside the 多选 on the 工作安排) nor by a true 判断 copying it: the same recall twice,
    # and the sentence's other fact ("坚持（聚焦主题）、简约务实") loses its place
    listed = {c.fact for c in kept if c.question.qtype == "multiple" and c.group}
    kept = [c for c in kept if not (c.fact in listed and (_item_fill(c) or (c.truth is True and _copy(c))))]
    return [repair(c, sources.get(c.question.doc_id, "")) for c in kept]


def _own_text(c: Candidate, texts: Mapping[str, str]) -> str:
    """What the candidate's speaker says in its document: its passages of the candidate's tier
    ("doc_id#tier") when given, else the whole document."""
    return texts.get(f"{c.question.doc_id}#{c.tier}", texts.get(c.question.doc_id, ""))


def asked_alone(kept: Sequence[Candidate]) -> list[Candidate]:
    """The examined candidates without the true copies no 判断 should make: a true copy must name something to
    check (a time, an occasion, a number, a body, a session), else it reads unaltered and that alone tells it
    is true ("行业系统主管部门党委（党组）要充分发挥…指导作用").  Applied before ``statements`` too: copies as the
    true options of a "下列表述正确的有" 多选 beside one altered option make the same free rule."""
    return [c for c in kept if not (c.truth and _copy(c) and c.kind not in CHECKABLE_TRUE)]


def _copy(c: Candidate) -> bool:
    return copied(c.question.stem, c.question.sentence)


def _item_fill(c: Candidate) -> bool:
    return c.kind == "item" and c.question.qtype == "fill"


def refit(c: Candidate, central_text: str, own_text: str = "", corpus: str = "") -> Candidate:
    """A 多选 whose wrong options are of another kind or shape gets ones of the keys' kind from the
    central texts (督促检查 / 调查研究 against the principles 务求实效 / 统筹推进 → none fit: it is refused), and a
    重X轻Y list asks the item whose shape its odd distractor shares ("重速度轻质量" beside "重局部轻全局").

    A phrase the question's own document requires elsewhere is no wrong option: "分类指导" and "宣传引导" are
    the Notice's requirements too, so a member may defend them as its 工作安排.  Given ``own_text``, the
    spare ones come from the central texts and then the rest of ``corpus`` (a speech's 警示教育), never from
    the document itself."""
    q = c.question
    if q.qtype != "multiple":
        return c  # a single with an odd option is refused instead: another builder asks the fact better
    if c.kind == "item" and c.group:
        shut = refit_closed(c, central_text, KINDS)
        if shut is not None:
            return shut
    keys = list(q.answer)
    line = norm(q.sentence)
    wanted = {KINDS[k] for k in keys if k in KINDS}
    options = list(q.options)
    if wanted:
        def fit(text: str) -> list[str]:
            return [
                p for p, kind in KINDS.items()
                if kind in wanted and norm(p) in norm(text) and norm(p) not in line
                and p not in options and not any(sorted(p) == sorted(k) for k in keys)
            ]

        central = fit(central_text)
        spare = [p for p in central if not (own_text and norm(p) in norm(own_text))]
        # only where the document's own requirements were all the centre offered does the rest of the corpus
        # serve: a list that had no same-kind alternative stays refused, whatever material is added
        fallback = bool(own_text) and not spare and len(central) > len(spare)
        if fallback:
            spare = [p for p in fit(corpus) if norm(p) not in norm(own_text)]
        for i, o in enumerate(options):
            if o not in keys and o in KINDS and KINDS[o] not in wanted and spare:
                options[i] = spare.pop(0)
        odd = [o for o in options if o not in keys and o in KINDS and KINDS[o] not in wanted]
        while fallback and odd and len(options) > MIN_MULTIPLE:  # one real wrong option beats an odd one
            options.remove(odd.pop())
    shapes = {_shape(k) for k in keys}
    if q.qtype == "multiple" and None not in shapes:
        for o in options:
            if o in keys or _shape(o) in shapes or _shape(o) is None:
                continue
            absent = [m for m in _HEAVY_ITEM.findall(q.sentence) if m not in options and _shape(m) == _shape(o)]
            same = [k for k in keys if _shape(k) != _shape(o)]
            if absent and len(same) > 1:
                out, into = same[-1], absent[0]
                options = [into if x == out else x for x in options]
                keys = [into if x == out else x for x in keys]
                shapes = {_shape(k) for k in keys}
    if options == list(q.options) and keys == list(q.answer):
        return c
    return replace(c, question=replace(q, options=tuple(options), answer=tuple(keys)))


def refusal(
    c: Candidate,
    central_text: str,
    titles: Collection[str] = (),
    central_keys: Collection[str] = (),
    corpus: str = "",
) -> str | None:
    """Why the examiner would refuse ``c`` (a short reason), or ``None`` when it is worth asking (``corpus``:
    every paragraph, whose meeting days are the wrong options of the central meeting's day)."""
    q = c.question
    if c.tier == OTHERS:
        return "another unit's material"
    keys = [a for a in q.answer if a not in ("正确", "错误")]
    # a branch that studies only a speech has no central text to check it against: its questions stand
    # a book a commentary names ("收录在《干在实处 走在前列》一书中") is its fact, not a formula it may misquote
    # ... and so is the occasion it reports a leader spoke on ("今年1月，在…研讨班开班式上，习近平…")
    if c.tier == TEMPLATE and c.kind not in ("reference", "occasion") and central_text and (
        any(norm(k) not in norm(central_text) for k in keys) or c.key in central_keys or not keys
    ):
        return "a template speech's formula the centre does not state, or already asks"
    # ... but the centre's own meeting's day, among the campaign's meeting days, is the campaign's fact
    meeting = c.kind in ("date", "person") and c.tier != OWN and _MEETING_FACT.search(q.sentence)
    if meeting and not central_meeting_day(c, corpus):
        return "a meeting's date or attendee"
    # the rules below hold in every tier: the branch's own chain and a secretary's core mark included
    if _DATED_EVENT.search(q.sentence.split("\n")[-1]):
        return "a dated visit or event (trivia in any passage)"
    # ... a duty's holder included: its false twin (``duties``) is the question, never the true copy
    stock = any(w in q.stem for w in (*STOCK_KEYS, *STOCK_CLAIMS))
    if q.qtype == "truefalse" and c.truth and stock:
        return "a true 判断 any member affirms from its stock words"
    if c.tier != CENTRAL and f"“{BLANK}”" in q.stem and not any(norm(k) in norm(central_text) for k in keys):
        return "a catchword of a passage below the centre, which the centre never states"
    if c.kind == "body" and (any(k in t for k in keys for t in titles) or "召开" in q.sentence):
        return "an issuer the document's title names, or who convened a meeting"
    stem = q.stem
    if q.qtype in ("single", "fill") and BLANK in stem:
        for k in keys:
            if norm(k) in norm(stem.replace(BLANK, "")):
                return "the stem states the key"
            if any(norm(k) in norm(t) for t in titles):
                return "the document's title names the key"
            if k in STOCK_KEYS or any(k in pair and "、".join(pair) in stem.replace(BLANK, k) for pair in STOCK_PAIRS):
                return "a stock phrase"
            before = stem[: stem.index(BLANK)]
            if any(p.search(before) and key.search(k) for p, key in _PREDICTED_BY):
                return "the words before the blank spell the key"
            if _series_spells(stem, k):
                return "a series in the stem spells the key"
            if _short_slogan(stem, k):
                return "an item of a three-character slogan (深学、真查、实改; 找差距、查根源、强修养)"
    # ... but the session a significance names is a fact: "是贯彻落实党的二十届（四中全会）战略部署…的必然要求"
    if _SIGNIFICANCE.search(stem) and not (c.kind == "reference" and q.qtype == "fill"):
        return "a significance chain"
    if stem.rstrip("？?").endswith("……"):
        return "a stem trailing ……"
    if q.qtype == "multiple" and _OPEN_LIST.search(stem):
        return "a 多选 on an open list"
    if q.qtype == "truefalse" and c.truth and any(_TRUE_GIVEN.search(stem) for _TRUE_GIVEN in _PREDICTED_TRUE):
        return "a true 判断 whose words predict its claim"
    statement = norm(re.sub(r"^(?:近日|日前)[，,]", "", stem).rstrip("。"))
    if q.qtype == "truefalse" and any(statement and statement in norm(t) for t in titles):
        return "a 判断 the document's title states"
    if q.qtype == "truefalse" and c.truth and _work_row(stem):
        return "a true 判断 copied from a row of work-style phrases"
    if q.qtype in ("single", "multiple") and not fair_options(q.options, keys):
        return "options of another length or shape than the key"
    if q.qtype == "fill" and _work_row(stem):
        return "a fill in a row of work-style phrases: several requirements fit the blank"
    if q.qtype in ("single", "multiple") and not same_kind(q.options, keys):
        return "an option of another kind than the key"
    if q.qtype == "truefalse" and not c.truth:
        line = q.sentence.split("\n")[-1]  # the statement's own sentence, not the lead glued before it
        swapped_in = [p for p in KINDS if p in stem and p not in line]
        swapped_out = [p for p in KINDS if p in line and p not in stem]
        if not same_kind(swapped_in, swapped_out):
            return "a false 判断 whose swapped phrase is of another kind"
    return None


def same_kind(options: Sequence[str], keys: Sequence[str]) -> bool:
    """Every option whose kind is known shares the key's kind (``KINDS``)."""
    wanted = {KINDS[k] for k in keys if k in KINDS}
    return not wanted or all(KINDS.get(o) in wanted for o in options if o not in keys and o in KINDS)


def _series_spells(stem: str, key: str) -> bool:
    """"在深学、真查、（实改）上…" beside "学查改": the list's last characters are written out in the stem."""
    filled = stem.replace(BLANK, key, 1)
    for run in re.finditer(r"[\u4e00-\u9fff]{2,4}(?:、[\u4e00-\u9fff]{2,4}){1,5}", filled):
        items = run.group(0).split("、")
        if not any(key in i for i in items):
            continue
        rest = filled[: run.start()] + filled[run.end() :]
        for spelled in ("".join(i[-1] for i in items), "".join(i[0] for i in items)):
            if len(spelled) >= 3 and spelled in rest:
                return True
    return False


def _short_slogan(stem: str, key: str) -> bool:
    """The blank is an item of a series of items of at most three characters: a slogan members recite."""
    if cjk_len(key) > 3:
        return False
    filled = stem.replace(BLANK, key, 1)
    for run in re.finditer(r"[\u4e00-\u9fff]{2,3}(?:、[\u4e00-\u9fff]{2,3}){1,5}", filled):
        if any(key in i for i in run.group(0).split("、")):
            return True
    return False


def _work_row(stem: str) -> bool:
    """"要压实工作责任，坚持分类指导，强化真督实导，注重宣传引导，…": four or more clauses, each a work verb
    and its object — a row every unit writes, whose every slot several requirements would fill."""
    body = stem.split("：", 1)[-1]
    clauses = [m.group(0) for m in _WORK_ROW.finditer(body)]
    verbs = [cl for cl in clauses if _WORK_VERB.match(cl) and cjk_len(cl) <= 12]
    return len(verbs) >= 4


def fair_options(options: Sequence[str], keys: Sequence[str]) -> bool:
    """Every wrong option within ±30 % of a key's length and, for 重X轻Y keys, of a key's shape."""
    if not keys:
        return True
    shapes = {_shape(k) for k in keys}
    for o in options:
        if o in keys:
            continue
        if not any(abs(cjk_len(o) - cjk_len(k)) <= max(1, round(BAND * cjk_len(k))) for k in keys):
            return False
        if any(s is not None for s in shapes) and _shape(o) not in shapes:
            return False
    return True


def _shape(text: str) -> tuple[int, int] | None:
    m = _HEAVY.match(text)
    return (len(m.group(1)), len(m.group(2))) if m else None
