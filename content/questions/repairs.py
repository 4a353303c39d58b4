"""The examiner's repairs (``content.questions.examiner``): fills given their defensible variants, a stem
on one line, and an explanation that names the body that said the sentence rather than crediting the
Notice with what a meeting said.  Applied to every candidate the examiner keeps."""

from __future__ import annotations

import re
from dataclasses import replace

from content.questions.cloze import EXPLANATION_LIMIT
from content.questions.slots import Candidate
from content.questions.text import clip, quoted
from content.questions.variants import accepted

_SPEAKER = re.compile(r"^(?:据)?(?P<who>[^：:“”《》]{2,40}?)(?P<verb>强调|指出|要求|提出|明确|表示|报道)：")
_CONVENER = re.compile(r"^(?P<who>[^，。？：:“”《》]{2,30}?(?:领导小组|委员会|党委|党组|常委会))哪一天召开会议")
_NAMED_DOC = re.compile(r"出自《([^》]*)》")
_COMPILATION = re.compile(r"汇编|选编|资料|文件")
_NAMED = re.compile(
    r"^(?P<verdict>(?:正确|错误)。)?出自《[^》]*》。(?P<rest>原文(?:（[^）]*）)?：)(?P<quote>.*)$", re.S
)


def repair(c: Candidate, source: str = "") -> Candidate:
    """Fills with their accepted variants; an explanation that names who said the sentence."""
    q = c.question
    if q.qtype == "fill" and q.answer:
        extra = [v for v in accepted(q.answer[0]) if v not in q.answer]
        if extra:
            q = replace(q, answer=(*q.answer, *extra))
    q = replace(q, stem=one_line(q.stem), explanation=credited(q.explanation.replace("——\n", "……"), q.stem, source))
    return replace(c, question=q)


_LEAD_BREAK = re.compile(r"(?<=[”》])——\n")


def one_line(stem: str) -> str:
    """A stem as one line: a lead-in the source ends with "——" and a line break ("…概括为“五重五轻”——\n这些重要
    论述…") reads as a splice on a phone, so it ends with a full stop instead (verified as two sentences)."""
    return _LEAD_BREAK.sub("。", stem)


def credited(explanation: str, stem: str, source: str = "") -> str:
    """"出自《…通知》" → "出自中央党的建设工作领导小组会议（载《资料汇编》）" when the stem says a meeting or a
    body said it: members must not be told the Notice says what a meeting said.  The document is still
    named — by its 来源 (the compilation it came in) when it has one, else by its title."""
    speaker = _SPEAKER.match(stem)
    convener = _CONVENER.match(stem)  # "中央党的建设工作领导小组哪一天召开会议…？": the meeting's report says it
    named = _NAMED.match(explanation)
    if (speaker is None and convener is None) or named is None:
        return explanation
    who = speaker.group("who") if speaker is not None else f"{convener.group('who')}会议"  # type: ignore[union-attr]
    compiled = source.strip("《》 ") if _COMPILATION.search(source) else ""  # not "…微信公众号"
    where = compiled or _NAMED_DOC.search(explanation).group(1)  # type: ignore[union-attr]
    head = f"{named.group('verdict') or ''}出自{who}（载《{where}》）。{named.group('rest')}"
    inner = named.group("quote").strip()
    if len(head) + len(inner) <= EXPLANATION_LIMIT:
        return head + inner
    text = inner.removeprefix("“").removesuffix("”")
    return head + quoted(clip(text, EXPLANATION_LIMIT - len(head) - 2))
