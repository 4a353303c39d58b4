"""The central meeting's date, asked among the dates of the campaign's other meetings.

Meeting dates are refused as trivia (another unit's day, who attended), with one exception the owner
decided: the *central* leading body's meeting that deployed the campaign is a fact of the campaign itself
("中央党的建设工作领导小组2月24日召开会议，…研究部署…学习教育工作"), and a member is asked it as a 单选 whose
wrong options are the days the corpus gives the campaign's *other* meetings (the province's 2月26日, the
city's 2月28日, a school's 3月12日) — each surely wrong, each a day a member who has not read could pick.
A blank or a 判断 on the day stays refused (a blank has no options of the campaign's kind, a 判断 on a day
is a coin toss), and so does any meeting below the centre.
"""

from __future__ import annotations

import re

from content.questions.importance import CENTRAL
from content.questions.slots import Candidate

_DAY = re.compile(r"\d{1,2}月\d{1,2}日")
_SENTENCE = re.compile(r"[^。！？\n]+")
_MEETING = re.compile(r"召开[^，。]{0,30}会议|会议[^，。]{0,4}召开")
_DEPLOYS = re.compile(r"部署|学习教育|贯彻")


def meeting_days(corpus: str) -> set[str]:
    """The days the corpus says a meeting on the campaign was held ("3月12日，学校召开…会议，…部署…")."""
    out: set[str] = set()
    for sentence in _SENTENCE.findall(corpus):
        if _MEETING.search(sentence) and _DEPLOYS.search(sentence):
            out.update(_DAY.findall(sentence[:40]))
    return out


def central_meeting_day(c: Candidate, corpus: str) -> bool:
    """A 单选 on the day a central passage's meeting was held, whose every option is a campaign meeting's day."""
    q = c.question
    if c.tier != CENTRAL or c.kind != "date" or q.qtype != "single" or not _MEETING.search(q.sentence):
        return False
    days = meeting_days(corpus)
    return len(q.options) >= 4 and all(_whole_day(o) and o in days for o in q.options)


def _whole_day(option: str) -> bool:
    return _DAY.fullmatch(option) is not None


__all__ = ["central_meeting_day", "meeting_days"]
