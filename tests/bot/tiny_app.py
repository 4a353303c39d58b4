"""A small but real PTB Application used to exercise the offline Bot API end to end.

It is deliberately not zhibu's bot: the offline layer must work for any Application, and the tests of
it should not break when zhibu's handlers change.  Each handler covers one thing the fake must get
right — HTML replies, inline keyboards and callback answers, quiz polls and poll answers, document
download, background tasks, handler groups, errors reaching the error handler.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.fakeapi.api import DEFAULT_TOKEN
from scheduler.clock import Clock

Context = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Context) -> None:
    name = html.escape(update.effective_user.first_name)
    payload = " ".join(context.args or [])
    suffix = f"\n邀请码：<code>{html.escape(payload)}</code>" if payload else ""
    await update.effective_message.reply_html(f"欢迎，<b>{name}</b>！{suffix}")


async def menu(update: Update, context: Context) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("批准", callback_data="v1:ok"), InlineKeyboardButton("拒绝", callback_data="v1:no")],
            [InlineKeyboardButton("说明", url="https://example.org/help")],
        ]
    )
    await update.effective_message.reply_text("请审批：", reply_markup=keyboard)


async def decide(update: Update, context: Context) -> None:
    query = update.callback_query
    choice = "批准" if query.data == "v1:ok" else "拒绝"
    await query.answer(f"已{choice}")
    await query.edit_message_text(f"你选择了：{choice}")


async def ask(update: Update, context: Context) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="other")]])
    await update.effective_message.reply_text("要继续吗？", reply_markup=keyboard)


async def silent_press(update: Update, context: Context) -> None:
    """Deliberately forgets to answer the callback query."""
    await update.effective_message.reply_text("收到")


async def quiz(update: Update, context: Context) -> None:
    message = await update.effective_message.reply_poll(
        "党的最高理想是？",
        ["实现共产主义", "发家致富", "环游世界"],
        type="quiz",
        correct_option_ids=[0],
        is_anonymous=False,
        explanation="见《党章》总纲",
    )
    context.bot_data.setdefault("polls", {})[message.poll.id] = (update.effective_chat.id, 0)


async def poll_answer(update: Update, context: Context) -> None:
    answer = update.poll_answer
    chat_id, correct = context.bot_data["polls"][answer.poll_id]
    verdict = "答对了" if list(answer.option_ids) == [correct] else "答错了"
    await context.bot.send_message(chat_id, verdict)


async def too_long_data(update: Update, context: Context) -> None:
    button = InlineKeyboardButton("太长", callback_data="x" * 65)
    await update.effective_message.reply_text("按钮", reply_markup=InlineKeyboardMarkup([[button]]))


async def bad_html(update: Update, context: Context) -> None:
    await update.effective_message.reply_html("第一行<br>第二行")


async def later(update: Update, context: Context) -> None:
    async def follow_up() -> None:
        await asyncio.sleep(0.05)
        await context.bot.send_message(update.effective_chat.id, "稍后的消息")

    context.application.create_task(follow_up(), update=update)
    await update.effective_message.reply_text("马上回来")


async def receive_document(update: Update, context: Context) -> None:
    document = update.effective_message.document
    data = await (await document.get_file()).download_as_bytearray()
    digest = hashlib.sha256(bytes(data)).hexdigest()[:12]
    await update.effective_message.reply_text(f"收到 {document.file_name}，{len(data)} 字节，{digest}")
    await update.effective_message.reply_document(bytes(data), filename=f"回执-{document.file_name}")


async def echo(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def log_every_update(update: object, context: Context) -> None:
    context.bot_data.setdefault("seen", []).append(update)


async def on_error(update: object, context: Context) -> None:
    context.bot_data.setdefault("errors", []).append(context.error)
    if isinstance(update, Update) and update.effective_chat:
        await context.bot.send_message(update.effective_chat.id, "抱歉，出错了。")


def build_tiny_app(*, request: BaseRequest, clock: Clock) -> Application[Any, Any, Any, Any, Any, Any]:
    """Same shape as zhibu's ``build_application(settings, *, request, clock)`` minus the settings."""
    app = ApplicationBuilder().token(DEFAULT_TOKEN).request(request).get_updates_request(request).build()
    app.bot_data["clock"] = clock
    app.add_handler(TypeHandler(Update, log_every_update), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CommandHandler("ask", ask))
    app.add_handler(CommandHandler("quiz", quiz))
    app.add_handler(CommandHandler("longdata", too_long_data))
    app.add_handler(CommandHandler("bad", bad_html))
    app.add_handler(CommandHandler("later", later))
    app.add_handler(CallbackQueryHandler(decide, pattern=r"^v1:"))
    app.add_handler(CallbackQueryHandler(silent_press))
    app.add_handler(PollAnswerHandler(poll_answer))
    app.add_handler(MessageHandler(filters.Document.ALL, receive_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(on_error)
    return app


__all__ = ["ParseMode", "build_tiny_app"]
