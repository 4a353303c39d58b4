"""Questions about whole lists: 多选 on the items, and for numbered lists 单选 and 判断 as well.

Inline lists are blanked as a whole — the classic 党建 quiz form::

    ……以（　）为总要求，以一体推进学查改为抓手……
    A.立党为公 B.开门教育 C.为民造福 D.科学决策 E.真抓实干 F.查摆问题        答案 ACDE

Numbered lists (一是…二是…) and a speech's parts are named by their topic ("“五重五轻”", the section
heading) and asked as "下列属于…的有".  Wrong options always come from *other* lists (see
``distractors``) — for one part of a speech, preferably the items of its other parts — so a list question
is right by construction, never by judgement.

A 判断 on a numbered list states membership in plain words instead of chaining headings::

    在《…讲话》“精准聚焦目标任务，…见行见效”部分，分条提出的要求中包括“坚持问题导向，深入检视整改”。  正确
    在《…讲话》“精准聚焦目标任务，…见行见效”部分，分条提出的要求中包括“坚持分类指导，弘扬严实作风”。  错误

Its evidence is the whole list (lead-in and every item), so "not in the evidence" means "not in the list".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.attribution import meeting
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.distractors import Pools
from content.questions.enumerations import PARALLEL
from content.questions.examiner import fair_options
from content.questions.filters import PREDICTABLE, elaboration, predictability, rhetoric
from content.questions.formcue import unmarked
from content.questions.ids import question_id, stable_order
from content.questions.importance import REGIONAL
from content.questions.listcounts import MIN_WRONG, _counts, _kept, _keys, _run
from content.questions.requirements import LISTED
from content.questions.slots import Candidate, Enumeration, Evidence, Slot, SlotKind
from content.questions.text import (
    BLANK,
    GAP,
    MEMBER_LINKS,
    cjk_len,
    excerpt,
    join_lines,
    norm,
    width_variants,
    window,
)


def list_candidates(
    enum: Enumeration, pools: Pools, recurring: int, sections: Sequence[Enumeration] = ()
) -> list[Candidate]:
    """``sections``: the other numbered lists of the same document (their items are preferred wrong options)."""
    if enum.kind == "headings":
        return []  # a speech's outline is its author's arrangement, not a requirement worth remembering
    if enum.kind == "inline":
        return _inline_multiple(enum, pools, recurring) + (_count(enum, pools) if enum.count else [])
    return _numbered(enum, pools, sections)


def _pick(enum: Enumeration, pools: Pools, n: int, prefer: frozenset[str] = frozenset()) -> list[str]:
    value = enum.items[0]
    kind: SlotKind = "heading" if enum.kind == "headings" else "item"
    probe = Slot(
        kind,
        value,
        enum.evidence.text.find(value),
        enum.evidence,
        family=enum.family,
        label=enum.label if enum.count or enum.label.startswith(PARALLEL) else "",
        negative=enum.negative,
        role=enum.role,
    )
    limit = 2 * max(map(len, enum.items))
    # "立党为公" among "强化党性修养…" is found out by its length; the objects of repeated clauses vary anyway
    least = 0 if enum.label.startswith(PARALLEL) else min(cjk_len(i) for i in enum.items) - 1
    picked = pools.pick(probe, n + 10, prefer or pools.same_document(probe))
    read = pools.in_paragraphs(enum.evidence.doc_id, enum.lines or (enum.evidence.text,))
    # a wrong option must not echo any item ("重显绩轻潜绩" beside "重显轻隐"), not only the first
    # ... and within a key's length band, as the examiner demands: "先进典型事迹" among the Notice's long objects
    # of study ("习近平总书记关于…的重要论述") gives itself away, the next option of their length does not
    return [
        d.value
        for d in picked
        if least <= cjk_len(d.value) <= limit
        and fair_options((d.value,), enum.items)
        and not any(_echo(item, d.value) for item in enum.items)
        and not any(norm(d.value) in p for p in read)
    ][:n]


def _echo(item: str, value: str) -> bool:
    size = 2 if len(item) <= 6 else 4
    return any(item[i : i + size] in value for i in range(len(item) - size + 1) if "\u4e00" <= item[i] <= "\u9fff")


def _inline_multiple(enum: Enumeration, pools: Pools, recurring: int) -> list[Candidate]:
    ev = enum.evidence
    bare = _bare(enum, pools)
    if len(enum.items) < 3 or (min(cjk_len(i) for i in enum.items) < 4 and not bare) or enum.open == "……":
        # "解民忧、办实事": a two-part slogan is asked as a blank, not as a choice of halves; bare words
        # ("就业、教育、医疗") and three-character slogans have no wrong options of their own kind — unless
        # other passages list such words beside this list's ("不同层级、不同领域、不同岗位": ``_bare``); a list
        # the source leaves open ("本位主义、好大喜功……") cannot show any option to be wrong
        return []
    if any(predictability(i, enum.items) >= PREDICTABLE for i in enum.items):
        return []  # "认识上再深化、重点上再聚焦…": the pattern answers the question
    start, end = enum.starts[0], enum.starts[-1] + len(enum.items[-1])
    if ev.tier >= REGIONAL and start > 0 and ev.text[start - 1] == "“":
        return []  # a locality's quoted slogan ("明显好转、根本好转、最佳口碑")
    if elaboration(ev) or rhetoric(ev.text):
        return []  # a detail of a numbered point's elaboration, or a speech's closing flourish
    text, offset, from_start = excerpt(ev.text, start, end, limit=150, least=end - start + 20)
    if len(text) > 160 or cjk_len(text) - (end - start) < 8:
        return []
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None:
        return []
    where, sentence = framed.where, framed.sentence
    offset = framed.offset
    slot_key = "、".join(enum.items)
    seed = question_id("multiple", ev.text, slot_key)
    pool = _kept(enum, bare[:4] if bare else _pick(enum, pools, 4))
    n_correct, n_wrong = _counts(enum.items, seed, len(pool))
    first, last = _run(len(enum.items), seed, n_correct)
    correct = list(enum.items[first : last + 1])
    # the blank covers exactly the keyed items: "（　）" standing for four terms with three of them keyed has a
    # reader count four in the source and three among the keys (错误政绩观: 心浮气躁 was blanked, not offered)
    cut_from = offset + enum.starts[first] - start
    cut_to = offset + enum.starts[last] + len(enum.items[last]) - start
    stem = framed.text[:cut_from] + BLANK + framed.text[cut_to:]
    if enum.open == "等":
        # "认真落实（　）等工作安排": 等 may hold more than the text names, so the question asks what it names —
        # an option the text does not list is then surely wrong ("警示教育"), whatever 等 may cover
        noun = enum.role if _ROLE_NOUN.fullmatch(enum.role) else ""
        stem = f"{stem.rstrip()}{LISTED}{noun}有哪些？"
    wrong = unmarked(pool, correct, n_wrong)  # no "…导" pair among keys that end otherwise (examiner2, Q6)
    if len(wrong) < MIN_WRONG or len(correct) < 2:
        return []
    options = stable_order(seed, correct + wrong)
    answer = tuple(o for o in options if o in correct)
    score = 1.4 + (0.25 if ev.quoted else 0.0) + min(recurring - 1, 3) * 0.12 + (0.1 if enum.label else 0.0)
    quote = framed.quote
    expl = explanation("", quote, where, ev.document)
    q = new_question("multiple", ev, stem, options, answer, expl, slot_key, score)
    if sentence != ev.text:
        q = replace(q, sentence=sentence)
    return [
        Candidate(
            q, norm(slot_key), "item", group=_group(enum), paragraph=_paragraph(ev), tier=ev.tier, doc_tier=ev.doc_tier
        )
    ]


_ROLE_NOUN = re.compile(r"[\u4e00-\u9fff]{2,4}")  # "工作安排", "途径": what the list's 等 names
BARE_SIZE = 3  # words of at most this many characters have no slots of their own kind


def _bare(enum: Enumeration, pools: Pools) -> list[str]:
    """Wrong options for a list of bare words ("层级、地区、领域、行业"): words other passages list beside two or
    more of its items (``Pools.co_listed``: "不同岗位", "本部门"), of the items' length; two are needed."""
    if enum.open or enum.kind != "inline" or max(cjk_len(i) for i in enum.items) > BARE_SIZE:
        return []
    words = pools.co_listed(enum.items)
    return words if len(words) >= 2 else []


