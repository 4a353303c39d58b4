"""Mechanical checks on a question bank: every answer proven by its evidence, every limit respected.

The generator is built to be right by construction; this module proves it after the fact, and holds
hand-written (curated) questions and a secretary's edits to the same standard.  A question passes when:

* its evidence ``sentence`` is verbatim in its document (each line, for a numbered list's evidence);
* single/multiple: every correct option is in the evidence; no wrong option is in it, equals or
  contains a correct one (or is contained in one); options unique; 2–6 options; 多选 has ≥ 2 correct;
  a 单选's wrong option may be in the evidence only *bound elsewhere*: the blank's clause (cut at clause
  marks and "、") has words of its own and, filled with it, is not in the evidence ("查摆问题（　）" against
  "检验成效接受群众评判") — the same holds for the swapped-in text of a false 判断, and a false 判断 may
  instead *exchange* two parts of different clauses (``exchange_of``), each then bound elsewhere;
* fill: the stem has exactly one ``（　）`` and, filled with the answer, is made of verbatim fragments;
* a stem may hold fixed frame words between its verbatim fragments (``text.FRAMES``: "哪个单位…？",
  "…，是在哪一天？", "…，其中包括“X”。"); a 单选 asked as a question is checked with its answer put back;
* truefalse "正确": the statement is made of verbatim fragments; "错误": the explanation quotes the
  true statement (``原文：“…”``), the two differ by exactly one swap, the original text of that swap
  is in the evidence and the swapped-in text is not;
* truefalse membership ("…，其中包括“X”。", evidence = the whole list): the lead-in names a list (ends on its
  summarising noun "……等工作安排" or introduces its items, ``membership``); "正确" needs X one of the items the
  lead-in enumerates, "错误" needs X absent from the whole list, and the explanation to quote the list;
* clean wording: no doubled quotation marks (``““``), no "。；", no 判断 that chains headings
  ("……三、…" / "……二是…");
* Telegram quiz-poll limits: stem ≤ 300, option ≤ 100, explanation ≤ 200 characters;
* no web artifacts ([bookmark, 微信, 扫一扫, 版权, 客服, 编辑整理);
* no two stems are near-duplicates (character-trigram Jaccard ≥ 0.6) that ask for the same answer (two blanks
  of one sentence are two questions; two alike 判断 statements are one) and no two ids collide.

A secretary's edited stem (``check_question(q, edited_stem=True)``) may rephrase the question, so it is
not held to "verbatim in the evidence" where the answer does not depend on its wording:

* 单选/多选: not empty, within the limits, clean wording, no artifact — and it must not contain a correct
  option (a stem that names its answer is no question); options, answer and evidence are checked as always;
* 填空: not empty, exactly one ``（　）``, and the blank's own clause — filled with the answer, cut at the
  nearest clause mark or ``……`` on each side — must still be in the evidence (the blank asks for what the
  source says there); the rest of the stem may be reworded;
* 判断: unchanged — a statement's truth *is* its wording, so it is proven exactly as a generated one.

Every failure is a :class:`content.reasons.Reason`: a stable ``code`` with text parameters, whose
``str()`` is the English line printed by the CLI.  The codes (parameters in brackets):

==============================  ===================================================================
no_evidence                     the question has no evidence sentence
evidence_not_in_document        [line] an evidence line is not verbatim in its document
empty_stem                      the stem is empty
stem_too_long                   [limit] the stem is longer than Telegram's quiz limit
explanation_too_long            [limit] the explanation is longer than Telegram's quiz limit
option_too_long                 [limit] an option is longer than Telegram's quiz limit
empty_option                    an option is empty
doubled_quotes                  [field] ““ or ”” in the stem or the explanation
stop_before_semicolon           [field] "。；" in the stem or the explanation
chained_headings                a 判断 statement strings headings together (……一、/……二是)
artifact                        [artifact] web debris (微信, 版权, [bookmark…) in the question
unknown_type                    [type] the type is not 单选/多选/判断/填空
option_count                    [count, min, max] too few or too many options
options_not_unique              two options are the same
answer_not_an_option            a correct answer is not among the options
single_needs_one_answer         a 单选 has not exactly one correct answer
multiple_needs_two_answers      a 多选 has fewer than two correct answers
answer_not_in_evidence          [answer] a correct answer is not in the evidence sentence
distractor_in_evidence          [option] a wrong option is in the evidence (so it may be right)
distractor_overlaps_answer      [option] a wrong option equals, contains or is part of a correct one
stem_not_verbatim               [fragment] a piece of the stem is not in the evidence
stem_gives_answer               [answer] an edited 单选/多选 stem contains a correct option
key_longest                     [option] a 单选 key alone longer than every wrong option by a clear margin
key_marked                      [option] a 单选/多选 key alone carries quotation marks or a title mark
halves_unbalanced               [option] two-part options whose halves recur unevenly (``compound``)
edit_drops_blank                an edited 单选/多选 stem lost the one （　） its options fill
edit_not_a_question             an edited 单选/多选 stem no longer asks the question its options answer
fill_needs_one_blank            a 填空 stem has not exactly one （　）
no_accepted_answer              a 填空 has no accepted answer
accepted_answers_differ         a 填空's accepted answers are not spellings of one answer
blank_context_not_in_evidence   [fragment] an edited 填空's blank, in its clause, is not in the evidence
truefalse_options               a 判断 lacks the options 正确/错误 or has not exactly one answer
true_statement_not_in_evidence  [fragment] a true 判断 statement is not in the evidence
false_without_original          a false 判断 does not quote the original (原文：“…”) in its explanation
original_not_in_evidence        [fragment] the quoted original of a false 判断 is not in the evidence
not_one_swap                    a false 判断 differs from its original by more (or less) than one swap
false_statement_verbatim        a "false" 判断 statement is in fact in the evidence
truefalse_has_blank             an edited 判断 statement holds a blank （　）
swapped_in_in_evidence          [text] the swapped-in text of a false 判断 is in the evidence
swapped_out_not_in_evidence     [text] the swapped-out text of a false 判断 is not in the evidence
scope_not_in_evidence           [fragment] a membership 判断's lead-in is not in the evidence
scope_not_a_list                [fragment] a membership 判断's lead-in names no list (it ends on a predicate)
not_a_list_item                 [item] a true membership 判断 names something that is not an item
false_membership_is_listed      [item] a false membership 判断 names an item of the list
duplicate_id                    two questions share an id (bank check)
near_duplicate                  [other] the stem nearly duplicates question ``other`` (bank check)
==============================  ===================================================================
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from content.evidence import bound_elsewhere, supported, verbatim
from content.grading import same_answer
from content.model import FALSE_TEXT, TRUE_TEXT, Document, Question
from content.questions.compound import unbalanced
from content.questions.judged import MEMBERSHIP, one_verdict, told_by_form
from content.questions.membership import membership_problems
from content.questions.ranking import NearDuplicates, same_question, shingles, trigram_counts
from content.questions.swaps import exchange_of, swap_of
from content.questions.text import (
    BLANK,
    GAP,
    QUOTED_SOURCE,
    answered,
    cjk_len,
    contains,
    norm,
    split_attribution,
)
from content.questions.variants import accepted
from content.reasons import Reason, reason

__all__ = ["CheckReport", "Reason", "check_bank", "check_question", "one_verdict", "swap_of", "told_by_form"]

STEM_LIMIT = 300
OPTION_LIMIT = 100
EXPLANATION_LIMIT = 200
CHOICE_OPTIONS = (2, 6)
ARTIFACTS = ("[bookmark", "bookmark:", "微信", "扫一扫", "版权", "客服", "编辑整理")
_PREFIX = re.compile(r"^(?:【[^】]*】|《[^》]*》：|第[一二三四五六七八九十百零〇两\d]{1,4}条规定：)")
_HEADING_CHAIN = re.compile(r"……\s*(?:[一二三四五六七八九十]{1,3}(?:、|是)|[（(][一二三四五六七八九十]{1,3}[）)])")
LONGEST_MARGIN = 0.1  # a key longer than every wrong option by this share (and 2 characters) stands out
_MARKS = (re.compile(r"[“”‘’\"「」]"), re.compile(r"[《》]"))
_QUOTE_MARKS = str.maketrans("", "", "“”‘’")
_CLAUSE_MARK = re.compile(rf"[，,；;：:。！？!?]|{re.escape(GAP)}|\n")


@dataclass
class CheckReport:
    failures: list[tuple[str, Reason]] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)
    by_document: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def failed_ids(self) -> set[str]:
        return {qid for qid, _ in self.failures}


def check_bank(questions: Sequence[Question], documents: Sequence[Document] | None = None) -> CheckReport:
    """Check every question; ``documents`` (when given) proves each evidence sentence is verbatim."""
    report = CheckReport(
        by_type=dict(Counter(q.qtype for q in questions)),
        by_document=dict(Counter(q.document for q in questions)),
    )
    texts = {d.doc_id: [b.text for b in d.blocks] for d in documents} if documents is not None else None
    for q in questions:
        for why in check_question(q, texts.get(q.doc_id) if texts is not None else None):
            report.failures.append((q.qid, why))
    seen: Counter[str] = Counter(q.qid for q in questions)
    report.failures.extend((qid, reason("duplicate_id")) for qid, n in seen.items() if n > 1)
    kept = NearDuplicates(trigram_counts(q.stem for q in questions))
    by_id = {q.qid: q for q in questions}
    for q in questions:
        sh = shingles(q.stem)
        twin = next((t for t in kept.find_all(sh) if same_question(by_id[t], q)), None)
        if twin is not None:
            report.failures.append((q.qid, reason("near_duplicate", other=twin)))
        kept.add(q.qid, sh)
    return report


def check_question(q: Question, blocks: Sequence[str] | None = None, *, edited_stem: bool = False) -> list[Reason]:
    """Every reason ``q`` is not fit to publish (empty when it is); each ``str()``s to an English line.

    ``edited_stem``: the stem is a secretary's rewording, checked as the module docstring says.
    """
    problems: list[Reason] = []
    if not q.sentence.strip():
        return [reason("no_evidence")]
    if blocks is not None:
        for line in q.sentence.split("\n"):
            if not any(line in b for b in blocks):
                problems.append(reason("evidence_not_in_document", line=line[:30]))
    problems += _limits(q)
    problems += _style(q)
    for text in (q.stem, q.explanation, *q.options, *q.answer):
        hit = next((a for a in ARTIFACTS if a in text), None)
        if hit:
            problems.append(reason("artifact", artifact=hit))
    if q.qtype in ("single", "multiple"):
        return problems + _choice(q, edited_stem)
    if q.qtype == "fill":
        return problems + _fill(q, edited_stem)
    if q.qtype == "truefalse":
        return problems + _truefalse(q)
    return [*problems, reason("unknown_type", type=q.qtype)]


def _limits(q: Question) -> list[Reason]:
    out = []
    if not q.stem.strip():
        out.append(reason("empty_stem"))
    if len(q.stem) > STEM_LIMIT:
        out.append(reason("stem_too_long", limit=STEM_LIMIT))
    if len(q.explanation) > EXPLANATION_LIMIT:
        out.append(reason("explanation_too_long", limit=EXPLANATION_LIMIT))
    if any(len(o) > OPTION_LIMIT for o in q.options):
        out.append(reason("option_too_long", limit=OPTION_LIMIT))
    if any(not o.strip() for o in q.options):
        out.append(reason("empty_option"))
    return out


def _style(q: Question) -> list[Reason]:
    """Wording a member would stumble over, whatever the facts."""
    out = []
    for name, text in (("stem", q.stem), ("explanation", q.explanation)):
        if "““" in text or "””" in text:
            out.append(reason("doubled_quotes", field=name))
        if "。；" in text:
            out.append(reason("stop_before_semicolon", field=name))
    if q.qtype == "truefalse" and _HEADING_CHAIN.search(q.stem):
        out.append(reason("chained_headings"))
    return out


def _choice(q: Question, edited_stem: bool) -> list[Reason]:
    out = []
    lo, hi = CHOICE_OPTIONS
    if not lo <= len(q.options) <= hi:
        out.append(reason("option_count", count=len(q.options), min=lo, max=hi))
    if len({norm(o) for o in q.options}) != len(q.options):
        out.append(reason("options_not_unique"))
    if not q.answer or any(a not in q.options for a in q.answer):
        out.append(reason("answer_not_an_option"))
    if q.qtype == "single" and len(q.answer) != 1:
        out.append(reason("single_needs_one_answer"))
    if q.qtype == "multiple" and len(q.answer) < 2:
        out.append(reason("multiple_needs_two_answers"))
    for a in q.answer:
        if not contains(q.sentence, a):
            out.append(reason("answer_not_in_evidence", answer=a))
    for d in (o for o in q.options if o not in q.answer):
        nd = norm(d)
        if contains(q.sentence, d) and not (q.qtype == "single" and bound_elsewhere(q, q.stem, BLANK, d)):
            out.append(reason("distractor_in_evidence", option=d))
        if any(nd == norm(a) or nd in norm(a) or norm(a) in nd for a in q.answer):
            out.append(reason("distractor_overlaps_answer", option=d))
    out += _stands_out(q)
    if edited_stem:
        given = next((a for a in q.answer if contains(q.stem, a)), None)
        if given is not None:
            out.append(reason("stem_gives_answer", answer=given))
        return out
    filled = answered(q.stem, q.answer[0]) if q.qtype == "single" and len(q.answer) == 1 else None
    if filled is not None:
        bad = verbatim(q, filled)
        if bad:
            out.append(reason("stem_not_verbatim", fragment=bad[:30]))
    return out


def _stands_out(q: Question) -> list[Reason]:
    """A key told apart by its look, not by its meaning (examiner round 6, the curated 重点 单选): the only option
    longer than all others by a clear margin, or the only kind of option with a distinctive mark (quotation
    marks, a book title).  Hand-written options are checked the same way as generated ones."""
    keys = [o for o in q.options if o in q.answer]
    wrong = [o for o in q.options if o not in q.answer]
    if not keys or not wrong:
        return []
    out = []
    if q.qtype == "single":
        key, longest = cjk_len(keys[0]), max(cjk_len(o) for o in wrong)
        if key >= longest + 2 and key >= (1 + LONGEST_MARGIN) * longest:
            out.append(reason("key_longest", option=keys[0][:30]))
    if unbalanced(q.options):  # "春节假期后启动、…" twice, every other start once: the halves point at the key
        out.append(reason("halves_unbalanced", option=keys[0][:30]))
    for mark in _MARKS:
        if all(mark.search(k) for k in keys) and not any(mark.search(o) for o in wrong):
            out.append(reason("key_marked", option=keys[0][:30]))
            break
    return out


def _fill(q: Question, edited_stem: bool) -> list[Reason]:
    if q.stem.count(BLANK) != 1:
        return [reason("fill_needs_one_blank")]
    if not q.answer:
        return [reason("no_accepted_answer")]
    out = []
    first = q.answer[0]
    if not contains(q.sentence, first):
        out.append(reason("answer_not_in_evidence", answer=first))
    if any(not same_answer(a, first) and a not in accepted(first) for a in q.answer[1:]):  # as grading compares
        out.append(reason("accepted_answers_differ"))
    if edited_stem:
        clause = _blank_clause(q.stem, first)
        if not supported(q, clause):
            out.append(reason("blank_context_not_in_evidence", fragment=clause[:30]))
        return out
    bad = verbatim(q, q.stem.replace(BLANK, first, 1))
    if bad:
        out.append(reason("stem_not_verbatim", fragment=bad[:30]))
    return out


def _blank_clause(stem: str, answer: str) -> str:
    """The blank's own clause, filled with ``answer``: from the clause mark before it to the one after."""
    at = stem.index(BLANK)
    marks = [(m.start(), m.end()) for m in _CLAUSE_MARK.finditer(stem)]
    start = max((end for begin, end in marks if end <= at), default=0)
    stop = min((begin for begin, end in marks if begin >= at + len(BLANK)), default=len(stem))
    return (stem[start:at] + answer + stem[at + len(BLANK) : stop]).strip()


