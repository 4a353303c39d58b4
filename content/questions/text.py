"""Small text tools shared by the question builders: normalising, clause windows, short titles.

Questions quote their source, so every stem is built from *verbatim fragments* of the evidence sentence
joined by ``……`` (an omission) with at most one ``（　）`` blank.  That one rule is what lets
``content.verify`` re-check every generated stem mechanically::

    sentence:  中央党的建设工作领导小组2月24日召开会议，学习贯彻……，研究部署……工作。
    window:    中央党的建设工作领导小组2月24日召开会议，……研究部署……工作。
    cloze:     中央党的建设工作领导小组（　）召开会议，……研究部署……工作。

Comparisons go through :func:`norm` (NFKC, no spaces, no quote marks) because the materials mix full- and
half-width punctuation and the same quote appears with and without ``“”``.

A few fixed *frame* words may stand between the verbatim fragments, so a stem can read as a question or a
plain statement rather than a torn-out clause; the verifier knows them and checks everything else::

    （　）召开会议，审议通过…实施方案……         →  哪个单位召开会议，审议通过…实施方案？
    （　），市委常委会召开会议，……               →  市委常委会召开会议，……，是在哪一天？
    党员连续（　）不交纳党费…  (in 第七条)        →  第七条规定：党员连续（　）不交纳党费…
    …概括为“五重五轻”——  /  五是重局部轻全局。  →  …概括为“五重五轻”，其中包括“重局部轻全局”。

Explanations quote the source as ``原文：“…”`` with the source's own quotes turned into ‘’ (a quotation
inside a quotation), cut at a clause boundary with ``……`` when Telegram's 200 characters demand it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

BLANK = "（　）"
GAP = "……"
ASK_BODY = "哪个单位"
ASK_DAY = "哪一天"
ASK_WHEN = "什么时候"
ASK_TAIL = "，是在哪一天"  # the date that opened the sentence, asked at its end
MEMBER_LINKS = ("部分，分条提出的要求中包括", "，其中包括", "包括")
ARTICLE_SAYS = "规定："  # "第七条规定：……党员连续（　）不交纳党费" — a rule's sentence named by its article
FRAMES = (*MEMBER_LINKS, ASK_TAIL, ASK_BODY, ASK_DAY, ASK_WHEN, ARTICLE_SAYS)
# a stem may open by naming whose statement it quotes: "《通知》强调：", "据《…》报道：", "…会议指出：",
# "第七条规定："; or the source's own lead, kept verbatim ("《通知》强调，学习教育要…"): the speaker is one
# phrase (no clause mark in it), so "今年1月，在…上，习近平…强调：" is no attribution but a narrative
# what an explanation quotes of its source, ``原文：“…”`` (or ``原文（…）：“…”``): one pattern for every reader
QUOTED_SOURCE = re.compile(r"原文(?:（[^）]*）)?：“(.*)”", re.S)
ATTRIBUTION = re.compile(
    r"^(?P<according>据)?(?P<who>《[^》]{1,60}》|[^，。；：:“”《》\n（）]{2,40}?(?:（[^）]{1,6}）[^，。；：:“”《》\n]{0,8})?)"
    r"(?P<verb>强调|指出|要求|提出|明确|表示|报道|规定)(?P<mark>[：:，,])"
)
_FRAME_SPLIT = "|".join(re.escape(f) for f in FRAMES)
CN_DIGITS = "〇一二三四五六七八九十"
_CJK_CHAR = re.compile("[\u4e00-\u9fff]")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
_QUOTES = str.maketrans("", "", "“”‘’\"'《》「」『』〈〉")
_NEST = str.maketrans("“”‘’", "‘’“”")  # one level deeper: double quotes become single and back


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """The comparison form: width-folded, without spaces or quote marks."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).replace(" ", "").replace("\u3000", "")


def contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` up to width, spacing and quote marks."""
    n = norm(needle)
    return bool(n) and n in norm(haystack)


def item_key(item: str) -> str:
    """Equal for two enumeration items that are the same term, even reordered ("查摆问题" / "问题查摆")."""
    return "".join(sorted(norm(item)))


def cjk_len(text: str) -> int:
    return len(_CJK_CHAR.findall(text))


def clauses(sentence: str) -> list[tuple[int, int]]:
    """Clause spans ``[start, end)``; each ends just after its punctuation mark."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_END.finditer(sentence):
        if _inside_quote(sentence, m.start()):
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(sentence):
        spans.append((start, len(sentence)))
    return spans


def _inside_quote(text: str, pos: int) -> bool:
    before = text[:pos]
    return before.count("“") > before.count("”")


def window(sentence: str, start: int, end: int, *, limit: int = 110) -> tuple[str, int]:
    """A readable stretch of ``sentence`` around ``[start, end)`` made of whole clauses.

    Returns the window text (fragments joined by ``……``) and the offset of the span inside it.  The
    sentence's first clause (usually its subject: "中央党的建设工作领导小组…召开会议") is kept when
    the span sits further in, so the stem still says who did what.
    """
    spans = clauses(sentence)
    hit = [i for i, (a, b) in enumerate(spans) if a < end and b > start]
    lo, hi = hit[0], hit[-1]

    def size(a: int, b: int) -> int:
        return spans[b][1] - spans[a][0]

    # grow to a useful length: forwards first (the predicate), then backwards
    while size(lo, hi) < 36 and hi + 1 < len(spans) and size(lo, hi + 1) <= limit:
        hi += 1
    while size(lo, hi) < 36 and lo > 0 and size(lo - 1, hi) <= limit:
        lo -= 1
    parts: list[str] = []
    offset = 0
    if lo > 0:
        head_a, head_b = spans[0]
        head = sentence[head_a:head_b].rstrip("，,；;：:")
        if lo > 1 and len(head) <= 30 and size(lo, hi) + len(head) <= limit + 10:
            parts.append(head + GAP)
        elif lo == 1 and len(head) <= 30 and size(lo, hi) + len(head) <= limit + 10:
            lo = 0
        else:
            parts.append(GAP)
    body_a, body_b = spans[lo][0], spans[hi][1]
    body = sentence[body_a:body_b]
    prefix = "".join(parts)
    offset = len(prefix) + (start - body_a)
    text = prefix + body
    if body_b < len(sentence):
        text = text.rstrip("，,；;：:、") + GAP
    return text, offset


def split_attribution(stem: str) -> tuple[str, str]:
    """(who, rest) of a stem that opens with an attribution ("《通知》强调：…", "《通知》强调，…"), else
    ("", stem).  The one rule for where a question's claim starts: verification reads the speaker apart,
    the examiner judges the claim alone, the ranker compares claims without their speakers."""
    m = ATTRIBUTION.match(stem)
    if not m:
        return "", stem
    return m.group("who"), stem[m.end() :]


def statement(stem: str) -> str:
    """A 判断's claim without the speaker or report that leads it ("据《…》报道：", "《通知》明确，")."""
    return split_attribution(stem)[1].strip()


def fragments(stem: str) -> list[str]:
    """The verbatim pieces of a stem: split at omissions and blanks, punctuation-trimmed (attribution excluded)."""
    _, stem = split_attribution(stem)
    # a lead-in joined by a full stop after its closing quote ("…概括为“五重五轻”。这些…") is a sentence of its own
    cut = rf"{re.escape(GAP)}|{re.escape(BLANK)}|{_FRAME_SPLIT}|\n|(?<=[”》])。(?=.)|(?<=》)：|【|】|《|》|？"
    pieces = re.split(cut, stem)
    out = []
    for piece in pieces:
        p = piece.strip().strip("，,；;：:、。")
        if cjk_len(p) >= 2:
            out.append(p)
    return out


WHOLE = 90  # a sentence up to this long is quoted whole
_SAYS_CLAUSE = re.compile(r"^[^，,]{0,20}(?:指出|强调|要求|明确|表示|提出)[，,]$")


def excerpt(sentence: str, start: int, end: int, *, limit: int = 110, least: int = 30) -> tuple[str, int, bool]:
    """Whole consecutive clauses of ``sentence`` around ``[start, end)``: (text, offset of the span, from the start).

    Unlike :func:`window` nothing is omitted inside: the text grows clause by clause (forwards first) to at
    least ``least`` characters, and a text that stops before the sentence does ends with "。" instead of a
    dangling "，"/"；" — a stem reads as a finished statement, with its speaker said in front of it.
    """
    if len(sentence) <= min(limit, WHOLE):
        whole = sentence.rstrip("，,；;：:、—") + "。" if sentence.endswith(("；", ";", "——", "：", "，")) else sentence
        return whole, start, True  # a whole sentence reads best
    spans = clauses(sentence)
    hit = [i for i, (a, b) in enumerate(spans) if a < end and b > start]
    lo, hi = hit[0], hit[-1]

    def size(a: int, b: int) -> int:
        return spans[b][1] - spans[a][0]

    def open_end(i: int) -> bool:  # "…离开本支部六个月以上的，" is the subject of what follows: never the end
        end_at = spans[i][1]
        return sentence[end_at - 1] in "：:" or sentence[max(0, end_at - 2) : end_at] in ("的，", "的,")

    while hi + 1 < len(spans) and (size(lo, hi) < least or open_end(hi)) and size(lo, hi + 1) <= limit:
        hi += 1
    while size(lo, hi) < least and lo > 0 and size(lo - 1, hi) <= limit:
        lo -= 1
    if lo == 1 and size(0, hi) <= limit and cjk_len(sentence[spans[0][0] : spans[0][1]]) <= 8:
        lo = 0  # a short opening clause ("近日，") is kept rather than cut
    a, b = spans[lo][0], spans[hi][1]
    text = sentence[a:b]
    if b < len(sentence) or text.endswith(("；", ";", "——", "：")):
        text = text.rstrip("，,；;：:、—") + "。"
    first = 1 if len(spans) > 1 and _SAYS_CLAUSE.match(sentence[spans[0][0] : spans[0][1]]) else 0
    head = sentence[spans[first][0] : spans[first][1]].rstrip("，,")
    if lo == first + 1 and text.startswith(("是", "为", "对于")) and size(first, hi) <= limit + 30:
        a = spans[first][0]  # the subject clause is next to it: keep them together
        text = sentence[a:b] if b == len(sentence) else sentence[a:b].rstrip("，,；;：:、") + "。"
        return text, start - a, a == 0
    if lo > first + 1 and text.startswith(("是", "为", "对于")) and cjk_len(head) <= 30:
        # "…，是践行党的根本宗旨…的（　）": the predicate keeps its subject, the omission marked
        text = head + GAP + text
        return text, start - a + len(head) + len(GAP), True
    return text, start - a, a == 0


def short_title(title: str, *, limit: int = 26) -> str:
    """A document title short enough to name the source inside a stem."""
    t = title.strip()
    inner = re.search(r".《([^《》]{4,})》", t)
    t = inner.group(1) if inner else t.strip("《》")  # "中共中央办公厅印发《关于…的通知》": the document it prints
    for sep in ("——", "（", "(", " ", "，"):
        head = t.split(sep)[0]
        if sep in "（(" and not re.search(r"[（(][^（）()]*[）)]$", t):
            continue  # "…领导小组（扩大）会议，部署…": a parenthesis inside the name is part of it
        if sep == "，" and len(t) <= limit:
            continue  # "“五重五轻”，习近平曾这样…" is short enough whole
        if cjk_len(head) >= 4:
            t = head
    return t if len(t) <= limit + 10 else t[:limit]  # a name a little long is named whole, never cut mid-word


def width_variants(answer: str) -> tuple[str, ...]:
    """Accepted spellings of a fill-in answer: as written, without 《》/“”, digits in both widths."""
    forms = [answer, answer.translate(_QUOTES)]
    for f in list(forms):
        forms.append(unicodedata.normalize("NFKC", f))
        forms.append(f.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    seen: list[str] = []
    for f in forms:
        f = f.strip()
        if f and f not in seen:
            seen.append(f)
    return tuple(seen)


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters at the last clause boundary that fits, marking the cut ``……``.

    A cut mid-clause ("…推动学习教育层层传导压…") reads as a typo; a cut after a comma reads as an
    omission.  The last clause mark in the second half of the room wins, else the last list mark (、)
    there, else any clause mark; only a text with none of them is cut mid-clause.
    """
    if len(text) <= limit:
        return text
    room = limit - len(GAP)
    marks = [m.start() for m in _CLAUSE_END.finditer(text, 0, room + 1)]
    lists = [i for i in range(room // 2, room + 1) if text[i] == "、"]
    late = [i for i in marks if i >= room // 2]
    cut = (late or lists or marks or [room])[-1]
    return text[:cut].rstrip("，,；;：:、…") + GAP


def join_lines(lines: list[str] | tuple[str, ...]) -> str:
    """Numbered items as one text: "一是…。二是…。" — a separator only where a line has no end mark."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and not out.endswith(("。", "；", "！", "？", "…", "”", "：", "—")):
            out += "；"
        out += line
    return out


def quoted(text: str) -> str:
    """``text`` inside “”, its own quotation marks one level deeper (“”↔‘’) — never ``““`` or ``””``.

    A text that is itself one whole quotation (“坚持聚焦主题…工作安排。”) is unwrapped first.
    """
    text = text.strip()
    if text.startswith("“"):
        close = _closing_quote(text)
        if close >= len(text) - 2 and (close == len(text) - 1 or text[-1] in "。；！？"):
            text = text[1:close] + text[close + 1 :]
    return "“" + text.translate(_NEST) + "”"


def _closing_quote(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth -= 1
            if depth == 0:
                return i
    return -1


def answered(stem: str, answer: str) -> str | None:
    """The statement a question asks about, with ``answer`` in place of its blank or question word."""
    tail = re.search(rf"{re.escape(ASK_TAIL)}(上午|下午)?？$", stem)
    if tail:
        return f"{answer}{tail.group(1) or ''}，{stem[: tail.start()]}"
    for marker in (BLANK, ASK_BODY, ASK_DAY, ASK_WHEN):
        if marker in stem:
            return stem.replace(marker, answer, 1).removesuffix("？")
    return None