def _count(enum: Enumeration, pools: Pools) -> list[Candidate]:
    """How many items a counted list has, asked with the items left out ("评议结果分为……（　）。").

    With the items in the stem the answer could be counted off it, so they are omitted (``……``); the
    wrong counts are counts of the same measure (三个等次, 五个等次 …), made up when the text has none.
    """
    ev = enum.evidence
    start = enum.starts[0]
    at = ev.text.index(enum.count, enum.starts[-1] + len(enum.items[-1]))
    short = ev.text[:start] + GAP + ev.text[at:]
    text, offset = window(short, start + len(GAP), start + len(GAP) + len(enum.count))
    if len(text) > 150:
        return []
    from_start = not text.startswith(GAP) and short.startswith(text.split(GAP)[0])
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None:
        return []
    where, sentence = framed.where, framed.sentence
    offset = framed.offset
    before, after = framed.text[:offset], framed.text[offset + len(enum.count) :]
    stem = before + BLANK + after
    quote = ev.text[: at + len(enum.count)] + text[text.index(enum.count) + len(enum.count) :]
    expl = explanation("", quote if len(quote) <= 150 else text.replace(GAP, "", 1), where, ev.document)
    probe = Slot("number", enum.count, at, ev)
    picks = [d.value for d in pools.pick(probe, 3)]
    slot_key = f"{enum.count}#count"
    # how many grades a rule sets is the fact a member must know of the list: it outranks the list's items
    questions = [new_question("fill", ev, stem, (), width_variants(enum.count), expl, slot_key, 1.3)]
    if len(picks) >= 3:
        options = stable_order(question_id("single", ev.text, slot_key), [enum.count, *picks])
        questions.append(new_question("single", ev, stem, options, (enum.count,), expl, slot_key, 1.4))
    key, group, paragraph = norm(slot_key), _group(enum), _paragraph(ev)
    return [Candidate(replace(q, sentence=sentence), key, "rule", group=group, paragraph=paragraph) for q in questions]


