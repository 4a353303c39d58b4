"""Clean the raw lines of one material file; ``content.structure`` makes ``Document``s of them.

Real branch materials are Word conversions and web copies.  They carry noise that must never reach a
member's phone, and the noise has recognisable shapes, so each shape gets one rule here::

    raw lines
      │ normalise_line   zero-width chars, ideographic/odd spaces, [bookmark: …] markers, half-width
      │                  , : ; ! ? ( ) "…" next to CJK → full-width, "2026 年 2 月" → "2026年2月", ＡＢ１２ → AB12
      │ drop noise       web footers and promo lines (cue lists below: data, not scattered literals),
      │                  editor sign-offs ("责任编辑：…"), stand-alone author by-lines ("朱唯 蔡湘"),
      │                  lines with no Chinese at all (URLs, "—END—")
      ▼
    content.structure    documents (a file may hold an agenda and several articles), title / 来源 / date,
                         headings and enumeration markers, broken paragraphs rejoined (content.fragments),
                         paragraphs put back under the section they name, repeats inside a document dropped

``content.structure`` imports this module and owns ``parse_material`` (clean, then structure); nothing
here imports it back.

Promo detection works on cues because the wording changes from one WeChat account to the next while the
vocabulary (扫一扫, 转发, 版权, 客服, 订阅 …) does not.  A *strong* cue alone condemns a line or sentence; *weak*
cues are words ordinary Party texts also use ("关注群众", "转发通知"), so they only count together, and only
on short lines.  By-lines are recognised by shape — one to four space-separated tokens of a common surname
plus one or two characters, nothing else on the line — never by a list of names.
"""

from __future__ import annotations

import re
import unicodedata

from content.sentences import ends_sentence, split_sentences

# --- cue lists (all promo / footer vocabulary lives here) -------------------------------------------------
PROMO_STRONG_CUES: tuple[str, ...] = (
    "扫一扫",
    "长按识别",
    "二维码",
    "借鉴使用",
    "不妨点",
    "点个",
    "点赞",
    "在看",
    "干货",
    "版权声明",
    "版权归",
    "二次传播",
    "转载请",
    "联系客服",
    "订阅号",
    "编辑整理",
    "阅读原文",
    "关注我们",
    "关注公众号",
    "设为星标",
    "后台回复",
    "今日推送",
    "推送一篇",
)
PROMO_WEAK_CUES: tuple[str, ...] = (
    "推送",
    "转发",
    "关注",
    "订阅",
    "客服",
    "版权",
    "原创",
    "公众号",
    "分享",
    "会员",
    "微信",
    "收藏",
    "留言",
)
PROMO_SHORT_LINE = 60  # weak cues only condemn lines at most this long
SIGN_OFF = re.compile(
    r"^[（(【\[]?\s*(?:(?:责任编辑|编辑|责编|审核|审校|校对|排版|美编|编审|终审|监制|出品|作者|记者|通讯员|"
    r"供稿|撰稿|撰文|摄影|图片|图|文|统筹|策划|编校)\s*[：:｜|/]|(?:责任编辑|编辑|作者|记者|通讯员|摄影)\s+\S)"
)
# One-character surnames common enough to appear in by-lines, and compound surnames.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓"
    "修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植"
    "衡富尧闭由"
)
COMPOUND_SURNAMES: tuple[str, ...] = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
    "西门",
    "南宫",
    "独孤",
    "呼延",
    "万俟",
)
# Characters that make a short line a place or an organisation ("贵阳高新区"), not a person's name.
NON_NAME_CHARS = frozenset("区市省县镇村乡局部委会院校所司处科厅办组队站心馆社团党厂场园港湾山河湖路街")

# --- normalisation ---------------------------------------------------------------------------------------
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJKISH = re.compile(f"[{_CJK_RANGES}\u3000-\u303f\uff01-\uff5e“”‘’…—《》]")
_CJK = re.compile(f"[{_CJK_RANGES}]")
_PAREN_PAIR = re.compile(r"\(([^()]*)\)")
_ASCII_QUOTED = re.compile(f'"([^"]*[{_CJK_RANGES}][^"]*)"')
_DIGIT_CJK_SPACE = re.compile(f"(?<=[0-9])\\s+(?=[{_CJK_RANGES}])|(?<=[{_CJK_RANGES}])\\s+(?=[0-9])")
_SPACE_BY_FULLWIDTH = re.compile(r"\s*([\u3001\u3002\uff0c\uff1a\uff1b\uff01\uff1f“”‘’《》（）【】])\s*")
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}


