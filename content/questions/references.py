"""What a requirement names: the book a saying is collected in, the plan proposal to study, the session to carry out.

A member who read the materials knows *which* book, plan or plenary session a sentence names; one who did
not cannot tell it from the words around it — unlike a stock phrase, nothing in "收录在（　）一书中" or
"认真落实（　）部署" predicts the answer.  Three kinds of reference, found by their form, never by a list of
this campaign's sentences::

    book      《干在实处 走在前列》 in "…收录在《…》一书中"      a blank on the whole title (≤ BOOK_CHARS)
    plan      第十五个五年规划, inside a long title to study      a blank
    session   四中全会 in "认真落实四中全会部署"                 a blank, and 判断 with it or the next session
    levels    省市县乡 in "省市县乡领导班子换届工作要…"          a blank: the levels a duty reaches

A false 判断 swaps the ordinal for its neighbour, so it stays grammatical and names a real alternative — the
next session, since the sentence may cover the earlier ones ("二十届历次全会精神，认真落实四中全会部署": the
third is among 历次, so "落实三中全会部署" would not be plainly false).  A plan is asked by its blank only: the
previous plan is one members studied in its day, and "深入学习…第十四个五年规划的建议" would read as advice
rather than as a falsehood.

A title is asked only when it names another work: not the material's own title, not a document of the corpus
(the Notice is named in every material), not a reference to the document itself ("《通知》").  A sentence that
points back ("这些重要论述，收录在…") is stated after the short lead it points to ("…概括为“五重五轻”——").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from content.model import FALSE_TEXT, TRUE_TEXT
from content.questions.cloze import explanation, new_question, stand_alone
from content.questions.importance import CENTRAL, OWN, TEMPLATE
from content.questions.slots import Candidate, Evidence
from content.questions.text import BLANK, cjk_len, excerpt, norm, width_variants

BOOK_CHARS = 12  # a longer title is not typed from memory: it is asked through its ordinal, if it has one
LEAD_CHARS = 60
_TITLE = re.compile(r"《([^《》]{2,60})》")
_COLLECTED = re.compile(r"(?:收录|收入|汇编|编入|刊载)[在于进]?$")  # "收录在《…》" — a book that holds sayings
_BOOK_TAIL = re.compile(r"^》?(?:一书|等书|这本书|书中)")
_POINTING = re.compile(r"^(?:这些|上述|以上)[\u4e00-\u9fff]{1,8}[，,]")
_NUMERAL = "一二三四五六七八九十"
_PLAN = re.compile(rf"第([{_NUMERAL}]{{1,3}})个五年规划")
_SESSION = re.compile(rf"(?<![{_NUMERAL}])([{_NUMERAL[:9]}])中全会")
_COVERED = re.compile(r"历次|历届|各次")
_LEVELS = re.compile(r"(?<![\u4e00-\u9fff])[省市县乡镇村]{3,}(?=领导班子|党委|党组织|干部)")
SCORE = 1.0
FILL_BONUS = 0.05  # a blank asks the member to recall the reference, a statement only to recognise it
KIND = KEY = "reference"  # a kind of its own: context of a requirement, weighed below the requirements
SCOPE = "duty"  # whom a duty reaches is the duty's own fact (``importance.KIND_WEIGHT``)


def reference_candidates(evidences: Iterable[Evidence], titles: Collection[str]) -> list[Candidate]:
    """Blanks (and false 判断) on the books, plans and sessions central, own or commentary passages name."""
    out: list[Candidate] = []
    corpus_titles = [norm(t) for t in titles]
    for ev in evidences:
        if ev.tier not in (CENTRAL, OWN, TEMPLATE) or "\n" in ev.text or "…" in ev.text:
            continue
        for m in _TITLE.finditer(ev.text):
            name = m.group(1)
            if _book(ev.text, m) and cjk_len(name) <= BOOK_CHARS and not _corpus_work(name, corpus_titles):
                out.extend(_asked(ev, m.start(), m.end(), m.group(0), None))
        if ev.tier == TEMPLATE:
            continue  # a commentary's plan or session is the centre's to ask
        for m in _PLAN.finditer(ev.text):  # the previous plan is one members studied in its day: a blank only
            out.extend(_asked(ev, m.start(), m.end(), m.group(0), None))
        for m in _LEVELS.finditer(ev.text):  # "省市县乡领导班子换届": "省市县" would be half true, so a blank only
            out.extend(_asked(ev, m.start(), m.end(), m.group(0), None, kind=SCOPE))
        for m in _SESSION.finditer(ev.text):
            out.extend(_asked(ev, m.start(), m.end(), m.group(0), _neighbour(m, ev.text, +1)))  # not yet held
    return out


def _book(text: str, m: re.Match[str]) -> bool:
    """ "收录在《干在实处 走在前列》一书中": a book, named as where sayings are collected."""
    return bool(_COLLECTED.search(text[: m.start()]) or _BOOK_TAIL.match(text[m.end() - 1 :]))


def _corpus_work(name: str, corpus_titles: Collection[str]) -> bool:
    n = norm(name)
    return len(n) <= 2 or any(n in t for t in corpus_titles)


def _neighbour(m: re.Match[str], text: str, step: int) -> str | None:
    """The same reference with its ordinal moved by ``step`` (十五 → 十四, 四中 → 五中); ``None`` when the
    sentence itself covers the other values ("历次全会") or there is no neighbour."""
    if step < 0 and _COVERED.search(text[: m.start()]):
        return None  # "二十届历次全会精神，认真落实三中全会部署": the third is among 历次 (the fifth is not)
    value = _number(m.group(1))
    if value is None or not 1 <= value + step <= 99 or (m.re is _SESSION and value + step > 9):
        return None
    return m.group(0).replace(m.group(1), _numeral(value + step), 1)


def _number(numeral: str) -> int | None:
    digits = [_NUMERAL.index(c) + 1 for c in numeral]
    if len(digits) == 1:
        return digits[0]
    if len(digits) == 2 and digits[0] == 10:
        return 10 + digits[1]  # 十五
    if len(digits) == 2 and digits[1] == 10:
        return digits[0] * 10  # 二十
    if len(digits) == 3 and digits[1] == 10:
        return digits[0] * 10 + digits[2]  # 二十一
    return None


def _numeral(value: int) -> str:
    tens, ones = divmod(value, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _NUMERAL[tens - 1] + "十"
    return head + (_NUMERAL[ones - 1] if ones else "")


def _asked(
    ev: Evidence, start: int, end: int, value: str, false_value: str | None, kind: str = KIND
) -> list[Candidate]:
    """A 填空 on ``value`` and, when a neighbour is given, a false 判断 that states it instead."""
    # one clause before the reference comes along: "深入贯彻…历次全会精神，认真落实（　）部署" says which 届
    previous = ev.text.rfind("，", 0, ev.text.rfind("，", 0, start)) + 1 if "，" in ev.text[:start] else 0
    text, offset, from_start = excerpt(ev.text, previous, end)
    offset += start - previous
    lead = _pointed_lead(ev)
    if lead and from_start:
        text, offset = lead + text, offset + len(lead)
    framed = stand_alone(ev, text, offset, from_start)
    if framed is None:
        return []
    before, after = framed.text[: framed.offset], framed.text[framed.offset + len(value) :]
    sentence = f"{ev.section[0]}\n{framed.sentence}" if lead else framed.sentence
    quote = framed.quote
    key = f"{KEY}:{norm(value)}"
    paragraph = f"{ev.doc_id}#{ev.block}" if ev.block >= 0 else ""
    answer = width_variants(value.strip("《》")) + tuple(v for v in width_variants(value) if v != value.strip("《》"))
    fill = new_question(
        "fill",
        ev,
        before + BLANK + after,
        (),
        answer,
        explanation("", quote, framed.where, ev.document),
        KEY,
        SCORE + FILL_BONUS,
        sentence=sentence,
    )
    out = [Candidate(fill, key, kind, None, key, paragraph, ev.tier, ev.doc_tier)]
    if false_value is None:
        return out
    # a statement of the plan or session, true or with its neighbour: the ranker keeps the one the bank's
    # balance of true and false needs
    for truth, stated in ((True, value), (False, false_value)):
        verdict = TRUE_TEXT if truth else FALSE_TEXT
        statement = new_question(
            "truefalse",
            ev,
            before + stated + after,
            (TRUE_TEXT, FALSE_TEXT),
            (verdict,),
            explanation(f"{verdict}。", quote, framed.where, ev.document),
            f"{KEY}|{'T' if truth else 'F'}",
            SCORE,
            sentence=sentence,
        )
        out.append(Candidate(statement, key, KIND, truth, key, paragraph, ev.tier, ev.doc_tier))
    return out


def _pointed_lead(ev: Evidence) -> str:
    """ "在浙江工作期间，习近平…概括为“五重五轻”。" before "这些重要论述，…": what the sentence points back to,
    when its section opens with a short lead ending in "——" or "："."""
    if not _POINTING.match(ev.text) or not ev.section or ev.section[0] == ev.text:
        return ""
    first = ev.section[0].strip()
    if cjk_len(first) > LEAD_CHARS or not first.endswith(("——", "：", ":")):
        return ""
    return first + "\n"  # the lead is another line of the source: the stem keeps it a line of its own


__all__ = ["reference_candidates"]