def _numbered_stem(enum: Enumeration, many: bool) -> str:
    ask = "的有哪些？" if many else "的是哪一项？"
    if enum.kind == "headings":
        return f"{enum.topic}分为{len(enum.items)}个部分，下列属于其部分标题{ask}"
    trimmed = _named(enum).rstrip("—：:，,")
    # "第三条 党支部的基本任务是：" introduces the items itself, so it is quoted as a lead-in
    introduces = enum.context.endswith(("：", ":"))
    context = f"“{trimmed}……”" if introduces else (trimmed.rstrip("。") + "。" if trimmed else "")
    if enum.topic.startswith("《"):
        return f"{enum.topic}分条提出的要点中，下列属于其中{ask}"
    if enum.topic:
        return f"{context}下列属于{enum.topic}{ask}"
    asked = _required_of(enum, many)
    if asked:
        return f"{context}{asked}"
    return f"{context}下列属于其中分条列出的要点{ask}"


# "学校各级党组织要扎实推动…": whom the lead-in charges, before its 要 (a short noun phrase, no clause mark)
_CHARGED = re.compile(r"^(?P<who>[^，,。；;：:、“”要]{2,16})要")


def _required_of(enum: Enumeration, many: bool) -> str | None:
    """The question a lead-in that charges someone asks of its items, in the source's own words: "会议对学校各级
    党组织提出了哪些要求？" — not "下列属于其中分条列出的要点", which names the layout, not the content (bank of 13,
    e11).  ``None`` when the lead-in names no one it charges."""
    says = _MEETING_SAYS.match(enum.context)
    m = _CHARGED.match(enum.context[says.end() :] if says else enum.context)
    if m is None:
        return None
    who = "会议" if says else "其中"
    charged = m.group("who")
    return f"{who}对{charged}提出了哪些要求？" if many else f"下列哪一项是{who}对{charged}提出的要求？"


