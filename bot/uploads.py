"""Files secretaries send the bot: who may, the download, and the refusal in the secretary's words.

Two features take documents — the bank (an edited ``.xlsx`` sent back) and the materials (anything else)
— and both need the same three steps, so they live here rather than in one feature that the other
imports::

    document in a private chat ──secretary_document──▶ (services, caller, document) | answered and None
                               ──download──▶ bytes | UploadRefused("size")
    UploadRefused ──refusal_text──▶ materials.refused.<code>, in the caller's language

Documents in groups never get this far: both features register their handlers for private chats only,
so a sheet or a file posted in the branch group is neither imported nor answered there.
"""

from __future__ import annotations

import io

from telegram import Document as TgDocument
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.commands import not_joined_key
from bot.context import Caller, Services, load_caller, reply, services
from bot.material_uploads import UPLOAD_LIMIT, UploadRefused
from bot.texts import Catalog, Safe
from storage.models import Role


async def refuse_unless_secretary(update: Update, svc: Services, caller: Caller, key: str) -> bool:
    """Answer a stranger or a member who sent a file meant for secretaries; True when refused."""
    if not caller.active:
        await reply(update, svc.texts.t(not_joined_key(caller), caller.lang))
        return True
    if not caller.at_least(Role.SECRETARY):
        await reply(update, svc.texts.t(key, caller.lang))
        return True
    return False


async def secretary_document(
    update: Update, context: ContextTypes.DEFAULT_TYPE, members_only_key: str
) -> tuple[Services, Caller, TgDocument] | None:
    """The document a secretary sent in private, with who sent it; ``None`` (after answering) otherwise."""
    svc = services(context)
    message = update.effective_message
    chat = update.effective_chat
    if message is None or message.document is None or chat is None or chat.type != ChatType.PRIVATE:
        return None  # the handlers are registered for private chats; this keeps it true if that changes
    caller = await load_caller(update, svc)
    if caller is None:
        return None
    if await refuse_unless_secretary(update, svc, caller, members_only_key):
        return None
    assert caller.member is not None
    return svc, caller, message.document


async def download(context: ContextTypes.DEFAULT_TYPE, document: TgDocument) -> bytes:
    """The file's bytes; ``UploadRefused("size")`` before downloading anything too large."""
    name = document.file_name or ""
    limit_mb = UPLOAD_LIMIT // (1024 * 1024)
    if document.file_size is not None and document.file_size > UPLOAD_LIMIT:
        raise UploadRefused("size", name=name, limit_mb=limit_mb)
    file = await context.bot.get_file(document.file_id)
    buffer = io.BytesIO()
    await file.download_to_memory(buffer)
    data = buffer.getvalue()
    if len(data) > UPLOAD_LIMIT:
        raise UploadRefused("size", name=name, limit_mb=limit_mb)
    return data


def refusal_text(texts: Catalog, lang: str, exc: UploadRefused) -> Safe:
    """Why a file was not taken, from the catalog (never an exception's own English or a path)."""
    return texts.t(f"materials.refused.{exc.code}", lang, **exc.params)
