"""How ``zhibu chat`` prints one bot message: addressee, what a phone shows, then the buttons.

Kept apart from the client's command handling (``bot/terminal.py``) because it is pure formatting: it
takes the message, the addressee's label and the session's ``say`` and returns the lines, so the same
rendering serves private chats, the group and edits alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.fakeapi.records import SentMessage

INDENT = "    "


def size_label(n: int) -> str:
    """A file size as a person reads it (bytes, KB, MB)."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def render_message(
    sent: SentMessage,
    *,
    addressee: str,
    say: Callable[..., str],
    save: Callable[[SentMessage], Path | None],
) -> str:
    """One bot message as terminal lines; a file or photo is saved with ``save`` and its path shown."""
    head = f"→ {addressee}"
    if sent.kind == "edit":
        head += " " + say("edited", id=sent.message_id)
    body: list[str] = []
    if sent.kind == "poll":
        kind = say("quiz" if sent.poll_type == "quiz" else "poll")
        body.append(f"📊 [{kind}] {sent.plain}")
        body += [f"{i}. {option}" for i, option in enumerate(sent.options, 1)]
    elif sent.kind in {"document", "photo"}:
        icon = "📎" if sent.kind == "document" else "🖼"
        body.append(f"{icon} {sent.file_name or sent.kind} ({size_label(len(sent.file_bytes or b''))})")
        saved = save(sent)
        if saved is not None:
            body.append(say("saved", path=saved))
        body += sent.plain.splitlines()
    else:
        body += sent.plain.splitlines() or [""]
    if sent.buttons:
        numbered = iter(range(1, 1000))
        for row in sent.buttons:
            body.append("  ".join(f"[{next(numbered)}] {b.text}" + (f" <{b.url}>" if b.url else "") for b in row))
    if sent.reply_keyboard:
        body += ["⌨ " + " | ".join(row) for row in sent.reply_keyboard]
    return f"{head}: {body[0]}" + "".join(f"\n{INDENT}{line}" for line in body[1:])
