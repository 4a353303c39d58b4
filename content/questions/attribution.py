"""Whose statement a sentence is, so a stem can say it: "《通知》强调：…", "中央党的建设工作领导小组会议指出：…".

A stem torn out of its paragraph ("要坚持开门教育，…") does not say whose requirement it is; a member cannot
tell the Notice from a high-tech zone's meeting.  Every stem that is not itself about who did what therefore
opens with its *speaker*, found in this order::

    the sentence names itself        《通知》强调，学习教育要…  /  安徽省委要求坚持…  /  生态环境部党组提出，…
    its paragraph's first sentence   《通知》强调，…。要组织党员、干部…      → 《通知》强调：要组织…
    "会议强调" → the meeting          the section heading "中央党的建设工作领导小组会议精神", or the convener of the
                                      section's first paragraph ("3月3日，龙岩高新区召开党工委（扩大）会议")
    the document                     据《实干为民开新局》报道：… / 《…讲话》提出：…

The speaker is made of verbatim pieces of the evidence or the title — at most two, e.g. "龙岩高新区" +
"党工委（扩大）会议" — so ``content.verify`` can still prove every character of the stem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from content.questions.text import short_title

SAY = r"强调|指出|要求|提出|明确|表示"
_OPENER = re.compile(
    rf"^(?:\d{{1,2}}月\d{{1,2}}日(?:上午|下午)?[，,]?)?(?:近日[，,]?)?"
    rf"(?P<who>《[^》]{{1,30}}》|[\u4e00-\u9fff（）()]{{2,30}}?)(?:反复|特别|多次|还)?(?P<verb>{SAY})(?P<mark>[，,：:]?)"
)
_SPEAKER_WORD = re.compile(r"《|会议|委|党组|党委|领导小组|院务会|部$|总书记|习近平|学校|单位|政府|高新区|办公厅|通知")
_CONVENED = re.compile(
    r"(?:^|[，,。]|日|近日)(?P<body>[\u4e00-\u9fff（）()]{2,24}?)(?:\d{1,2}月\d{1,2}日(?:上午|下午)?)?[，,]?召开"
    r"(?P<meeting>[^，。；“”]{0,30}?(?:会议|推进会|部署会|动员会|座谈会|研讨会))"
)
_NOTICE_ASKS = re.compile(r"^《?通知》?对[^，。]{0,20}提出[^，。]{0,6}[，,](强调|指出|要求|明确)")
_BODY_END = re.compile(r"(?:委|党组|党委|领导小组|常委会|院务会|办公厅|政府|部|学校|会议)$")
_NOT_A_BODY = re.compile(r"^(?:今天我们|我们|这次|此次|会上|同时)")


@dataclass(frozen=True)
class Speaker:
    who: str  # "《通知》", "中央党的建设工作领导小组会议", "龙岩高新区党工委（扩大）会议"
    verb: str  # "强调", "指出", "报道" (with 据)
    line: str = ""  # a verbatim line the evidence must hold for ``who`` (a heading, a lead sentence), or ""

    def prefix(self) -> str:
        return f"据{self.who}{self.verb}：" if self.verb == "报道" else f"{self.who}{self.verb}："


def opener(sentence: str) -> tuple[str, str, int] | None:
    """(who, verb, end of the opener) when ``sentence`` opens by naming who says it ("《通知》强调，")."""
    m = _OPENER.match(sentence)
    if not m or not _SPEAKER_WORD.search(m.group("who")) or _NOT_A_BODY.match(m.group("who")):
        return None
    if "对" in m.group("who") or (not m.group("mark") and not _BODY_END.search(m.group("who"))):
        return None  # "通知对开展学习教育提出明确要求，强调…": the verb that says it comes later
    return m.group("who"), m.group("verb"), m.end()


def meeting(heading: str, paragraphs: list[str], title: str) -> tuple[str, str] | None:
    """(name, verbatim line) of the meeting a "会议强调" sentence reports."""
    h = heading.strip()
    if h.endswith("会议精神"):
        name = h.removesuffix("精神").replace("有关会议", "会议")
        body = name.removesuffix("会议")
        for text in paragraphs:  # "区委常委会有关会议精神" over "3月5日，光明区委常委会召开会议": 光明区委常委会
            m = _CONVENED.search(text[:80])
            if m and m.group("body").lstrip("，,") != body and m.group("body").endswith(body):
                return m.group("body").lstrip("，,") + "会议", _first_sentence(text)
        # the proof of the name is the section's sentence that says the body met, never the heading itself:
        # a heading glued before a sentence ("…会议精神\n要压实…") reads as part of the source sentence
        for text in paragraphs:
            first = _first_sentence(text)
            if body in first and "会议" in first:
                return name, first
        return None
    for text in [*paragraphs, title]:
        m = _CONVENED.search(text[:80])
        if m and not _NOT_A_BODY.match(m.group("body")):
            body = m.group("body").lstrip("，,")
            name = body + m.group("meeting")
            if len(name) > 30:
                name = body + "会议"
            return name, (text if text != title else "")
    return None


def _first_sentence(paragraph: str) -> str:
    """A paragraph's first sentence, its 。 kept: the shortest verbatim line that names a meeting."""
    end = paragraph.find("。")
    return paragraph if end < 0 else paragraph[: end + 1]


def naming_sentence(paragraphs: Sequence[str], name: str) -> str | None:
    """The first sentence of ``paragraphs`` that names ``name``: the verbatim line that proves a speaker."""
    for paragraph in paragraphs:
        for sentence in re.findall(r"[^。]*。|[^。]+$", paragraph):
            if name in sentence:
                return sentence
    return None


def find_speaker(
    sentence: str,
    lead: str,
    heading: str,
    section_first: list[str],
    title: str,
    *,
    speech: bool,
    report: bool,
    central: bool = False,
) -> Speaker | None:
    """The speaker of ``sentence`` (see the module docstring); ``None`` when the sentence names itself."""
    own = opener(sentence)
    if own is not None and own[0] != "会议":
        return None
    for text, line in ((sentence, ""), (lead, lead)):
        found = opener(text) if text else None
        if found is None:
            continue
        who, verb, _ = found
        if who == "会议":
            named = meeting(heading, section_first, title)
            if named is None:
                continue
            return Speaker(named[0], verb, named[1])
        return Speaker(who, verb, line)
    if central and "习近平" in title:
        return Speaker("习近平", "指出")  # the items of "习近平将…概括为“五重五轻”——" are his words
    notice = _NOTICE_ASKS.match(sentence)
    if notice:
        return Speaker("《通知》", notice.group(1))  # "通知对开展学习教育提出明确要求，强调“…”"
    if not speech and (heading.endswith("会议精神") or "召开" in title):
        named = meeting(heading, section_first, title)
        if named is not None:
            return Speaker(named[0], "提出", named[1])  # a meeting's report: what it reports is the meeting's
    title_short = short_title(title)
    if speech:
        return Speaker(f"《{title_short}》", "提出")
    if report:
        return Speaker(f"《{title_short}》", "报道")
    return Speaker(f"《{title_short}》", "指出")
