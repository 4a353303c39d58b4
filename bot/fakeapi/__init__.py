"""The offline Telegram: a fake Bot API for tests, ``zhibu chat`` and local runs without Telegram.

    FakeBotApi (api.py)        in-memory Telegram: state in world.py, methods in methods/, the users'
                               side in updates.py, getUpdates in polling.py, HTML rules in html.py
    OfflineRequest (request.py) PTB's BaseRequest answered in-process by a FakeBotApi
    serve() (http.py)          the same fake over HTTP on 127.0.0.1, for ``zhibu run`` end-to-end
    OfflineSession (session.py) a real PTB Application driven one update at a time over the fake

Import the HTTP server from ``bot.fakeapi.http`` explicitly; the rest is re-exported here.
"""

from bot.fakeapi.api import DEFAULT_TOKEN, FakeBotApi
from bot.fakeapi.records import ApiCall, BotApiError, Button, Keyboard, SentMessage, UploadedFile
from bot.fakeapi.request import OfflineRequest
from bot.fakeapi.session import OfflineSession, SessionError

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiError",
    "Button",
    "FakeBotApi",
    "Keyboard",
    "OfflineRequest",
    "OfflineSession",
    "SentMessage",
    "SessionError",
    "UploadedFile",
]
