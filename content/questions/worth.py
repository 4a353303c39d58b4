"""Causes a strict examiner found in the banks of 16 and 15, refused on the built candidate.

Each question was correct and verified, but not worth a member's two minutes:

    bare words      a 多选 whose answers are all bare words of at most three characters ("结合不同（　）实际" —
                    层级、地区、领域、行业 against 岗位、部门): it tests recognising tokens, and each wrong word is
                    defensible in the sentence's sense (a 部门 is a kind of difference too)
    provenance      a blank on where a text comes from or who printed it ("这些重要论述，收录在（　）一书中";
                    "刊载于（　）"; "来源：（　）资料汇编"; "（　）印发《…的通知》"): a bibliographic detail, not
                    what the text requires
    one wrong       a 多选 with fewer than two wrong options ("五重五轻" asked with 重速度轻质量 as its only
                    outsider): one odd phrase out, found by elimination, not by knowing the list
    hub key         a 单选 whose wrong options are each the key with one part changed, so the key is the
                    option most like all the others (bank of 15, "以谁为重点？": ``hubs``)
    form cue        a 多选 whose wrong options share a form no key has (examiner2, Q6: 真督实导 and 分类指导 end
                    in 导, no key does: ``formcue``) — builders replace such an option; this catches the rest
    series item     a blank on one item of an open or rhetorical series whose claim is the whole or the head
                    ("与…、（“十五五”规划编制实施）、…等相结合"; "从…，到…，再到（春节团拜会），…在多个场合强调":
                    ``series``, examiner round 9)
    rewording       a wrong option that keeps nearly all of a key's words and adds its own (bank of 15, the
                    study list's "…学习教育的重要讲话和重要指示精神" beside "…的重要论述": ``hubs``)

They are general rules over the finished question, so ``examiner.examine`` applies them to every builder.
"""

from __future__ import annotations

import re

from content.questions.formcue import form_cue
from content.questions.hubs import hub, reworded
from content.questions.series import series_item
from content.questions.slots import Candidate
from content.questions.text import ASK_BODY, BLANK, cjk_len

BARE = 3  # an answer of at most this many characters is a bare word, not a requirement
MIN_WRONG = 2  # a 多选 needs at least this many wrong options for its keys to be chosen, not eliminated
# where a text is printed or collected, or who printed it: "收录在（　）一书中", "出自（　）", "来源：（　）",
# "（　）一书", "（　）印发《…》", "（　）资料汇编"
_PROVENANCE_BEFORE = re.compile(r"(?:收录[在于进]|出自|载于|刊[载发登][在于]|发表[在于]|见于|编入|来源[：:])$")
_ASKED_ISSUER = re.compile(rf"{ASK_BODY}(?:印发|出版|编印|发布|刊发)")
# ... never a word that merely starts so: "向（　）报告", "农民收入（　）"
_PROVENANCE_AFTER = re.compile(r"^(?:一书|这本书|书中|杂志|报刊|刊物|印发|出版|编印|刊发|资料汇编|汇编)")


def refusal(c: Candidate) -> str | None:
    """Why the examiner refuses ``c`` for one of this module's causes, or ``None``."""
    q = c.question
    if q.qtype == "multiple":
        if q.answer and all(bare(a) for a in q.answer):
            return "a 多选 whose answers are all bare words"
        if len([o for o in q.options if o not in q.answer]) < MIN_WRONG:
            return "a 多选 with fewer than two wrong options"
        if form_cue([o for o in q.options if o not in q.answer], q.answer):
            return "a 多选 whose wrong options share a form no key has"
    if q.qtype in ("fill", "single") and provenance(q.stem):
        return "a blank on where the text was printed or collected"
    if (item := series_item(c)) is not None:
        return item
    if hub(q):
        return "a 单选 whose key is the hub of its options"
    if reworded(q):
        return "a wrong option that rewords a key"
    return None


def bare(answer: str) -> bool:
    """A word of at most ``BARE`` Chinese characters and nothing else ("地区"; not "2月24日", not "3次")."""
    text = answer.strip()
    return 0 < len(text) <= BARE and cjk_len(text) == len(text)


def provenance(stem: str) -> bool:
    """Whether the stem's blank asks which book, journal or collection printed the passage, or who issued it."""
    if _ASKED_ISSUER.search(stem):
        return True
    if BLANK not in stem:
        return False
    before, after = stem.split(BLANK, 1)
    return bool(_PROVENANCE_BEFORE.search(before) or _PROVENANCE_AFTER.search(after))
