"""Reading the config file: bounded, parsed once, every problem one line that names the key.

Why a module of its own: a config is read by every ``zhibu`` command, so a hostile or broken file must
fail fast and in one line rather than hang or print a traceback.  The file is read at most
:data:`MAX_BYTES` (a 50 MB file is refused before any parsing); the YAML is composed once with a
loader that counts nesting depth and the values aliases expand to, so a billion-laughs file or a
10,000-deep list is refused while it is being composed (PyYAML's composer recurses, so depth is bounded
long before Python's recursion limit); the duplicate-key check walks each node once and never follows an
alias again; and the Python value is constructed from the same composed tree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000  # a real config is a few KB
MAX_DEPTH = 24  # a real config nests 4 levels
MAX_VALUES = 20_000  # values after alias expansion; a real config has a few hundred


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the YAML — always one line."""

    def __init__(self, message: str, *, key: str | None = None, line: int | None = None) -> None:
        self.key = key
        self.line = line
        where = ""
        if key:
            where = f"{key}"
            if line:
                where += f" (line {line})"
            where += ": "
        self.detail = " ".join(message.split())
        super().__init__(" ".join(f"{where}{message}".split()))


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses deep nesting and runaway alias expansion while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._sizes: dict[int, int] = {}  # id(node) -> values in its expanded subtree, once complete

    def _line(self) -> int:
        return int(self.peek_event().start_mark.line) + 1

    def _count(self, n: int, line: int) -> None:
        self._values += n
        if self._values > MAX_VALUES:
            raise ConfigError(f"the file expands to more than {MAX_VALUES} values (aliases repeating aliases?)",
                              key="yaml", line=line)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        line = self._line()
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:
                raise ConfigError("an alias refers to a value that contains it", key="yaml", line=line)
            self._count(size, line)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", key="yaml", line=line)
        before = self._values
        self._count(1, line)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._sizes[id(node)] = self._values - before
        return node


def read_text(path: Path) -> str:
    """The file's text, refusing anything over :data:`MAX_BYTES` without reading the rest of it."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"config file {path} is a directory") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    if len(data) > MAX_BYTES:
        raise ConfigError(f"config file {path} is larger than {MAX_BYTES // 1_000_000} MB; a config is a few KB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {exc.start})") from exc


def parse(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """Compose once (bounded), check for duplicate keys, construct from the same tree.

    Returns the Python value and the composed root (for finding the line of a bad key later)."""
    loader = _BoundedLoader(text)
    try:
        root = loader.get_single_node()
        duplicate = _duplicate_key(root)
        if duplicate is not None:
            key, line = duplicate
            raise ConfigError("this key is given twice; keep one", key=key, line=line)
        value = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem_line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"not valid YAML: {problem}", key=source, line=problem_line) from exc
    except RecursionError as exc:  # not expected with MAX_DEPTH, but a traceback must never be the answer
        raise ConfigError("nested too deeply", key=source) from exc
    finally:
        loader.dispose()
    return value, root


def _duplicate_key(root: yaml.Node | None) -> tuple[str, int] | None:
    """YAML quietly keeps the last of two equal keys; a config that says a thing twice is a mistake.

    Each node is visited once: a node reached again through an alias was checked where it was anchored."""
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    while stack:
        node, prefix = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        return key, key_node.start_mark.line + 1
                    keys.add(key_node.value)
                stack.append((value_node, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{prefix}[{index}]") for index, item in enumerate(node.value))
    return None


def line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """Walk the composed YAML tree along ``loc`` and return the deepest line found (1-based)."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
