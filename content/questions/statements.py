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
other), each fact once, each statement at most ``OPTION_CHARS`` long.  Its score is below every 判断's, and the
ranker counts each statement's fact and never repeats a 判断's statement as an option (``ranking``): a bundle
takes only the statements the bank leaves over, it never displaces the 判断 that asks one of them.  The
question's evidence is every statement's source sentence, so ``content.verify`` proves the true options
verbatim and the false ones absent.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from content.model import Question
from content.questions.cloze import EXPLANATION_LIMIT
from content.questions.ids import question_id, stable_order
from content.questions.importance import CENTRAL
from content.questions.slots import Candidate
from content.questions.text import cjk_len, clip, norm, quoted, split_attribution

OPTION_CHARS = 70  # a statement longer than this is no option a member reads in a poll (Telegram allows 100)
COMBINATIONS = 40  # choices of statements offered to the ranker per speaker
MIN_OPTIONS = 4  # three statements are a 判断 twice over, not a choice
TRUE_OPTIONS = 3
FALSE_OPTIONS = 2
MIN_FALSE = 2
SCORE = 0.8  # below every 判断 of its statements: a bundle takes only the statements the bank leaves over
STATEMENTS = "statements"  # the candidates' kind: the ranker counts each statement's fact against its limits
FACT_SEPARATOR = "|"
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
        if q.qtype != "truefalse" or c.truth is None or c.tier != CENTRAL or c.kind == "pairing":
            continue  # a pairing's claim needs its exchanged twin beside it (``pairings``), never a 多选's copy
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
    """The 多选 the statements allow — every choice of two or three true and two false ones from distinct
    sentences and facts, best first — so the ranker can take one whose facts the bank does not ask twice yet."""
    rows = sorted(rows, key=lambda s: (-s.score, s.text))
    trues = _distinct([s for s in rows if s.truth])
    falses = _distinct([s for s in rows if not s.truth])
    made: list[tuple[float, Candidate]] = []
    for t in range(min(TRUE_OPTIONS, len(trues)), 1, -1):
        # two false ones at least: one false statement among true ones is found by elimination (``worth``)
        for f in range(min(FALSE_OPTIONS, len(falses)), MIN_FALSE - 1, -1):
            if t + f < MIN_OPTIONS:
                continue
            for ts in combinations(trues, t):
                for fs in combinations(falses, f):
                    chosen = (*ts, *fs)
                    if len({s.line for s in chosen}) < len(chosen) or len({s.fact for s in chosen}) < len(chosen):
                        continue
                    score = sum(s.score for s in chosen) / len(chosen)
                    made.append((score, _candidate(doc_id, document, who, list(ts), list(fs))))
                    if len(made) >= COMBINATIONS:
                        return [c for _, c in sorted(made, key=lambda m: -m[0])]
    return [c for _, c in sorted(made, key=lambda m: -m[0])]


def _distinct(rows: list[_Statement]) -> list[_Statement]:
    """One statement per fact: its best-scored one."""
    seen: set[str] = set()
    out: list[_Statement] = []
    for s in rows:
        if s.fact not in seen and all(norm(s.text) != norm(o.text) for o in out):
            seen.add(s.fact)
            out.append(s)
    return out


_OUTER = str.maketrans("“”‘’", "‘’“”")


def _unquoted(text: str) -> str:
    """The text of one whole quotation “…‘…’…”, its inner marks raised back to the outer level."""
    text = text.strip()
    if text.startswith("“") and text.endswith("”"):
        return text[1:-1].translate(_OUTER)
    return text


def _candidate(doc_id: str, document: str, who: str, trues: list[_Statement], falses: list[_Statement]) -> Candidate:
    slot = FACT_SEPARATOR.join(sorted(s.fact for s in (*trues, *falses)))
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
    key = f"{STATEMENTS}:{norm(who)}{FACT_SEPARATOR}{slot}"
    return Candidate(q, key, STATEMENTS, None, key, "", CENTRAL, CENTRAL)
