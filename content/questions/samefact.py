"""One fact as a reader sees it, and one question that hands another its answer.

A tester reviewing the bank saw the 总要求 asked three times — a 多选 and a 判断 the ranker counted as one
fact, and a curated 单选 it never counted — and a 学校 blank on "深入基层抓好（开门教育）" beside the Notice's
多选 on the same 工作安排 list under another name.  And the 总要求 多选's stem ("以（　）为总要求，以一体推进学查改为
抓手") states the key of the blank "以（　）为抓手": in one quiz each gives the other away.  So::

    merge_facts      facts that name the same list are one fact: a list's items under another order or
                     wording ("查摆问题" / "问题查摆"), a list's part ("siblings:" four of the six
                     工作安排), a description of its items ("described:")
    curated_facts    a curated question asks the fact whose list its answer spells, or whose key it is
    gives_away       a question's stem or options show another's key where that one's blank stands
                     ("以一体推进学查改为抓手" against "以（　）为抓手"), or half of a 多选's keys in its stem
                     ("…强化立党为公、为民造福理念" against the 总要求's four), all but one in an option, or
                     the words a false 判断 swapped out ("坚持聚焦主题、简约务实，不分批次、不划阶段" against
                     "…分两批次、分三阶段"), or the claim a true 判断 states (``judged.claimed``: the 工作安排
                     多选's "…简约务实，不分批次、不划阶段，…" beside the true "…不分批次、不划阶段。"); an option
                     counts as a stem for a 多选's keys
    leaking          the curated questions that show another question's answer: held back and named, the
                     secretary rewrites them (a hand-written question passes the same check as a generated one)

The ranker keeps the better of two questions that give each other away (it meets the better one first).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from content.model import Question
from content.questions.judged import CONTEXT, cjk, claimed, swapped_out
from content.questions.slots import Candidate
from content.questions.text import BLANK, QUOTED_SOURCE, norm, split_attribution

_PREFIXES = ("described:", "siblings:")
MIN_SHARED = 3  # items two lists must share to be one list
ASKED_KEY = 8  # characters of a question-form 单选's key another stem must state to answer it
DISTINCT = 5  # characters in a row of such a key, in no wrong option, that answer it as well ("县处级以上")
_SUBJECT_VERB = re.compile(r"通过|要|应当|必须")  # where a requirement's subject ends and its action begins


def items_of(fact: str) -> frozenset[str] | None:
    """The items of a list fact ("A、B、C", "siblings:A、B、C"), each as its sorted characters (so "查摆问题"
    and "问题查摆" are one item), or ``None`` for a fact that is no list."""
    for prefix in _PREFIXES:
        fact = fact.removeprefix(prefix)
    if ":" in fact or "→" in fact or "、" not in fact:
        return None
    return frozenset("".join(sorted(cjk(item))) for item in fact.split("、") if item)


def merge_facts(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates with every list fact named by its fullest form (see the module docstring)."""
    lists = {f: s for f in {c.fact for c in candidates} if (s := items_of(f)) is not None}
    # the fullest list first: a part joins the first list that holds it
    order = sorted(lists, key=lambda f: (-len(lists[f]), f.startswith(_PREFIXES), f))
    canon: dict[str, str] = {}
    for fact in order:
        mine = lists[fact]
        canon[fact] = next(
            (
                canon[other]
                for other in order
                if other in canon and len(mine & lists[other]) >= min(MIN_SHARED, len(mine)) and mine <= lists[other]
            ),
            fact,
        )
    return [replace(c, group=canon[c.fact]) if canon.get(c.fact, c.fact) != c.fact else c for c in candidates]