def normalise_line(line: str) -> str:
    """One line in canonical form: the form every later comparison and every snippet uses."""
    text = unicodedata.normalize("NFC", line).translate(_ZERO_WIDTH).translate(_FULLWIDTH_ALNUM)
    text = _BOOKMARK.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return ""
    text = _ASCII_QUOTED.sub(r"“\1”", text)
    text = _PAREN_PAIR.sub(_paren_to_full, text)
    text = _punct_to_full(text)
    text = _DIGIT_CJK_SPACE.sub("", text)
    text = _SPACE_BY_FULLWIDTH.sub(r"\1", text)
    return text.strip()


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def _paren_to_full(match: re.Match[str]) -> str:
    inner = match.group(1)
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if _CJKISH.match(before or " ") or _CJKISH.match(after or " ") or has_cjk(inner):
        return f"（{inner}）"
    return match.group(0)


def _punct_to_full(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in _HALF_TO_FULL or ch == ".":
            before = _neighbour(text, i, -1)
            after = _neighbour(text, i, 1)
            if ch == "." and _CJK.match(before or " ") and (after == "" or _CJKISH.match(after)):
                out.append("。")
                continue
            if ch != "." and (_CJKISH.match(before or " ") or _CJKISH.match(after or " ")):
                out.append(_HALF_TO_FULL[ch])
                continue
        out.append(ch)
    return "".join(out)


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


# --- noise -----------------------------------------------------------------------------------------------
def is_promo(text: str, *, short_line: int = PROMO_SHORT_LINE) -> bool:
    """A web promo or footer: one strong cue; or three weak ones; or two in a short line that is not a
    finished sentence (footers are labels and slogans; "要把群众关注的问题…及时转发上级通知…。" is text)."""
    if any(cue in text for cue in PROMO_STRONG_CUES):
        return True
    weak = sum(cue in text for cue in PROMO_WEAK_CUES)
    return weak >= 3 or (weak == 2 and len(text) <= short_line and not ends_sentence(text))


def is_sign_off(text: str) -> bool:
    return SIGN_OFF.match(text) is not None and len(text) <= 40


def is_byline(text: str) -> bool:
    """A stand-alone author or editor by-line such as "王轩禹" or "朱唯 蔡湘" (shape, not a list of names)."""
    tokens = text.split(" ")
    if not 1 <= len(tokens) <= 4:
        return False
    return all(_looks_like_name(token) for token in tokens)


def _looks_like_name(token: str) -> bool:
    if not 2 <= len(token) <= 4 or not all(_CJK.match(ch) for ch in token):
        return False
    if any(ch in NON_NAME_CHARS for ch in token):
        return False
    if token[:2] in COMPOUND_SURNAMES:
        return len(token) in (3, 4)
    return token[0] in SURNAMES and len(token) in (2, 3)


def is_noise_line(text: str) -> bool:
    """Lines that are never study text: footers, promos, sign-offs, by-lines, lines without Chinese.
    A line of several sentences is judged sentence by sentence instead (``strip_promo_sentences``)."""
    if not has_cjk(text) or is_sign_off(text) or is_byline(text):
        return True
    return is_promo(text) and len(split_sentences(text)) < 2


def strip_promo_sentences(text: str) -> str:
    """Remove promo sentences from a line ("…影响深远。今日推送一篇…借鉴使用。" keeps the first sentence);
    returns "" when every sentence is promo."""
    return split_promo(text)[0]


def split_promo(text: str) -> tuple[str, list[str]]:
    """The line without its promo sentences, and the promo sentences removed (kept as editorial notes:
    "以供各位笔杆子借鉴使用" says what kind of text follows)."""
    sentences = split_sentences(text)
    promo = [s for s in sentences if is_promo(s)]
    if not promo:
        return text, []
    return "".join(s for s in sentences if not is_promo(s)), promo


def clean_lines(lines: list[str]) -> list[str]:
    """Normalise raw lines and drop blank ones: in these copies blank lines carry no meaning (a word broken
    across lines has a blank line in the middle too).  Noise is judged later, once 来源 lines and agenda
    fields — which legitimately mention 微信公众号 or a person — have been recognised."""
    return [text for text in map(normalise_line, lines) if text]