def _numbered(enum: Enumeration, pools: Pools, sections: Sequence[Enumeration]) -> list[Candidate]:
    ev = enum.evidence
    out: list[Candidate] = []
    if enum.topic.startswith("《") and _SPEECH.search(enum.topic):
        return out  # the points of a speech's part are its outline: which part holds which point is no fact
    base = 1.15 if enum.kind == "numbered" else 0.9
    base += 0.2 if enum.topic.startswith("“") else 0.0
    slot_key = "、".join(enum.items)
    seed = question_id("multiple", ev.text, slot_key)
    siblings = {item: _item_text(line) for e in sections for item, line in zip(e.items, e.lines, strict=False)}
    pool = _kept(enum, _pick(enum, pools, 4, frozenset(siblings)))
    n_correct, n_wrong = _counts(enum.items, seed, len(pool))
    wrong = pool[:3]  # the 单选 and the false statements below take three, as before
    where, quote = _source(enum)
    group = _group(enum)
    if wrong and len(enum.items) >= 2:
        correct = _keys(enum.items, seed, n_correct)
        options = stable_order(seed, correct + unmarked(pool, correct, n_wrong))
        answer = tuple(o for o in options if o in correct)
        q = new_question(
            "multiple",
            ev,
            _numbered_stem(enum, True),
            options,
            answer,
            explanation("", quote, where, ev.document),
            slot_key,
            base + 0.1,
        )
        out.append(Candidate(q, norm(slot_key), "item", group=group))
    if enum.kind != "numbered":
        return out
    # one 单选 and one true and one false membership statement per item; the ranker keeps the few best
    scope = _membership_scope(enum)
    for i, (item, line) in enumerate(zip(enum.items, enum.lines, strict=False)):
        if len(wrong) >= 3:
            options = stable_order(question_id("single", ev.text, item), [item, *wrong[:3]])
            q = new_question(
                "single",
                ev,
                _numbered_stem(enum, False),
                options,
                (item,),
                explanation("", quote, where, ev.document),
                item,
                base - 0.1 - 0.02 * i,
            )
            out.append(Candidate(q, norm(item), "item", group=group))
        if scope is None:
            continue
        said = _item_text(line) if _ORDINAL_MARK.match(line.strip()) else item
        statements = [(True, said, "正确。", TRUE_TEXT)]
        swap = wrong[i % len(wrong)] if wrong else ""
        if swap:
            statements.append((False, siblings.get(swap, swap), "错误。", FALSE_TEXT))
        for truth, said, verdict, answer_text in statements:
            stem = f"{scope}“{said.replace('“', '‘').replace('”', '’')}”。"
            q = new_question(
                "truefalse",
                ev,
                stem,
                (TRUE_TEXT, FALSE_TEXT),
                (answer_text,),
                explanation(verdict, quote, where, ev.document),
                f"{item}|{'T' if truth else 'F'}",
                base - 0.15 + (0.05 if swap in siblings and not truth else 0.0),
            )
            out.append(Candidate(q, norm(item), "item", truth, group))
    return out


_ORDINAL_MARK = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|[（(][一二三四五六七八九十]{1,3}[）)])")


def _item_text(line: str) -> str:
    """An item as a member would quote it: its first sentence without the ordinal or the full stop."""
    return _ORDINAL_MARK.sub("", line.strip()).rstrip("。；;")


def _membership_scope(enum: Enumeration) -> str | None:
    """The start of a 判断 statement "…，其中包括“X”。" — or ``None`` when the lead-in cannot carry it.

    A speech's part is named by its title; a list introduced by a sentence ("…概括为“五重五轻”——",
    "会议强调，…学习教育。") by that sentence.  A lead-in that ends in "是：" ("第三条 党支部的基本任务是：")
    names the list itself, so it becomes "第三条 党支部的基本任务包括“X”。".
    """
    if enum.topic.startswith("《") and enum.context:
        return f"在{enum.topic.removesuffix('部分')}{MEMBER_LINKS[0]}"
    context = _named(enum).strip().rstrip("—：:，,。")
    if not context or context.endswith(("如下", "为")):
        return None
    if context.endswith("是"):
        subject = context[:-1]
        return f"{subject}{MEMBER_LINKS[2]}" if cjk_len(subject) >= 4 else None
    if enum.context.rstrip().endswith(("：", ":")):
        return None
    return f"{context}{MEMBER_LINKS[1]}"


_SPEECH = re.compile(r"讲话|发言|致辞")
_MEETING_SAYS = re.compile(r"^会议(强调|指出|要求|提出)[，,]")


def _named(enum: Enumeration) -> str:
    """The list's lead-in with "会议强调，" naming its meeting ("…（扩大）会议强调：学校各级党组织要…")."""
    m = _MEETING_SAYS.match(enum.context)
    if m is None:
        return enum.context
    named = meeting("", [], enum.evidence.document)
    if named is None:
        return enum.context
    return f"{named[0]}{m.group(1)}：{enum.context[m.end() :]}"


def _source(enum: Enumeration) -> tuple[str, str]:
    """(where, quotation) for the explanation of a numbered list: the heading outside, the items inside."""
    body = join_lines(enum.lines or enum.items)
    if enum.topic.startswith("《") and enum.context:
        return enum.context, body
    if enum.context and not (enum.lines and enum.lines[0].startswith(enum.context.strip())):
        return "", join_lines([enum.context.strip(), *enum.lines])
    return "", body  # "第三条 党支部的基本任务是：（一）…" carries its lead-in already


def _group(enum: Enumeration) -> str:
    return "、".join(sorted(norm(f) for f in (enum.family or enum.items)))


def _paragraph(ev: Evidence) -> str:
    return f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