def _truefalse(q: Question) -> list[Reason]:
    if tuple(q.options) != (TRUE_TEXT, FALSE_TEXT) or len(q.answer) != 1 or q.answer[0] not in q.options:
        return [reason("truefalse_options")]
    membership = MEMBERSHIP.match(q.stem)
    if membership:
        return membership_problems(q, membership.group("scope"), membership.group("item"))
    if q.answer[0] == TRUE_TEXT:
        bad = verbatim(q, q.stem)
        return [reason("true_statement_not_in_evidence", fragment=bad[:30])] if bad else []
    m = QUOTED_SOURCE.search(q.explanation)
    if not m:
        return [reason("false_without_original")]
    original = m.group(1)
    bad = verbatim(q, original)
    if bad:
        return [reason("original_not_in_evidence", fragment=bad[:30])]
    statement = q.stem
    prefix = _PREFIX.match(statement)
    who, rest = split_attribution(statement)
    if who and not original.startswith(statement[: len(statement) - len(rest)]):
        statement = rest  # "《通知》强调：" says whose statement it is; the quotation starts after it
    elif prefix and not original.startswith(prefix.group(0)):
        statement = statement[prefix.end() :]  # "【龙岩高新区】" names the part; the quotation starts after it
    swapped, source = swap_of(statement.translate(_QUOTE_MARKS), original.translate(_QUOTE_MARKS))
    if swapped is None or source is None:
        pair = exchange_of(statement.translate(_QUOTE_MARKS), original.translate(_QUOTE_MARKS))
        if pair is not None and all(contains(q.sentence, v) and bound_elsewhere(q, q.stem, v, v) for v in pair):
            return []  # "查摆问题接受群众监督，整改整治听取群众意见": two parts of one sentence exchanged
        return [reason("not_one_swap")]
    out = []
    if not verbatim(q, q.stem):
        out.append(reason("false_statement_verbatim"))
    if len(norm(swapped)) >= 2 and contains(q.sentence, swapped) and not bound_elsewhere(q, q.stem, swapped, swapped):
        out.append(reason("swapped_in_in_evidence", text=swapped))
    if not contains(q.sentence, source):
        out.append(reason("swapped_out_not_in_evidence", text=source))
    return out


