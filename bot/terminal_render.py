"""What ``zhibu chat`` prints: each bot message (addressee, what a phone shows, the buttons), the toasts,
deletions and refused calls — and the files the bot sent, saved where the user can open them.

Kept apart from the client's command handling (``bot/terminal.py``, which turns typed lines into updates)
because output is a concern of its own: it only reads what the offline Bot API recorded.  ``render_message``
is pure formatting; :class:`ChatOutput` walks the API's records since the last flush and owns the
downloads folder.  A photo whose media the bot later replaces (the check-in screen's QR code rotates)
is rewritten in the *same* file, so the path the user opened shows the current code, as the phone would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from bot.fakeapi.api import FakeBotApi
from bot.fakeapi.records import ApiCall, SentMessage

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
    elif sent.kind in {"document", "photo"} or sent.file_bytes:  # an edit with bytes replaced a photo's media
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


class ChatOutput:
    """Prints what the bot did since the last flush; ``label(chat_id)`` names an addressee, ``downloads``
    (None: nothing saved) is where files go.  One per ``zhibu chat`` session."""

    def __init__(self, api: FakeBotApi, write: Callable[[str], None], say: Callable[..., str],
                 label: Callable[[int], str]) -> None:
        self.api = api
        self.write = write
        self.say = say
        self.label = label
        self.downloads: Path | None = None
        self.saved: dict[tuple[int, int], Path] = {}  # (chat, message) -> the file its photo was saved to
        self._printed = 0  # the first flush also shows what the bot did while starting up
        self._calls_seen = 0
        self._told: set[str] = set()  # the "gone" notes already printed

    def flush(self) -> None:
        """Print everything the bot did since the last flush: messages, toasts, deletions, failed calls."""
        for sent in self.api.outbox[self._printed :]:
            self.write(self.render(sent))
        self._printed = len(self.api.outbox)
        for call in self.api.calls[self._calls_seen :]:
            if call.error is not None and call.method != "getUpdates":
                line = self._failed(call)
                if line is not None:
                    self.write(line)
            elif call.method == "answerCallbackQuery" and call.params.get("text"):
                style = "alert" if call.params.get("show_alert") else "toast"
                self.write(INDENT + self.say(style, text=call.params["text"]))
            elif call.method == "deleteMessage" and call.error is None:
                who = self.label(int(call.params.get("chat_id", 0)))
                self.write(f"→ {who}: " + self.say("deleted", id=call.params.get("message_id")))
        self._calls_seen = len(self.api.calls)

    def _failed(self, call: ApiCall) -> str | None:
        """A failed call as one line.  An edit of a message this offline Telegram never had (a check-in screen
        from before a restart: each start is a new offline Telegram) is no error to show raw (trial T7): it
        says the screen is gone and how to get a new one."""
        description = call.error.description if call.error is not None else ""
        if call.method.startswith("editMessage") and "message to edit not found" in description:
            found = re.search(r"mt:cc:(\d+)", json.dumps(call.params.get("reply_markup") or ""))
            line = (self.say("screen_gone", id=found[1]) if found is not None
                    else self.say("edit_gone", id=call.params.get("message_id")))
            if line in self._told:  # said once: a screen that keeps trying is not news each minute
                return None
            self._told.add(line)
            return INDENT + line
        return "! " + self.say("call_failed", method=call.method, error=description)

    def render(self, sent: SentMessage) -> str:
        """One bot message as terminal lines: addressee, plain text, then buttons."""
        return render_message(sent, addressee=self.label(sent.chat_id), say=self.say, save=self.save)

    def save(self, sent: SentMessage) -> Path | None:
        """Write the message's file where it can be opened; an edit rewrites the file its message was saved
        to (same path), so a viewer already showing it shows the new picture."""
        if self.downloads is None or not sent.file_bytes:
            return None
        key = (sent.chat_id, sent.message_id)
        path = self.saved.get(key) if sent.kind == "edit" else None
        if path is None:
            path = self.downloads / Path(sent.file_name or f"file-{sent.message_id}").name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sent.file_bytes)
        self.saved[key] = path
        return path
