"""Which of a central speaker's statements are right: a 多选 of true and false requirements of one text.

A central meeting lays down several requirements a member should hold apart — who co-ordinates, what the
换届 must do, what the 总要求 is.  Each is already a checked 判断 (``claims``, ``roles``, ``siblings``,
``lists``): a true statement copied from the text, or a false one with a real alternative swapped in.  Put
side by side under their speaker, they make the classic 党建 多选::

    根据中央党的建设工作领导小组会议，下列表述正确的有哪些？
    A.省市县乡领导班子换届工作要认真落实学习教育有关要求                        (true)
    B.学习教育在党中央领导下进行，各级党委（党组）抓好统筹协调                    (false: 中央党的建设工作领导小组)
    C.行业系统主管部门党委（党组）要充分发挥对本行业本系统学习教育的指导作用      (true)
    D.要深刻理解、准确把握、全面落实“立党为公、实事求是、科学决策、真抓实干”的总要求  (false)

Built only from statements the examiner kept, of the central tier, that name their speaker; each option
from another source sentence (a true and a false version of one sentence side by side would answer each
other), each fact once, each statement at most ``OPTION_CHARS`` long.  The question's evidence is every
statement's source sentence, so ``content.verify`` proves the true options verbatim and the false ones absent.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from content.model import Question
from content.questions.cloze import EXPLANATION_LIMIT
from content.questions.ids import question_id, stable_order
from content.questions.importance import CENTRAL
from content.questions.slots import Candidate
from content.questions.text import cjk_len, clip, norm, quoted, split_attribution

OPTION_CHARS = 70  # a statement longer than this is no option a member reads in a poll (Telegram allows 100)
MIN_OPTIONS = 4  # three statements are a 判断 twice over, not a choice
TRUE_OPTIONS = 3
FALSE_OPTIONS = 2
SCORE = 1.3
_EXPLAINED = re.compile(r"^(?:正确。|错误。)?(?P<named>出自[^。]*。)原文(?:（[^）]*）)?：(?P<quote>.*)$", re.S)


@dataclass(frozen=True)
class _Statement:
    text: str  # the statement without its speaker, no final "。"
    line: str  # the source sentence it was read from
    fact: str
    truth: bool
    score: float
    proof: tuple[str, ...]  # the lines of the 判断's evidence (the speaker's line first, when it has one)
    named: str  # "出自中央党的建设工作领导小组会议（载《…汇编》）。": the 判断's explanation names the source
    original: str  # what the 判断's explanation quotes: the true text, no longer than Telegram allows


def statement_candidates(kept: Sequence[Candidate]) -> list[Candidate]:
    """多选 on the central 判断 ``kept`` by the examiner, grouped by document and speaker."""
    groups: dict[tuple[str, str], list[_Statement]] = defaultdict(list)
    documents: dict[str, str] = {}
    for c in kept:
        q = c.question
        if q.qtype != "truefalse" or c.truth is None or c.tier != CENTRAL:
            continue
        who, rest = split_attribution(q.stem)
        text = rest.rstrip("。")
        if not who or cjk_len(text) < 8 or len(text) > OPTION_CHARS:
            continue
        lines = tuple(q.sentence.split("\n"))
        m = _EXPLAINED.match(q.explanation)
        if m is None:
            continue
        row = _Statement(text, lines[-1], c.fact, c.truth, q.score, lines, m.group("named"), m.group("quote"))
        groups[(q.doc_id, who)].append(row)
        documents[q.doc_id] = q.document
    out: list[Candidate] = []
    for (doc_id, who), rows in groups.items():
        out.extend(_questions(doc_id, documents[doc_id], who, rows))
    return out


def _questions(doc_id: str, document: str, who: str, rows: list[_Statement]) -> list[Candidate]:
    """As many 多选 as the statements allow, each fact and each source sentence in one of them only."""
    rows = sorted(rows, key=lambda s: (-s.score, s.text))
    used_facts: set[str] = set()
    used_lines: set[str] = set()
    out: list[Candidate] = []
    while True:
        trues = _take(rows, True, used_facts, used_lines, TRUE_OPTIONS)
        lines = used_lines | {s.line for s in trues}
        facts = used_facts | {s.fact for s in trues}
        falses = _take(rows, False, facts, lines, FALSE_OPTIONS)
        if len(trues) < 2 or not falses or len(trues) + len(falses) < MIN_OPTIONS:
            return out
        used_facts |= {s.fact for s in (*trues, *falses)}
        used_lines |= {s.line for s in (*trues, *falses)}
        out.append(_candidate(doc_id, document, who, trues, falses))


def _take(rows: list[_Statement], truth: bool, facts: set[str], lines: set[str], n: int) -> list[_Statement]:
    taken: list[_Statement] = []
    for s in rows:
        if len(taken) == n:
            break
        if s.truth != truth or s.fact in facts or s.line in lines:
            continue
        if any(s.fact == t.fact or s.line == t.line or norm(s.text) == norm(t.text) for t in taken):
            continue
        taken.append(s)
    return taken


_OUTER = str.maketrans("“”‘’", "‘’“”")


def _unquoted(text: str) -> str:
    """The text of one whole quotation “…‘…’…”, its inner marks raised back to the outer level."""
    text = text.strip()
    if text.startswith("“") and text.endswith("”"):
        return text[1:-1].translate(_OUTER)
    return text


def _candidate(doc_id: str, document: str, who: str, trues: list[_Statement], falses: list[_Statement]) -> Candidate:
    slot = "|".join(sorted(s.fact for s in (*trues, *falses)))
    evidence = "\n".join(dict.fromkeys(line for s in (*trues, *falses) for line in s.proof))
    qid = question_id("multiple", evidence, f"statements|{slot}")
    options = stable_order(qid, [s.text for s in (*trues, *falses)])
    answer = tuple(o for o in options if o in {s.text for s in trues})
    head = f"{falses[0].named}错误选项的原文："
    room = (EXPLANATION_LIMIT - len(head)) // len(falses) - 1
    corrections = "；".join(quoted(clip(_unquoted(s.original), room - 2)) for s in falses)
    q = Question(
        qid=qid,
        qtype="multiple",
        stem=f"根据{who}，下列表述正确的有哪些？",
        options=tuple(options),
        answer=answer,
        explanation=clip(head + corrections, EXPLANATION_LIMIT),
        doc_id=doc_id,
        document=document,
        sentence=evidence,
        score=round(SCORE + 0.05 * len(falses), 4),
    )
    key = f"statements:{norm(who)}:{slot}"
    return Candidate(q, key, "duty", None, key, "", CENTRAL, CENTRAL)