def edited_stem_problems(q: Question, before: str) -> list[Reason]:
    """What a secretary's new stem breaks beyond :func:`check_question` with ``edited_stem``; ``before`` is
    the stem it replaces.

    An edited 单选/多选 stem may be reworded, but its options still have to answer it: a stem asked with a
    blank keeps exactly one, and the blank's clause is still the source's — a 单选's filled with its answer
    (as an edited 填空's), a 多选's words on either side of the blank (several answers fill it); a stem
    asked as a question stays a question.  A 判断 statement is a whole sentence: a blank in it makes every
    other check beside the point ("false statement is verbatim" for a sentence that is not).
    """
    stem = q.stem
    if q.qtype == "truefalse":
        return [reason("truefalse_has_blank")] if BLANK in stem else []
    if q.qtype not in ("single", "multiple"):
        return []
    if BLANK in before:
        if stem.count(BLANK) != 1:
            return [reason("edit_drops_blank")]
        if q.qtype == "single" and len(q.answer) == 1:
            clause = _blank_clause(stem, q.answer[0])
            return [] if supported(q, clause) else [reason("blank_context_not_in_evidence", fragment=clause[:30])]
        sides = _blank_clause(stem, BLANK).split(BLANK)
        bad = next((side for side in sides if cjk_len(side) >= 2 and not supported(q, side)), None)
        return [reason("blank_context_not_in_evidence", fragment=bad[:30])] if bad else []
    if before.rstrip().endswith(("？", "?")) and not stem.rstrip().endswith(("？", "?")):
        return [reason("edit_not_a_question")]
    return []
