"""The one-line meeting form and the time a secretary types: local times, options, clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands import UsageError
from bot.meeting_form import FormError, parse_edit, parse_line, parse_start
from storage.models import Audience

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 1, 0, tzinfo=UTC)


def test_a_full_line() -> None:
    parsed = parse_line("支委会｜2026-04-03 09:00 | 书记办公室 | 研究发展党员 | 每月 | 45分钟 | 主持 王明洲"
                        " | 材料 关于发展党员的规定 | 议程 一、讨论", TZ, NOW)
    spec = parsed.spec
    assert parsed.monthly and spec.kind == "支委会" and spec.audience == Audience.COMMITTEE
    assert spec.starts_at == datetime(2026, 4, 3, 1, 0, tzinfo=UTC) and spec.duration_minutes == 45
    assert (spec.place, spec.topic, spec.host, spec.agenda) == ("书记办公室", "研究发展党员", "王明洲", "一、讨论")
    assert spec.materials == ("关于发展党员的规定",)


def test_audiences_and_defaults() -> None:
    group = parse_line("党小组会 | 4-10 19:00 | 活动室 | 小组学习 | 小组 第一党小组", TZ, NOW).spec
    assert (group.audience, group.audience_group, group.duration_minutes) == (Audience.GROUP, "第一党小组", 60)
    listed = parse_line("其他 | 2026年4月10日 19:00 | 活动室 | 谈心谈话 | 人员 3,5 8", TZ, NOW).spec
    assert (listed.audience, listed.audience_ids) == (Audience.LIST, (3, 5, 8))


@pytest.mark.parametrize(("line", "code"), [
    ("主题党日 | 2026-04-15 14:30 | 会议室", "too_short"),
    ("茶话会 | 2026-04-15 14:30 | 会议室 | 主题", "bad_kind"),
    ("党课 | 明天下午 | 会议室 | 主题", "bad_time"),
    ("党课 | 2026-03-19 14:30 | 会议室 | 主题", "past"),
    ("党课 | 2026-04-15 14:30 | 会议室 | 主题 | 随便写写", "bad_part"),
])
def test_refusals_name_what_is_wrong(line: str, code: str) -> None:
    with pytest.raises(FormError) as caught:
        parse_line(line, TZ, NOW)
    assert caught.value.code == code


def test_a_date_without_year_is_the_next_one() -> None:
    assert parse_start("3-01 08:00", TZ, NOW) == datetime(2027, 3, 1, 0, 0, tzinfo=UTC)


def test_edits() -> None:
    assert parse_edit(["时间", "2026-03-26", "15:00"], TZ, NOW) == ("starts_at", datetime(2026, 3, 26, 7, tzinfo=UTC))
    assert parse_edit(["时长", "60"], TZ, NOW) == ("duration", 60)
    assert parse_edit(["地点", "二楼", "会议室"], TZ, NOW) == ("place", "二楼 会议室")
    assert parse_edit(["取消"], TZ, NOW) == ("cancel", "")
    with pytest.raises(UsageError):
        parse_edit(["颜色", "红"], TZ, NOW)
    with pytest.raises(FormError) as missing:  # a known field without its value gets its own hint (trial T4)
        parse_edit(["地点"], TZ, NOW)
    assert missing.value.code == "no_value" and missing.value.params["field"] == "place"
    # a field it knows with a value it cannot take: the reply names the problem (trial V14)
    for wrong, code in ((["时间", "明天"], "bad_time"), (["时间", "2026-03-01", "10:00"], "past"),
                        (["时长", "2"], "bad_duration"), (["时长", "0"], "bad_duration")):
        with pytest.raises(FormError) as caught:
            parse_edit(wrong, TZ, NOW)
        assert caught.value.code == code
