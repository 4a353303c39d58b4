"""Give-aways a strict examiner found in a bank that was verified and ranked (bank of 36, causes 3–8).

Each rule reads the finished question — stem, options, the source line — because the defect is in what a
member who never read the material can still infer from it::

    explained label   the blank (or a 判断's swapped phrase) is a label whose meaning the rest of the clause
                      spells out: "做好（建章立制），深入查找现行制度机制…该废止的废止"; "要坚持（开门教育），查摆问题
                      听取群众意见…"; "坚持（民生为大），为群众多办实事" (many labels fit: an open blank)
    parallel pattern  the blank repeats the words of two sibling clauses: "查摆问题（听取群众意见），整改整治接受
                      群众监督，检验成效接受群众评判"
    mirrored contrast a 重X轻Y label asked from a description that holds both 重 and 轻 in one idiom ("拈轻怕重");
                      indeed any patterned label asked from its own description ("看得见、摸得着" → 重显轻隐)
    stock wording     the second half of a two-phrase pair ("完善制度、（立好规矩）"), a reduplicated intensifier
                      ("追求（实实在在）、没有水分"), a work verb's closing object ("抓好（统筹协调）。"), a word of a
                      named document's title ("《中共中央关于制定…（第十五个五年规划）的建议》")
    odd option        a wrong option sharing its opening with another item the stem prints ("盲目决策" beside
                      "盲目蛮干"), or a key whose form no wrong option shares ("各级党委（党组）" among plain names)
    defensible false  a false 判断's swapped-in phrase is the corpus's own language next to what it replaces
                      ("形式主义、官僚主义" → "力戒官僚主义"; "立党为公、为民造福" → "关乎立党为公、为民造福")
    copied true       (``examiner.asked_alone``) a true 判断 that copies its sentence is kept only when it names
                      a time, an occasion, a number, a body or a session: something to check
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from content.fragments import known_words, word_frequency
from content.questions.closed import closed, distinctive
from content.questions.filters import PREDICTABLE
from content.questions.slots import Candidate
from content.questions.text import BLANK, cjk_len, norm, statement

_CLAUSE = re.compile(r"[，,；;。：:！？]")
# the verbs a work clause opens with: a clause that opens otherwise explains the label before it
_WORK_VERB = re.compile(
    r"^(?:要|并)?(?:压实|坚持|强化|注重|统筹|加强|做好|抓好|推进|落实|完善|健全|高质量|突出|深化|力戒|严防|着力)"
)
_LABEL_VERB = re.compile(r"^(?:要|并)?(?:坚持|做好|抓好|加强|强化|注重|突出|深化)$")
_CLOSING_VERB = re.compile(r"(?:抓好|做好|加强|强化|注重|推进|落实)$")
_REDUPLICATED = re.compile(r"^([\u4e00-\u9fff])\1([\u4e00-\u9fff])\2$")
_MIRRORED = re.compile(r"([\u4e00-\u9fff])([轻重])([\u4e00-\u9fff])([轻重])")
_HEAVY_KEY = re.compile(r"^重[\u4e00-\u9fff]{1,3}轻[\u4e00-\u9fff]{1,3}$")
_HEAVY_IN = re.compile(r"重[\u4e00-\u9fff]{1,3}轻[\u4e00-\u9fff]{1,3}(?=[。，、；”]|$)")
_CJK4 = re.compile(r"^[\u4e00-\u9fff]{4}$")
_CJK_ONLY = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
_FORM_MARKS = "（）()“”《》、"
_RUN = re.compile(r"[\u4e00-\u9fff（）]+(?:、[\u4e00-\u9fff（）]+)+")
DESCRIBED = "described:"  # the group of a label-from-description question (``described``, ``descriptions``)
COMMON_IDIOM = 50  # jieba frequency of a set idiom anyone completes (急功近利 98, 弄虚作假 112; 真抓实干 21)
# kinds whose true statement names something a member can check (a time, a number, a session, a body, a rank)
CHECKABLE_TRUE = frozenset(
    (
        "date",
        "number",
        "frequency",
        "ordinal",
        "fraction",
        "reference",
        "body",
        "occasion",
        "rank",
        "subject",
        "pairing",
    )
)


def giveaway(c: Candidate, corpus: str = "") -> str | None:
    """Why a member could answer ``c`` without the material (or could defend the other answer), else ``None``.

    ``corpus``: every paragraph of the materials, joined — the campaign's language a false statement must
    not reproduce.
    """
    q = c.question
    keys = [a for a in q.answer if a not in ("正确", "错误")]
    line = q.sentence.split("\n")[-1]
    if q.qtype in ("single", "fill") and BLANK in q.stem and keys:
        key = keys[0]
        if explained_label(q.stem, BLANK):
            return "the rest of the clause explains the blanked label"
        if q.qtype == "fill" and parallel_pattern(q.stem, key):
            return "sibling clauses' words predict the blank"
        closed_key = closed_item(c, key)
        rival = rival_clause(key, line, corpus) if closed_key and q.qtype == "fill" else None
        if rival is not None:
            return f"another phrase of its paragraph fills the blank defensibly ({rival})"
        reason = stock_blank(q.stem, key, closed_key)
        if reason:
            return reason
    if keys and glossed_label(c.group, keys[0]):
        return "a patterned label named from its own description"
    labels = [k for k in (*keys, *_HEAVY_IN.findall(q.stem)) if _HEAVY_KEY.match(k)]
    if labels and q.qtype != "multiple" and mirrored(_HEAVY_IN.sub("", q.stem)):
        return "the description mirrors the label's contrast (拈轻怕重 → 重易轻难)"
    if q.qtype == "single" and keys and odd_option(q.stem, q.options, keys[0]):
        return "an option ruled out by the stem, or a key of another form"
    if q.qtype == "truefalse" and c.truth is False:
        if exchanged(statement(q.stem), line):
            return "a false 判断 exchanging two phrases of its sentence: every phrase is the source's"
        swapped = swap(statement(q.stem), line)
        if swapped is not None:
            out, into = swapped
            at = line.find(out)
            if at >= 0 and explained_label(line[:at] + BLANK + line[at + len(out) :], BLANK):
                return "a false 判断 swapping a label the clause explains"
            if corpus and defensible(statement(q.stem), out, into, corpus):
                return "a false 判断 whose swapped-in phrase is the campaign's own language"
    return None


def glossed_label(group: str, key: str) -> bool:
    """A label asked from its description (``described:`` groups) whose siblings share its pattern ("重显轻隐"
    among 重始轻终, 重短轻长…): the pattern is given, and what is left — 显 against 隐 — is what the description
    narrates ("留名立碑，追求看得见、摸得着的政绩").  An examiner found both its cases give-aways (Q3, Q5)."""
    if not group.startswith(DESCRIBED):
        return False
    label = norm(key)
    siblings = [i for i in group.removeprefix(DESCRIBED).split("、") if i and i != label]
    shared = [ch for ch in label if siblings and all(ch in i for i in siblings)]  # 重, 轻: every sibling's
    return len(shared) / max(1, len(label)) >= PREDICTABLE


def mirrored(text: str) -> bool:
    """An idiom holding 轻 and 重 ("拈轻怕重", "避重就轻") — not a count ("五重五轻")."""
    return any(m.group(2) != m.group(4) and m.group(1) != m.group(3) for m in _MIRRORED.finditer(text))


def _clauses(text: str) -> list[str]:
    return [p for p in _CLAUSE.split(text) if p.strip()]


def explained_label(stem: str, marker: str) -> bool:
    """The marker's clause is a verb and the label alone ("做好（　）"), and the clause after it does not open
    with another work verb: it says what the label means ("，深入查找…该废止的废止")."""
    at = stem.find(marker)
    if at < 0:
        return False
    before = _CLAUSE.split(stem[:at])[-1]
    rest = stem[at + len(marker) :]
    if rest[:1] not in ("，", ","):
        return False
    after = _clauses(rest)
    if not _LABEL_VERB.match(before.strip()) or not after:
        return False
    return not _WORK_VERB.match(after[0]) and cjk_len(after[0]) >= 4


def parallel_pattern(stem: str, key: str) -> bool:
    """Two other clauses of the stem share a two-character run with the key ("群众" in "接受群众监督")."""
    clauses = [cl for cl in _clauses(stem) if BLANK not in cl]
    runs = {key[i : i + 2] for i in range(len(key) - 1)}
    return any(sum(run in cl for cl in clauses) >= 2 for run in runs if cjk_len(run) == 2)


def closed_item(c: Candidate, key: str) -> bool:
    """The key is the distinctive item of a list a central line closes with 等 and a summarising noun
    ("通过督促检查、调查研究、（了解群众反映）等途径"): read as the whole list, it has one answer (``closed``)."""
    if c.kind != "item" or not c.group:
        return False
    line = c.question.sentence.split("\n")[-1]
    text = norm(line)
    items = sorted((i for i in c.group.split("、") if i and norm(i) in text), key=lambda i: text.find(norm(i)))
    return closed(line, items, c.tier) and distinctive(items) == key


def rival_clause(key: str, line: str, corpus: str) -> str | None:
    """A clause of ``line``'s paragraph, outside ``line``, that shares a word with ``key``: one more route the
    paragraph names ("查摆问题听取群众意见" beside "通过督促检查、调查研究、（了解群众反映）等途径"), so a member who
    writes it has an answer the materials defend (examiner round 6).  A closed list's item reads as one answer
    only while its paragraph names no such rival."""
    own = norm(line)
    words = {key[i : i + 2] for i in range(len(key) - 1) if cjk_len(key[i : i + 2]) == 2}
    for paragraph in corpus.split("\n"):
        if own[:20] not in norm(paragraph):
            continue
        for clause in _CLAUSE.split(paragraph):
            if clause and norm(clause) not in own and any(w in clause for w in words):
                return clause.strip()
    return None


def stock_blank(stem: str, key: str, closed_key: bool = False) -> str | None:
    """Wording anyone completes: see the module docstring's "stock wording"; ``closed_key``: the blank is a
    closed central list's distinctive item, which no other item fits (``closed_item``)."""
    at = stem.index(BLANK)
    before, after = stem[:at], stem[at + len(BLANK) :]
    if _REDUPLICATED.match(key):
        return "a reduplicated intensifier (实实在在)"
    if re.match(r"^(?:、[^，。；]{0,30})?等", after) and _short_list(before, key, after) and not closed_key:
        return "an item of an open list of short phrases (…等途径): many items fit"
    if word_frequency(key) >= COMMON_IDIOM and known_words(set(_neighbours(before, after))):
        return "a common idiom beside another (心浮气躁、急功近利)"
    if (
        _CJK4.match(key)
        and re.search(r"[\u4e00-\u9fff]{4}、$", before)
        and not re.match(r"^、", after)
        and not re.search(r"、[\u4e00-\u9fff]{2,8}、$", before)
    ):
        return "the second half of a two-phrase pair (完善制度、立好规矩)"
    if _CLOSING_VERB.search(before) and (after[:1] in ("。", "") or after.startswith("。")):
        return "a work verb's closing object (抓好统筹协调)"
    if before.rfind("《") > before.rfind("》") and before.rfind("《") >= 0:
        return "a word of a named document's title"
    return None