def curated_facts(questions: Iterable[Question], facts: Iterable[str]) -> dict[str, str]:
    """``qid → fact`` for curated questions that ask a fact the generated ones ask: their answer spells the
    fact's list ("立党为公、为民造福、科学决策、真抓实干") or is its key."""
    known = list(dict.fromkeys(facts))
    lists = {f: s for f in known if (s := items_of(f)) is not None}
    out: dict[str, str] = {}
    for q in questions:
        if q.origin != "curated":
            continue
        for answer in q.answer:
            said = items_of(answer) or frozenset()
            found = next((f for f, s in lists.items() if len(s) >= 2 and s <= said), None)
            if found is None and norm(answer) in {norm(f) for f in known}:
                found = next(f for f in known if norm(f) == norm(answer))
            if found is not None:
                out[q.qid] = found
                break
    return out


def gives_away(shown: Question, asked: Question) -> bool:
    """Whether ``shown``'s stem, options or quoted source reveal ``asked``'s answer (see the module docstring).

    A member sees a question's explanation right after answering it, in the same session as the next one: the
    source it quotes counts as its stem ("…学习教育以县处级以上…为重点，于2026年春节假期后启动、7月底基本结束"
    quoted by "以谁为重点？" answers "何时启动、何时基本结束？")."""
    if shown.qid == asked.qid:
        return False
    seen = f"{shown.stem}\n{quoted_source(shown.explanation)}"
    if asked.qtype == "truefalse":
        original = swapped_out(asked)
        # one side's context is enough: "…简约务实，不分批次、不划阶段。" states it at a stem's end as well
        stem = cjk(seen)  # an option is no claim: only a stem (or the source it quotes) states it
        if not original:  # a true one: another stem stating what it claims affirms it (round 5)
            claim = claimed(asked)
            return bool(claim) and claim in stem
        return original[:-CONTEXT] in stem or original[CONTEXT:] in stem
    keys = [cjk(k) for k in asked.answer if len(cjk(k)) >= 2]
    if not keys:
        return False
    stem = cjk(seen)
    if asked.qtype == "multiple" and len(keys) >= 3:
        # one option that lists them gives them away as well as a stem: the curated 总要求 单选's wrong
        # option "学习研讨、查摆问题、整改整治、建章立制" beside the 工作安排 多选
        if any(sum(k in cjk(o) for k in keys) >= len(keys) - 1 for o in shown.options):
            return True
        # a stem hands over half of them: the study list's "…进一步强化立党为公、为民造福理念" shows two of the
        # 总要求's four keys, which "most of them" (all but one) let through (examiner round 2, Q8 and Q6)
        return sum(k in stem for k in keys) >= max(2, (len(keys) + 1) // 2)
    if BLANK not in asked.stem:
        # a question asked as a question ("…以谁为重点？"): a stem that states its long key answers it, and so
        # does one that states the part of it no wrong option has ("县处级以上领导班子及其成员通过…": round 4)
        return asked.qtype == "single" and any(
            (len(k) >= ASKED_KEY and k in stem) or _distinctive_run(k, asked, stem) for k in keys
        )
    if _missing_item(seen, asked.stem, keys):
        return True
    before, after = asked.stem.split(BLANK, 1)
    left, right = cjk(before)[-CONTEXT:], cjk(after)[:CONTEXT]
    texts = [stem, *(cjk(o) for o in shown.options)]
    spans = [s for k in keys for s in (left + k if left else "", k + right if right else "") if s]
    return any(s in t for s in spans for t in texts)


def quoted_source(explanation: str) -> str:
    """The source an explanation quotes (``原文：“…”``), or "" when it quotes none."""
    m = QUOTED_SOURCE.search(explanation)
    return m.group(1) if m else ""


def _distinctive_run(key: str, asked: Question, stem: str) -> bool:
    """Whether ``stem`` states ``DISTINCT`` or more characters of ``key`` in a row that at most half the options
    have: with no wrong option it answers the question, with as many wrong options as right it halves the choice
    — the rank "县处级以上领导班子及其成员通过…" states against a balanced 2×2 of ranks and groups (bank of 11, Q7)."""
    options = [cjk(o) for o in asked.options]
    for i in range(len(key) - DISTINCT + 1):
        run = key[i : i + DISTINCT]
        if run in stem and 2 * sum(run in o for o in options) <= len(options):
            return True
    return False


def rivals(question: Question, chosen: Iterable[Question]) -> Question | None:
    """The first of ``chosen`` that gives ``question``'s answer away or whose answer it gives away."""
    return next((p for p in chosen if gives_away(p, question) or gives_away(question, p)), None)


def over_asked(bank: Sequence[Question], fact_of: Mapping[str, str], limit: int) -> set[str]:
    """The generated questions beyond ``limit`` per fact (curated ones count first, then the bank's order),
    and those a curated question gives away or that give a curated one away — where another question asks
    their fact (the only question of a fact stays: ``curated_rivals`` names the pair)."""
    curated = [q for q in bank if q.origin == "curated" and q.enabled]
    ordered = curated + [q for q in bank if q.origin != "curated" and q.enabled]
    seen: dict[str, int] = {}
    out: set[str] = set()
    asked = Counter(fact_of[q.qid] for q in ordered if q.qid in fact_of)
    for q in ordered:
        fact = fact_of.get(q.qid)
        if q.origin != "curated" and rivals(q, curated) is not None and (fact is None or asked[fact] >= 2):
            out.add(q.qid)  # another question asks its fact: nothing is lost
            asked[fact or ""] -= 1
            continue
        if fact is None:
            continue
        seen[fact] = seen.get(fact, 0) + 1
        if seen[fact] > limit and q.origin != "curated":
            out.add(q.qid)
    return out


def leaking(bank: Sequence[Question]) -> list[tuple[str, str]]:
    """(curated, other) pairs where the enabled curated question's stem or options show the other's answer:
    the curated one is held back — a secretary's question may not hand another its key any more than a
    generated one may."""
    shown = [q for q in bank if q.enabled]
    out: list[tuple[str, str]] = []
    for q in shown:
        if q.origin != "curated":
            continue
        victim = next((p for p in shown if p.qid != q.qid and not _held(p, out) and gives_away(q, p)), None)
        if victim is not None:
            out.append((q.qid, victim.qid))
    return out


def untangle(bank: Sequence[Question], sound: Callable[[Question], bool] = lambda q: True) -> list[Question]:
    """The bank with each generated stem that shows another question's answer in a clause of its own cut
    of that clause: "…简约务实，不分批次、不划阶段，认真落实（　）等工作安排" states what the 判断 "…分两批次、分三阶段"
    asks, and the 工作安排 need not say it.  The blank's clause and the speaker stay; a stem that would still
    give the answer away, or that ``sound`` (verification) rejects, is left as it is (``curated_rivals`` names
    the pair): a fill's stem must stay verbatim, so it loses its last clauses only."""
    shown = [q for q in bank if q.enabled]
    out = []
    for q in bank:
        victims = [p for p in shown if q.enabled and q.origin != "curated" and gives_away(q, p)]
        for p in victims:
            cut = _cut(q, p)
            q = cut if sound(cut) else q
        out.append(q)
    return out


def _cut(q: Question, p: Question) -> Question:
    """``q`` without the one clause of its stem that tells ``p``'s answer, or ``q`` unchanged; then, if its
    explanation still tells it, without the quoted clauses that do (:func:`_cut_quote`)."""
    clauses = q.stem.split("，")
    leaks = _leaks(p)
    scored = [
        (sum(len(x) for x in leaks if x and (x in cjk(c) or cjk(c) in x)), i)
        for i, c in enumerate(clauses)
        if i > 0 and BLANK not in c
    ]
    for score, i in sorted(scored, reverse=True):
        if not score:
            break
        kept = clauses[:i] + clauses[i + 1 :]
        stem = "，".join(kept) if i < len(clauses) - 1 else "，".join(kept) + "。"
        cut = replace(q, stem=stem)
        if not gives_away(cut, p):
            return cut
        cut = _cut_quote(cut, p)
        if not gives_away(cut, p):
            return cut
    for cut in (_cut_subject(q, p), _cut_quote(_cut_subject(q, p), p), _cut_quote(q, p)):
        if cut != q and not gives_away(cut, p):
            return cut
    return q


def _cut_subject(q: Question, p: Question) -> Question:
    """``q`` whose claim opens without the subject that tells ``p``'s answer: "《通知》强调：县处级以上领导班子及其成员
    通过督促检查、…（　）等途径…" → "《通知》强调：通过督促检查、…" beside "以谁为重点？" (the blank and its verb
    stay)."""
    who, claim = split_attribution(q.stem)
    head = claim.split("，", 1)[0]
    m = _SUBJECT_VERB.search(head)
    if not who or m is None or m.start() == 0 or BLANK in head[: m.start()]:
        return q
    subject = cjk(head[: m.start()])
    if not any(x and (x in subject or subject in x or _shares_run(x, subject)) for x in _leaks(p)):
        return q
    said = head[: m.start()]
    quote = quoted_source(q.explanation)
    explanation = q.explanation
    if said in quote:  # the quotation loses it too, marked: the member reads it right after answering
        explanation = explanation.replace(f"“{quote}”", "“" + quote.replace(said, "……", 1) + "”", 1)
    return replace(q, stem=q.stem[: len(q.stem) - len(claim)] + claim[m.start() :], explanation=explanation)


def _shares_run(a: str, b: str) -> bool:
    return any(a[i : i + DISTINCT] in b for i in range(len(a) - DISTINCT + 1))


def _leaks(p: Question) -> list[str]:
    if p.qtype == "truefalse":
        leak = swapped_out(p)[CONTEXT:-CONTEXT] or claimed(p)
        return [leak] if leak else []
    return [cjk(k) for k in p.answer if len(cjk(k)) >= 2]


def _cut_quote(q: Question, p: Question) -> Question:
    """``q`` whose explanation quotes its source without the clauses that tell ``p``'s answer and that ``q``'s
    own stem does not need ("…简约务实，不分批次、不划阶段，认真落实…" quoted for the 工作安排 beside the 判断 on
    分两批次); the cut is marked "……" so the quotation stays honest."""
    quote = quoted_source(q.explanation)
    if not quote:
        return q
    own = cjk(q.stem)
    keys = [cjk(k) for k in q.answer if len(cjk(k)) >= 2]
    leaks = _leaks(p)
    clauses = quote.split("，")
    kept = [
        c
        for c in clauses
        if not (any(x and x in cjk(c) for x in leaks) and cjk(c) not in own and not any(k in cjk(c) for k in keys))
    ]
    if len(kept) == len(clauses) or not kept:
        return q
    marked = [c if c in kept else "……" for c in clauses]
    text = "，".join(marked)
    while "……，……" in text:
        text = text.replace("……，……", "……")
    text = text.replace("，……，", "……").replace("，……", "……").replace("……，", "……")
    return replace(q, explanation=q.explanation.replace(f"“{quote}”", f"“{text}”", 1))


def settle(q: Question, p: Question) -> tuple[Question, Question] | None:
    """``q`` and ``p`` (two questions read off one sentence that give each other away) each cut of the clause
    that tells the other's answer, or ``None`` when cutting does not part them: "坚持（　）、简约务实，…认真落实
    学习研讨、…等工作安排" and "坚持聚焦主题、简约务实，…认真落实（　）等工作安排" become two questions."""
    if q.origin == "curated" or p.origin == "curated":
        return None
    q2 = _cut(q, p) if gives_away(q, p) else q
    p2 = _cut(p, q2) if gives_away(p, q2) else p
    if gives_away(q2, p2) or gives_away(p2, q2):
        return None
    return q2, p2


def _held(q: Question, pairs: Sequence[tuple[str, str]]) -> bool:
    return any(q.qid == held for held, _ in pairs)


def mutual(bank: Sequence[Question]) -> set[str]:
    """The generated questions that give an enabled curated one away (after ``untangle`` has cut what it
    could): one of the two must go, and the secretary's stays ("坚持（聚焦主题）、简约务实，不分批次、不划阶段…"
    beside the curated "坚持聚焦主题、简约务实，分两批次、分三阶段"; the true "学习教育以县处级以上…特别是“一把手”
    为重点" beside the curated "…以谁为重点？"); the ranker fills the place with another question."""
    shown = [q for q in bank if q.enabled]
    # a curated question that hands another its answer one way is held back (``leaking``) whatever yields to
    # it, so nothing yields: the curated 总要求 单选 (its option lists the 工作安排) beside the 总要求 多选
    held = {
        q.qid
        for q in shown
        if q.origin == "curated" and any(gives_away(q, p) and not gives_away(p, q) for p in shown if p.qid != q.qid)
    }
    curated = [q for q in shown if q.origin == "curated" and q.qid not in held]
    return {q.qid for q in bank if q.origin != "curated" and q.enabled and any(gives_away(q, p) for p in curated)}


def curated_rivals(bank: Sequence[Question]) -> list[tuple[str, str]]:
    """(generated, curated) pairs left in the bank that give each other away — the only question of its fact
    beside the secretary's own: neither is dropped silently, ``content build`` names them."""
    shown = [q for q in bank if q.enabled]
    curated = [q for q in shown if q.origin == "curated"]
    return [(q.qid, p.qid) for q in shown if q.origin != "curated" and (p := rivals(q, curated)) is not None]


_LIST = re.compile(r"[\u4e00-\u9fff]{2,8}(?:、[\u4e00-\u9fff]{2,8}){2,}")


def _missing_item(shown: str, asked: str, keys: Sequence[str]) -> bool:
    """Whether ``shown`` prints a list whose other items ``asked`` prints around its blank, so the item missing
    there is the key: the Notice's "学习研讨、查摆问题、整改整治、建章立制、开门教育" beside the 学校's "突出重点抓好
    （问题查摆），动真碰硬抓好整改整治，源头施治抓好建章立制…" (items compared by their characters)."""
    said = cjk(asked.replace(BLANK, "|"))
    sorted_keys = {"".join(sorted(k)) for k in keys}
    for run in _LIST.findall(shown):
        parts = run.split("、")
        for size in {len(k) for k in keys}:  # the run's ends carry the words around the list: cut to the key's size
            items = [parts[0][-size:], *parts[1:-1], parts[-1][:size]]
            if not sorted_keys & {"".join(sorted(i)) for i in items}:
                continue
            others = ["".join(sorted(i)) for i in items if "".join(sorted(i)) not in sorted_keys]
            windows = {"".join(sorted(said[j : j + size])) for j in range(len(said) - size + 1)}
            if sum(i in windows for i in others) >= 2:
                return True
    return False


def crowded_rival(bank: Sequence[Question], built: Iterable[Question], fact_of: Mapping[str, str]) -> str | None:
    """A generated question of the bank whose fact another question asks or may ask as well (the bank or the
    built questions), and which gives away (or is given away by) a built question of a fact no question of the
    bank asks: trading it may cover one more fact (the caller keeps the trade only if it does)."""
    built = list(built)
    shown = [q for q in bank if q.enabled]
    asked = Counter(fact_of[q.qid] for q in shown if q.qid in fact_of)
    askable = Counter(fact_of[q.qid] for q in built if q.qid in fact_of)
    ids = {q.qid for q in shown}
    for q in built:
        if q.qid in ids or asked.get(fact_of.get(q.qid, ""), 0) or q.qid not in fact_of:
            continue
        for p in shown:
            fact = fact_of.get(p.qid, "")
            spare = asked[fact] >= 2 or askable[fact] >= 2
            if p.origin != "curated" and spare and (gives_away(p, q) or gives_away(q, p)):
                return p.qid
    return None
