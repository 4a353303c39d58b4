"""Wrong options that are plausible and wrong *by construction*.

Plausible: a distractor has the slot's kind and shape — another date for a date ("2月26日" for
"2月24日"), another convening body for a body, an item of another list for a list item, a quoted term for a
quoted term — and passes :func:`kinds.compatible`: same polarity (a fault for a fault), same form (a pair
for a pair), similar length, the pattern its siblings share ("亲自…").  Wrong by construction, checked in
this order, for every candidate:

1. it is not the answer, does not contain it and is not contained in it (up to width and quote marks);
2. it is not in the slot's family (the other items of its list and of lists sharing items with it), and
   does not contain one of them or sit inside one;
3. it does not occur in the evidence text, nor anywhere in the paragraph the evidence was read from —
   so nothing the member just read next to it ("…心浮气躁、急功近利…" two sentences on) can make it right;
4. wherever the corpus uses it, its neighbours differ from the slot's (“(　)召开会议，学习贯彻” must not
   read true for the distractor in some other sentence).

When the corpus has too few dates or quantities of the right shape, nearby values are made up
("7月底" → "6月底", "8月底"; "六个月" → "三个月", "十二个月"; "每季度" → "每月", "每半年"); they are marked as
synthetic and score lower (``synthetic``).  A date is never the only one of its month among the options
("3月12日" against three February dates is answered by the month alone).

Finding them is a best-first search (``shortlist``): the pool is indexed by polarity and form (the cheap
half of :func:`kinds.compatible`) and by the features the score depends on, so each slot opens only the
few bands that can still hold its best options and runs checks 1–4 on those alone — the same options a full
scan would choose, without scanning the corpus once per slot.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from content.questions.kinds import compatible, form, is_inaction, is_negative, shared_affix
from content.questions.quantities import measure
from content.questions.shortlist import TIE, Entry, Look, Part, Scored, bands, best, shape, tiebreak
from content.questions.slots import Slot
from content.questions.synthetic import QUANTITY_KINDS, made_up, months
from content.questions.text import cjk_len, item_key, norm

_CONTEXT = 6
_SHAPE_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Distractor:
    value: str
    quality: float  # 0..1: shape and length match, lower when synthetic


class Pools:
    """Every slot value in the corpus, by kind, indexed for :mod:`shortlist`'s best-first search."""

    def __init__(self, slots: Iterable[Slot], paragraphs: Mapping[tuple[str, int], str] | None = None) -> None:
        self._paragraphs = {k: norm(v) for k, v in (paragraphs or {}).items()}
        self._runs: dict[int, list[dict[str, None]]] = {}  # word length → the word lists of ``_word_runs``
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._entries: dict[str, list[Entry]] = defaultdict(list)
        self._befores: dict[str, set[str]] = defaultdict(set)  # neighbours of each value wherever it occurs
        self._afters: dict[str, set[str]] = defaultdict(set)
        self._negative: set[str] = set()
        self._halves: set[str] = set()  # one half of a two-part slogan ("下有对策") is no option on its own
        # an item of a patterned list ("边对照", "把工作摆进去") looks out of place beside other answers
        self._patterned: dict[str, tuple[str, str, str]] = {}
        self._items_of: dict[str, set[str]] = defaultdict(set)  # doc_id → its list items: real alternatives
        self._roles: dict[str, set[str]] = defaultdict(set)  # item → what its lists are for ("存在", "工作安排")
        self._by_class: dict[str, set[str]] = defaultdict(set)  # "measure" → items of lists of measures
        for s in slots:
            if s.kind == "item":
                self._items_of[s.evidence.doc_id].add(s.value)
                if s.role:
                    self._roles[norm(s.value)].add(s.role)
                    if role_class(s.role):
                        self._by_class[role_class(s.role)].add(s.value)  # type: ignore[index]
            if s.kind == "item" and len(s.family) == 2 and _paired(s.value, s.family):
                self._halves.add(norm(s.value))
            if s.kind == "item" and len(s.family) > 2 and any(shared_affix(s.family)):
                self._patterned[norm(s.value)] = shared_affix(s.family)
            kind = _pool_kind(s.kind, s.value, s.label if s.kind == "item" else "")
            key = norm(s.value)
            if key not in self._keys[kind]:
                self._keys[kind].add(key)
                self._entries[kind].append(_entry(s.value, key))
            before, after = _neighbours(s)
            self._befores[key].add(before)
            self._afters[key].add(after)
            if s.negative or is_negative(s.value):
                self._negative.add(key)
        self._parts: dict[str, dict[tuple[bool, str], Part]] = {}
        self._by_value: dict[str, dict[str, Entry]] = {}
        for kind, entries in self._entries.items():
            parts: dict[tuple[bool, str], Part] = defaultdict(Part)
            by_value: dict[str, Entry] = {}
            for i, e in enumerate(entries):
                e = entries[i] = replace(e, part=(self.negative(e.value), e.part[1]))
                parts[e.part].add(e)
                by_value.setdefault(e.value, e)
            self._parts[kind] = dict(parts)
            self._by_value[kind] = by_value

    def same_document(self, slot: Slot) -> frozenset[str]:
        """The list items of ``slot``'s document outside its family: the alternatives its reader has met."""
        family = {norm(f) for f in slot.family} | {norm(slot.value)}
        polarity = is_negative(slot.value)
        mine = role_class(slot.role)
        # items of the same kind of list anywhere ("…等途径" for "…等工作安排": both measures), else the document's
        pool = self._by_class.get(mine, set()) if mine else self._items_of.get(slot.evidence.doc_id, set())
        return frozenset(
            v
            for v in pool
            if norm(v) not in family
            and is_negative(v) == polarity  # a fault for a fault, by its own words
            and (not polarity or is_inaction(v) == is_inaction(slot.value))  # and of the same sign
            and self.same_role(slot, v)
        )

    def same_role(self, slot: Slot, value: str) -> bool:
        """An item is an option for another only if their lists are of one kind: measures ("…等工作安排",
        "通过…等途径") against measures, fields ("…等领域", "…等指标") against fields, slogans against slogans.
        A list whose kind is not known is no evidence either way."""
        mine = role_class(slot.role)
        if mine is None:
            return True
        theirs = {role_class(r) for r in self._roles.get(norm(value), ())} - {None}
        return not theirs or mine in theirs

    def in_paragraphs(self, doc_id: str, lines: Iterable[str]) -> list[str]:
        """The (normalised) paragraphs of ``doc_id`` that hold any of ``lines``: what a list's reader has read."""
        keys = [norm(line) for line in lines]
        return [t for (d, _), t in self._paragraphs.items() if d == doc_id and any(k in t for k in keys)]

    def co_listed(self, items: Sequence[str]) -> list[str]:
        """Bare words the corpus lists beside two or more of ``items`` but that are not among them.

        "层级、地区、领域、行业" has no wrong options of its own kind in the slot pools (two-character words are
        no slots), but other passages list the same kind of thing: "结合不同层级、不同领域、不同岗位实际",
        "本地区本部门本领域" — 岗位 and 部门 are real alternatives a reader may confuse, and surely not in the
        list (a word listed beside only one item could be of another kind: "各地区各部门各单位").  Most shared
        first, then in corpus order."""
        size = {cjk_len(i) for i in items}
        if len(size) != 1:
            return []
        mine = {norm(i) for i in items}
        shared: dict[str, int] = {}
        for words in self._word_runs(size.pop()):
            hits = len(mine & words.keys())
            if hits >= 2:
                for w in words:
                    if w not in mine:
                        shared[w] = max(shared.get(w, 0), hits)
        return sorted(shared, key=lambda w: -shared[w])

    def _word_runs(self, n: int) -> list[dict[str, None]]:
        """Every run of ``n``-character words the paragraphs list ("不同A、不同B", "本A本B本C", "A、B、C"), once
        per word length: the lists ``co_listed`` reads."""
        if n not in self._runs:
            word = rf"[\u4e00-\u9fff]{{{n}}}"
            prefixed = re.compile(rf"(?:(?:不同|本|各){word}、?){{2,}}")
            plain = re.compile(rf"(?<![\u4e00-\u9fff]){word}(?:、{word}){{2,}}(?![\u4e00-\u9fff])")
            runs: list[dict[str, None]] = []
            for text in self._paragraphs.values():
                runs += [
                    dict.fromkeys(re.findall(rf"(?:不同|本|各)({word})", m.group(0))) for m in prefixed.finditer(text)
                ]
                runs += [dict.fromkeys(m.group(0).split("、")) for m in plain.finditer(text)]
            self._runs[n] = runs
        return self._runs[n]

    def negative(self, value: str) -> bool:
        """Whether ``value`` names a fault, by its words or by a list of faults it appears in."""
        return norm(value) in self._negative or is_negative(value)

    def pick(self, slot: Slot, n: int, prefer: frozenset[str] = frozenset()) -> list[Distractor]:
        """Up to ``n`` distractors for ``slot``, best first, deterministic for the same corpus.

        ``prefer`` holds values that make the best wrong options when they pass every check — the items
        of the other parts of the same speech for an item of one part.
        """
        answer = slot.value
        kind = _pool_kind(slot.kind, answer, slot.label if slot.kind == "item" else "")
        phrase = slot.kind in ("item", "term", "keyword")
        negative = slot.negative or self.negative(answer)
        kind_of_answer = form(answer)
        look = Look.of(answer)
        parts = self._parts.get(kind, {})
        # the cheap half of kinds.compatible: polarity and form choose the parts worth searching
        keys = {k for k in parts if not phrase or (k[0] == negative and k[1] == kind_of_answer)}
        chosen = [parts[k] for k in sorted(keys)]
        # "深学" or "查根源" beside four-character items is found out by its length
        window = 2 if kind_of_answer == "heavy" else 0 if len(answer) <= 4 else max(1, len(answer) // 4)
        check = _Check(self, slot, negative)

        def passes(strict: bool) -> Callable[[Scored], bool]:
            def accept(s: Scored) -> bool:
                return check.usable(s.entry, s.synthetic) and (
                    not phrase or check.kind_fits(s.entry, strict_length=strict)
                )

            return accept

        def fixed(within: Callable[[int], bool], factor: float) -> list[Scored]:
            out = []
            for value in sorted(prefer):
                e = self._by_value.get(kind, {}).get(value)
                if e is not None and e.part in keys and within(e.look.length):
                    quality = min(1.0, shape(look, e.look) * 1.0 * factor + 0.5)
                    out.append(Scored(quality + TIE * tiebreak(answer, value), quality, e))
            return out

        in_window: Callable[[int], bool] = (lambda n_: abs(len(answer) - n_) <= window) if phrase else (lambda n_: True)
        strict_fixed = fixed(in_window, 1.0)
        if slot.kind == "date" or slot.kind in QUANTITY_KINDS:
            strict_fixed += self._synthetic(kind, answer, look, prefer, slot.kind)
        skip = frozenset(prefer)
        keep = check.pattern if phrase and kind_of_answer == "plain" and any(check.affix) else None
        found = bands(
            chosen, answer, look, lengths=in_window, factor=1.0, skip=skip, keep=keep, digits_only=slot.kind == "date"
        )
        if slot.kind == "date":
            dates = months(answer, best(found, strict_fixed, passes(True), n + 8), n)
            return [Distractor(s.entry.value, round(s.quality, 3)) for s in dates]
        picked = best(found, strict_fixed, passes(True), n)
        if phrase and len(picked) < n:

            def outside(n_: int) -> bool:
                return not in_window(n_)

            relaxed = bands(chosen, answer, look, lengths=outside, factor=0.7, skip=skip, keep=keep)
            picked = sorted(
                picked + best(relaxed, fixed(outside, 0.7), passes(False), n), key=lambda s: (-s.score, s.entry.value)
            )[:n]
        return [Distractor(s.entry.value, round(s.quality, 3)) for s in picked]

    def _synthetic(self, kind: str, answer: str, look: Look, prefer: frozenset[str], slot_kind: str) -> list[Scored]:
        """Made-up neighbours of a date or quantity; a value the pool already holds is scored as the pool's.

        Written-out quantities come nearest first (三个月 before 十二个月 for 两个月), and keep that order.
        """
        out: list[Scored] = []
        seen = set(self._keys.get(kind, ()))
        ordered = slot_kind in QUANTITY_KINDS and not answer[:1].isdigit()
        for rank, value in enumerate(made_up(answer, slot_kind)):
            key = norm(value)
            if key in seen:
                continue
            seen.add(key)
            quality = shape(look, Look.of(value)) * 0.6 * 1.0
            if ordered:
                quality *= 1.0 - 0.03 * rank
            if value in prefer:
                quality = min(1.0, quality + 0.5)
            e = _entry(value, key)
            out.append(Scored(quality + TIE * tiebreak(answer, value), quality, e, synthetic=True))
        return out


class _Check:
    """Checks 1–4 of the module docstring (and the kind checks) for one slot, with its own part done once."""

    def __init__(self, pools: Pools, slot: Slot, negative: bool) -> None:
        self.pools = pools
        self.slot = slot
        self.negative = negative
        self.answer = norm(slot.value)
        self.family = [(norm(f), item_key(f)) for f in slot.family]
        self.evidence = norm(slot.evidence.text)
        self.paragraph = pools._paragraphs.get((slot.evidence.doc_id, slot.evidence.block), "")
        self.before, self.after = _neighbours(slot)
        self.digits = _SHAPE_DIGITS.sub("9", slot.value)
        # a pattern shared by short items ("亲自…", "…摆进去"); long items share words by chance ("关于")
        short = len(slot.family) > 1 and max(len(f) for f in slot.family) <= 8
        self.affix = shared_affix(slot.family) if short else ("", "", "")
        same = [f for f in slot.family if len(f) == len(slot.value)]
        self.fixed: list[tuple[int, str]] = (
            [(i, ch) for i, ch in enumerate(slot.value) if all(f[i] == ch for f in same)]
            if slot.kind == "item" and len(same) == len(slot.family) >= 3
            else []
        )

    def usable(self, e: Entry, synthetic: bool) -> bool:
        v, a = e.key, self.answer
        pools = self.pools
        if not v or v == a or v in a or a in v or v in pools._halves:
            return False
        if any(f in v or v in f or (len(f) == len(v) and fs == e.anagram) for f, fs in self.family):
            return False
        if v in self.evidence or v in self.paragraph:
            return False
        if (len(self.after) >= 3 and self.after in pools._afters.get(v, ())) or (
            len(self.before) >= 3 and self.before in pools._befores.get(v, ())
        ):
            return False
        if self.slot.kind == "item" and not pools.same_role(self.slot, e.value):
            return False  # "督促检查" (a way to find problems) is no option for "产业发展" (a field of work)
        if self.slot.kind == "date" and e.look.digits != self.digits:
            return False  # "7月底" is asked against other month ends, never against "3月5日"
        pattern = pools._patterned.get(v)
        if pattern and self.slot.kind in ("item", "term", "keyword") and not _fits(self.slot.value, pattern):
            return False
        # "创新为第一动力、融合为内生特点": a character every item has at one place, the option must have too
        return all(i < len(e.value) and e.value[i] == ch for i, ch in self.fixed)

    def pattern(self, value: str) -> bool:
        """The part of :func:`kinds.compatible` a plain answer's list pattern decides ("亲自…", "…摆进去")."""
        prefix, suffix, core = self.affix
        return value.startswith(prefix) and value.endswith(suffix) and core in value

    def kind_fits(self, e: Entry, *, strict_length: bool) -> bool:
        return compatible(
            self.slot.value,
            e.value,
            negative=self.negative,
            value_negative=e.part[0],
            affix=self.affix,
            strict_length=strict_length,
        )


_MEASURES = frozenset(
    "工作安排 途径 方式 形式 多种形式 措施 举措 落实 推进 抓好 通过 采取 坚持 强化 注重 加强 开展 做到".split()  # noqa: SIM905
)
_FIELDS = frozenset(["领域", "各领域", "内容", "指标", "中心工作", "方面", "穿到", "突出", "紧盯", "结合"])
_FAULTS = frozenset(["问题", "行为", "现象", "倾向", "存在"])
_PRINCIPLES = frozenset(("总要求", "principle"))


def role_class(role: str) -> str | None:
    """The kind of list a role names: "measure", "field", "fault", "slogan", or ``None`` when unknown."""
    if role == "slogan":
        return "slogan"
    if role in _MEASURES:
        return "measure"
    if role in _FIELDS:
        return "field"
    if role in _FAULTS:
        return "fault"
    if role in _PRINCIPLES:
        return "principle"  # the 总要求 against "实事求是、求真务实", "立党为公、执政为民"
    return None


def _paired(value: str, family: frozenset[str]) -> bool:
    """One half of a patterned pair ("上有政策、下有对策"), not a phrase of its own ("实事求是、求真务实")."""
    from content.questions.filters import PREDICTABLE, predictability

    return predictability(value, [f for f in family if f != value]) >= PREDICTABLE


def _entry(value: str, key: str) -> Entry:
    return Entry(value, key, Look.of(value), item_key(value), (False, form(value)))


def _fits(answer: str, pattern: tuple[str, str, str]) -> bool:
    prefix, suffix, core = pattern
    return answer.startswith(prefix) and answer.endswith(suffix) and core in answer


def _pool_kind(kind: str, value: str = "", label: str = "") -> str:
    """Pools are by kind; numbers only mix with numbers of the same unit ("1次" never meets "7人").

    List items and quoted terms are separate pools: a slogan ("一岗双责") is asked against slogans, a work
    item ("建章立制") against work items.  An item of a counted list ("…四个等次") is asked only against items
    of lists counted in the same measure ("等次"), and Chinese-numeral quantities only against their own
    measure in Chinese numerals (``quantities.measure``).
    """
    if kind == "number" and value[:1].isdigit():
        return "number:" + re.sub(r"[\d.\s]+", "", value)
    if kind in QUANTITY_KINDS:
        return measure(kind, value)
    if kind == "item" and label:
        return f"item:{label}"
    return kind


def _neighbours(slot: Slot) -> tuple[str, str]:
    text = slot.evidence.text
    line_start = text.rfind("\n", 0, slot.start) + 1
    line_end = text.find("\n", slot.end)
    line_end = len(text) if line_end < 0 else line_end
    before = norm(text[max(line_start, slot.start - _CONTEXT) : slot.start])
    after = norm(text[slot.end : min(line_end, slot.end + _CONTEXT)])
    return before, after