def _short_list(before: str, key: str, after: str) -> bool:
    """Every item of the blank's 、-run is at most six characters ("督促检查、调查研究、了解群众反映等")."""
    left = re.search(r"[\u4e00-\u9fff、]*$", before)
    right = re.match(r"^[\u4e00-\u9fff、]*", after)
    run = (left.group(0) if left else "") + key + (right.group(0) if right else "")
    items = [i for i in run.removesuffix("等").split("、") if i]
    return len(items) >= 2 and all(cjk_len(i) <= 6 for i in [*items[1:-1], key])


def _neighbours(before: str, after: str) -> list[str]:
    """The phrases written next to the blank in its 、-run."""
    out = []
    left = re.search(r"([\u4e00-\u9fff]{2,8})、$", before)
    right = re.match(r"^、([\u4e00-\u9fff]{2,8})", after)
    out += [m.group(1)[-4:] for m in (left,) if m] + [m.group(1)[:4] for m in (right,) if m]
    return out


def odd_option(stem: str, options: Sequence[str], key: str) -> bool:
    """A wrong option opening like an item the stem prints (盲目决策 / 盲目蛮干), or a key whose marks
    (brackets, quotes) no wrong option shares (各级党委（党组） among 组织部门, 宣传部门)."""
    items = [i for run in _RUN.findall(stem) for i in run.split("、")]
    for o in options:
        if o != key and any(i[:2] == o[:2] and i != o for i in items if cjk_len(i) >= 3):
            return True
    marks = {ch for ch in key if ch in _FORM_MARKS}
    wrong = [o for o in options if o != key]
    return bool(marks) and not any(marks & set(o) for o in wrong)


