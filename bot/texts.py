"""The text catalog: every sentence a user reads, in Chinese (default) and English.

Why one catalog: handlers stay free of literal text, a translator edits YAML instead of code, and
``Catalog.load`` refuses to start when a key or a ``{placeholder}`` exists in one language but not the
other — a missing translation fails at start-up, not in front of a member.  Templates are Telegram HTML;
every parameter is HTML-escaped when rendered unless it is wrapped in :class:`Safe` (already-rendered
HTML from this catalog).
"""

from __future__ import annotations

import functools
import html
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


# Languages whose templates set a title in “ ” rather than 《 》 (the English catalog: “{title}”).
QUOTED_TITLES = frozenset({"en"})
_NEST = str.maketrans("“”‘’", "‘’“”")  # one level deeper: double quotes become single and back


def book_title(title: str, lang: str = "zh") -> str:
    """A title to be set inside 《》: book-title marks it already contains become 〈〉, as typesetting requires
    (《中共中央办公厅印发〈关于…的通知〉》).  Where ``lang`` sets titles in “ ”, the title's own quotation marks
    go one level down (“‘五重五轻’，习近平曾这样…”), so the title is not read as two quotations."""
    title = title.replace("《", "〈").replace("》", "〉")
    return title.translate(_NEST) if lang in QUOTED_TITLES else title


def raised(quote: str) -> str:
    """A quotation stored as it stands inside “ ” (its own marks one level down, ‘ ’) shown without the outer
    marks: its own marks come back up to “ ”."""
    return quote.translate(_NEST)


class Safe(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


class CatalogError(Exception):
    pass


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    elif isinstance(node, str):
        out[prefix] = node.rstrip("\n")
    else:
        raise CatalogError(f"{prefix}: a text must be a string")


@functools.lru_cache(maxsize=256)
def _parsed(path: Path, _mtime_ns: int, _size: int) -> dict[str, str]:
    """One YAML file, flattened; kept while the file is unchanged (its mtime and size are the key).

    Why: every ``build_application`` loads the catalog, and parsing its YAML files in pure Python took
    longer than the rest of start-up; a process that starts the bot many times (the tests, ``zhibu chat``
    restarts) parses each file once.  Callers must not modify the returned dict.
    """
    flat: dict[str, str] = {}
    _flatten("", yaml.safe_load(path.read_text(encoding="utf-8")) or {}, flat)
    return flat


def _load_language(folder: Path) -> dict[str, str]:
    """One language is a folder of YAML files, one per feature, so features add texts without touching
    each other's files; they merge into one flat catalog and a key defined twice is refused."""
    merged: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        stat = path.stat()
        flat = _parsed(path, stat.st_mtime_ns, stat.st_size)
        twice = sorted(set(flat) & set(merged))
        if twice:
            raise CatalogError(f"{folder.name}/{path.name}: keys defined in another file too: {twice[:5]}")
        merged.update(flat)
    if not merged:
        raise CatalogError(f"no texts in {folder}")
    return merged


# ``{count|question|questions}``: the word for ``count`` in English, singular for 1 and plural otherwise
# ("1 question", "2 questions").  Chinese needs none; a template may use it in any language.
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _plurals(template: str, params: Mapping[str, Any]) -> str:
    if "|" not in template:
        return template

    def form(match: re.Match[str]) -> str:
        one = str(params.get(match[1], "")).strip() in ("1", "-1")
        return (match[2] if one else match[3]).replace("{", "{{").replace("}", "}}")
    return _PLURAL.sub(form, template)


def _fields(template: str) -> set[str]:
    return {name.split("|", 1)[0] for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Catalog:
    texts: dict[str, dict[str, str]]
    default: str = "zh"

    @classmethod
    def load(cls, directory: Path = LOCALE_DIR, default: str = "zh") -> Catalog:
        texts: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            texts[lang] = _load_language(directory / lang)
        base = texts[LANGUAGES[0]]
        for lang in LANGUAGES[1:]:
            other = texts[lang]
            missing = sorted(set(base) ^ set(other))
            if missing:
                raise CatalogError(f"catalog keys differ between {LANGUAGES[0]} and {lang}: {missing[:5]}")
            for key, template in base.items():
                if _fields(template) != _fields(other[key]):
                    raise CatalogError(f"{key}: placeholders differ between {LANGUAGES[0]} and {lang}")
        return cls(texts=texts, default=default)

    def has(self, key: str) -> bool:
        return key in self.texts[self.default]

    def lang(self, language: str | None) -> str:
        return language if language in self.texts else self.default

    def join(self, items: Iterable[object], language: str | None = None, /, *, alternatives: bool = False) -> str:
        """A list as the reader's language writes it: 张三、李四、王五 in Chinese, "Zhang San, Li Si and Wang Wu"
        in English.  The one place that decides (``bot.words.join_names`` and every list parameter of
        :meth:`t` / :meth:`plain` come here), so no English list is glued with "、" nor a Chinese one with ", ".
        ``alternatives``: a list to choose one from ("A, B or C"; a parameter says so by being an
        :class:`Alternatives`), which "and" would misread as all of them."""
        catalog = self.texts[self.lang(language)]
        words = [str(item) for item in items]
        if len(words) < 2:
            return "".join(words)
        last = catalog["punct.list_or" if alternatives else "punct.list_last"]
        return catalog["punct.list_sep"].join(words[:-1]) + last + words[-1]

    def t(self, key: str, language: str | None = None, /, **params: Any) -> Safe:
        """Render ``key`` in ``language`` with HTML-escaped parameters; a list or tuple parameter (names a
        store function could not join, not knowing the reader) is joined by :meth:`join`."""
        template = self.texts[self.lang(language)].get(key)
        if template is None:
            raise KeyError(f"no text {key!r} in the catalog")
        safe = {name: self._safe(value, language) for name, value in params.items()}
        return Safe(_plurals(template, params).format(**safe))

    def _safe(self, value: object, language: str | None) -> str:
        if isinstance(value, list | tuple):
            return Safe(self.join((self._safe(v, language) for v in value), language,
                                  alternatives=isinstance(value, Alternatives)))
        return value if isinstance(value, Safe) else html.escape(str(value), quote=False)

    def plain(self, key: str, language: str | None = None, /, **params: Any) -> str:
        """Render without HTML escaping: for button labels and command descriptions (not parsed as HTML)."""
        template = self.texts[self.lang(language)][key]
        return _plurals(template, params).format(**{
            k: self.join(v, language, alternatives=isinstance(v, Alternatives)) if isinstance(v, list | tuple)
            else str(v) for k, v in params.items()})


class Alternatives(tuple[object, ...]):
    """A list parameter whose items are choices, one to be picked: joined "A, B or C" (``punct.list_or``)."""

    __slots__ = ()


def reason_text(texts: Catalog, language: str | None, reason: object, section: str = "verify") -> str:
    """A coded reason from ``content`` (a verification ``Reason``, a ``SheetError``: a code and parameters)
    in the reader's language; anything else as its own text."""
    code = getattr(reason, "code", None)
    params = dict(getattr(reason, "params", {}))
    if code is None or not texts.has(f"{section}.{code}"):
        return str(getattr(reason, "message", reason))
    if "field" in params and texts.has(f"verify_field.{params['field']}"):
        params["field"] = texts.plain(f"verify_field.{params['field']}", language)
    return texts.plain(f"{section}.{code}", language, **params)