def swap(statement: str, line: str) -> tuple[str, str] | None:
    """The phrase a false statement replaced and the one it put in (one contiguous edit), if that is all."""
    edge = "，,；;。.…：:“”\"' "
    a, b = norm(line).strip(edge), norm(statement).strip(edge)
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    # what the line says around the statement ("明确“…”……") or the stem around the line is no edit
    ops = [op for op in ops if not (op[0] == "delete" and (op[1] == 0 or op[2] == len(a)))]
    if not ops:
        return None
    lo_a, hi_a = ops[0][1], ops[-1][2]
    lo_b, hi_b = ops[0][3], ops[-1][4]
    out, into = a[lo_a:hi_a], b[lo_b:hi_b]
    # widen the edit to whole phrases: "执政为民" / "为民造福", not "执政" / "造福"
    while hi_a < len(a) and hi_b < len(b) and a[hi_a] not in "，,；;。、：“”" and len(into) < 4:
        hi_a, hi_b = hi_a + 1, hi_b + 1
        out, into = a[lo_a:hi_a], b[lo_b:hi_b]
    while lo_a > 0 and lo_b > 0 and not _CLAUSE.match(a[lo_a - 1]) and a[lo_a - 1] != "、" and len(out) < 4:
        lo_a, lo_b = lo_a - 1, lo_b - 1
        out, into = a[lo_a:hi_a], b[lo_b:hi_b]
    return (out, into) if out and into else None


def exchanged(statement: str, line: str) -> bool:
    """The statement holds the same characters as its line in another order ("整改整治接受群众评判，检验成效接受
    群众监督"): whether 监督 or 评判 goes with 整改整治 is a wording a member may defend either way."""
    edge = "，,；;。.…：:“”\"' "
    a, b = _CJK_ONLY.sub("", norm(line).strip(edge)), _CJK_ONLY.sub("", norm(statement).strip(edge))
    return a != b and sorted(a) == sorted(b) if len(a) == len(b) else _exchanged_inside(a, b)


def _exchanged_inside(a: str, b: str) -> bool:
    """The statement is a part of a longer line, exchanged inside: compare it with the line's window it spans."""
    if len(b) > len(a) or not b:
        return False
    for i in range(len(a) - len(b) + 1):
        window = a[i : i + len(b)]
        # one end anchors the window: an exchange may reach the statement's last phrase ("…源头施治抓好开门教育，
        # 深入基层抓好建章立制。" from the 学校's "…抓好建章立制，深入基层抓好开门教育")
        anchored = window[:2] == b[:2] or window[-2:] == b[-2:]
        if anchored and window != b and sorted(window) == sorted(b):
            return True
    return False


def defensible(statement: str, out: str, into: str, corpus: str) -> bool:
    """The corpus writes the swapped-in phrase beside the one it replaces ("形式主义、官僚主义"), or writes the
    statement's run of phrases around it as is ("立党为公、为民造福"): a member may call the statement true."""
    text = norm(corpus)
    if f"{out}、{into}" in text or f"{into}、{out}" in text:
        return True
    for run in _RUN.findall(norm(statement)):
        items = run.split("、")
        for i, item in enumerate(items):
            if not item.endswith(into) and not item.startswith(into):
                continue
            beside = [f"{items[i - 1][-4:]}、{into}" for _ in (0,) if i > 0]
            beside += [f"{into}、{items[i + 1][:4]}" for _ in (0,) if i + 1 < len(items)]
            if any(pair in text for pair in beside):
                return True
    return False


def copied(stem: str, line: str) -> bool:
    """The statement, speaker aside, is its source line word for word (punctuation and quotes aside)."""
    strip = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
    said = [strip.sub("", part) for part in statement(stem).split("\n")]
    source = strip.sub("", line)
    return any(said) and all(part in source for part in said)
