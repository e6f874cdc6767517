"""A local stand-in for the Telegram Bot API: what the bot sends, what people do, and faults.

`FakeBotApi` serves the Bot API's HTTP protocol on loopback, close enough that the real
python-telegram-bot client works against it unchanged: JSON, form and multipart bodies (PTB
sends every non-string value JSON-encoded inside a form field), real long polling, and
Telegram's error answers, which PTB maps to its exceptions::

    400 "Bad Request: ..."          -> telegram.error.BadRequest
    401 "Unauthorized" / 404        -> telegram.error.InvalidToken (unknown method: 404)
    403 "Forbidden: bot was blocked" -> telegram.error.Forbidden
    409 "Conflict: ..."             -> telegram.error.Conflict
    429 + parameters.retry_after    -> telegram.error.RetryAfter
    502 "Bad Gateway" (an outage)   -> telegram.error.NetworkError

It keeps, per chat, every message the bot sent with its current text and keyboard, plus the
stream of sends and edits a person would have watched (`ScriptedUser` reads that stream).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.playground.users import JSON, Button, ScriptedUser, SentMessage

logger = logging.getLogger(__name__)

# Telegram's answers, verbatim where PTB or the bot's code looks at the wording.
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
# PTB form-encodes strings as they are and everything else as JSON, so only these fields may
# hold a string that merely looks like JSON ("123", "true").
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "action",
        "language_code",
        "secret_token",
        "ip_address",
        "file_id",
        "photo",
        "document",
        "message_effect_id",
        "business_connection_id",
        "description",
        "short_description",
    }
)
# Telegram's default when getUpdates never named allowed_updates.
_NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_MAX_UPLOAD = 50 * 1024 * 1024

Handler = Callable[["_Params"], Awaitable[Any]]


class BotApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description, optional retry_after."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def response(self) -> web.Response:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.status)


@dataclasses.dataclass
class _Fault:
    method: str | None
    remaining: int
    status: int
    retry_after: int
    description: str | None

    def error(self) -> BotApiError:
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            text = self.description or f"Too Many Requests: retry after {self.retry_after}"
            return BotApiError(self.status, text, self.retry_after)
        default = BLOCKED if self.status == HTTPStatus.FORBIDDEN else _phrase(self.status)
        return BotApiError(self.status, self.description or default)


@dataclasses.dataclass
class _Chat:
    """One chat as Telegram holds it: the chat object, messages, and what the person watched."""

    info: JSON
    messages: dict[int, SentMessage] = dataclasses.field(default_factory=dict)
    inline_markup: dict[int, JSON] = dataclasses.field(default_factory=dict)
    media: dict[int, JSON] = dataclasses.field(default_factory=dict)
    events: list[SentMessage] = dataclasses.field(default_factory=list)
    last_id: int = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


@dataclasses.dataclass(frozen=True)
class _StoredFile:
    data: bytes
    filename: str | None
    kind: str


class _Params:
    """The decoded parameters of one call, with Telegram's complaints for missing ones."""

    def __init__(self, values: JSON, files: dict[str, tuple[bytes, str | None]]) -> None:
        self.values = values
        self.files = files

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def required(self, name: str) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            raise BotApiError(400, f"Bad Request: {name} is empty")
        return value

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BotApiError(400, f"Bad Request: invalid {name} specified")
        return float(value)

    def integer(self, name: str) -> int:
        value = self.required(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise BotApiError(400, f"Bad Request: invalid {name} specified")
        return value


class FakeBotApi:
    """The Bot API on 127.0.0.1, with inspection and fault injection for tests."""

    def __init__(
        self,
        token: str = "123456:PLAYGROUND",
        *,
        bot_username: str = "twitch_helper_bot",
        port: int = 0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self._port = port
        self._runner: web.AppRunner | None = None
        self._address = ("127.0.0.1", 0)
        self._chats: dict[int, _Chat] = {}
        self._users: dict[tuple[int, str], ScriptedUser] = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._allowed: frozenset[str] | None = None
        self._queries: dict[str, list[str]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_ids = itertools.count(1)
        self._commands: dict[str, list[JSON]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}
        self._webhook_url = ""
        self._counts: Counter[str] = Counter()
        self._faults: list[_Fault] = []
        self._blocked: set[int] = set()
        self._latency = 0.0
        self._down = False
        self._stopping = False
        self._changed = asyncio.Event()
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in self._method_table().items()
        }

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 (any free port unless one was given)."""
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{tail:.+}", self._on_api_call)
        app.router.add_get("/file/bot{tail:.+}", self._on_file_download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self._port).start()
        self._address = self._runner.addresses[0][:2]
        self._stopping = False
        logger.info("fake Bot API listening on port %s", self._address[1])

    async def stop(self) -> None:
        """Stop serving; pending long polls answer at once with no updates."""
        self._stopping = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def root_url(self) -> str:
        """The Bot API root, as in TELEGRAM_API_URL: calls go to {root}/bot{token}/{method}."""
        host, port = self._address
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """PTB's `base_url`: PTB appends the token, then /method."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's `base_file_url`: PTB appends the token, then /file_path."""
        return f"{self.root_url}/file/bot"

    # -- people ----------------------------------------------------------------------------

    def user(
        self,
        *,
        user_id: int,
        first_name: str = "Alex",
        chat_type: str = "private",
        language_code: str = "en",
    ) -> ScriptedUser:
        """The scripted person `user_id` in a chat of `chat_type` (the same one on every call)."""
        key = (user_id, chat_type)
        if key not in self._users:
            self._users[key] = ScriptedUser(
                self,
                user_id=user_id,
                first_name=first_name,
                chat_type=chat_type,
                language_code=language_code,
            )
        return self._users[key]

    def join(self, chat_id: int, chat: JSON) -> None:
        """Make a chat known, so the bot can send to it (else "chat not found")."""
        self._chats.setdefault(chat_id, _Chat(info=chat))

    def deliver(self, kind: str, payload: JSON) -> None:
        """Queue an update for the bot; a pending long poll returns with it at once."""
        self._updates.append({"update_id": next(self._update_ids), kind: payload})
        self._notify()

    def new_message_id(self, chat_id: int) -> int:
        """The next message id in a chat; people and the bot share one sequence, as in Telegram."""
        return self._chat(chat_id).next_id()

    def register_query(self, query_id: str, answers: list[str]) -> None:
        """Route the answer to callback query `query_id` into `answers`."""
        self._queries[query_id] = answers

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait (at most `timeout` seconds; None: no limit) for a state change making it true."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            changed = self._changed
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    # -- inspection ------------------------------------------------------------------------

    def calls(self, method: str) -> int:
        """How many calls of `method` reached the server, whatever they were answered."""
        return self._counts[self._canonical(method)]

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent in a chat, in order, each as it is now."""
        chat = self._chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def events(self, chat_id: int) -> list[SentMessage]:
        """Every send and edit the bot made in a chat, in order, as the person saw it."""
        chat = self._chats.get(chat_id)
        return list(chat.events) if chat else []

    def pending_updates(self) -> int:
        """Updates queued for the bot and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def commands(self, language_code: str = "") -> list[JSON]:
        """The command list set for the default scope and `language_code`."""
        return list(self._commands.get(_commands_key(None, language_code), []))

    def message_json(self, message: SentMessage) -> JSON:
        """The Telegram `Message` object for a message the bot sent."""
        chat = self._chat(message.chat_id)
        body: JSON = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat.info,
            "from": self._bot_json(),
        }
        if message.text is not None:
            body["text"] = message.text
        if message.caption is not None:
            body["caption"] = message.caption
        if message.edited:
            body["edit_date"] = int(time.time())
        if message.message_id in chat.inline_markup:
            body["reply_markup"] = chat.inline_markup[message.message_id]
        return body | chat.media.get(message.message_id, {})

    # -- fault injection -------------------------------------------------------------------

    def fail_next(
        self,
        method: str | None,
        count: int,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` (None: of any method) with an error."""
        if count <= 0:
            return
        name = None if method is None else self._canonical(method)
        self._faults.append(_Fault(name, count, status, retry_after, description))

    def block_chat(self, chat_id: int) -> None:
        """The person blocked the bot: calls aimed at the chat answer 403."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """The person unblocked the bot."""
        self._blocked.discard(chat_id)

    def set_latency(self, seconds: float) -> None:
        """Delay every call by `seconds` before answering."""
        self._latency = seconds

    def set_down(self, down: bool) -> None:
        """An outage: while down, every call answers 502 Bad Gateway."""
        self._down = down

    # -- HTTP ------------------------------------------------------------------------------

    async def _on_api_call(self, request: web.Request) -> web.Response:
        token, _, method = request.match_info["tail"].rpartition("/")
        self._counts[self._canonical(method)] += 1
        self._notify()
        if self._latency:
            await self.wait_until(lambda: self._stopping, self._latency)
        try:
            result = await self._dispatch(token, method, request)
        except BotApiError as error:
            logger.debug("bot api %s answered %s", method, error.status)
            return error.response()
        return web.json_response({"ok": True, "result": result})

    async def _dispatch(self, token: str, method: str, request: web.Request) -> Any:
        if self._down:
            raise BotApiError(502, "Bad Gateway")
        if token != self.token:
            raise BotApiError(401, "Unauthorized")
        name, handler = self._handlers.get(method.lower(), (method, None))
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        self._inject_fault(name)
        params = await _read_params(request)
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and chat_id in self._blocked:
            raise BotApiError(403, BLOCKED)
        return await handler(params)

    async def _on_file_download(self, request: web.Request) -> web.Response:
        token, _, file_path = request.match_info["tail"].partition("/")
        stored = self._files.get(file_path.rpartition("/")[2])
        if token != self.token or stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _inject_fault(self, name: str) -> None:
        for fault in self._faults:
            if fault.method in (None, name):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                raise fault.error()

    def _canonical(self, method: str) -> str:
        return self._handlers.get(method.lower(), (method, None))[0]

    def _notify(self) -> None:
        # Wake every waiter; each re-checks its own condition against the new state.
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _chat(self, chat_id: Any) -> _Chat:
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise BotApiError(400, "Bad Request: chat not found")
        return chat

    def _bot_json(self) -> JSON:
        return {
            "id": int(self.token.partition(":")[0]),
            "is_bot": True,
            "first_name": self.bot_username.removesuffix("_bot").replace("_", " ").title(),
            "username": self.bot_username,
        }

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": self._set_my_description,
            "getMyDescription": self._get_my_description,
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": self._get_my_short_description,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": self._always_true,
            "logOut": self._always_true,
        }

    # -- methods: bot and updates ----------------------------------------------------------

    async def _get_me(self, params: _Params) -> JSON:
        return self._bot_json() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: _Params) -> list[JSON]:
        if self._webhook_url:
            raise BotApiError(409, WEBHOOK_ACTIVE)
        self._confirm(params.get("offset"))
        self._set_allowed(params.get("allowed_updates"))
        limit = min(max(int(params.number("limit", 100)), 1), 100)
        timeout = max(params.number("timeout", 0), 0.0)
        await self.wait_until(lambda: self._stopping or bool(self._deliverable()), timeout)
        return [] if self._stopping else self._deliverable()[:limit]

    def _confirm(self, offset: Any) -> None:
        """Forget updates the bot confirmed: ids below a positive offset, all but -N last."""
        if not isinstance(offset, int) or offset == 0:
            return
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _set_allowed(self, allowed: Any) -> None:
        # Telegram remembers the last list given; an empty list means "the default set".
        if isinstance(allowed, list):
            self._allowed = frozenset(allowed) or None

    def _deliverable(self) -> list[JSON]:
        """The queued updates of allowed kinds; Telegram drops the others for good."""
        self._updates = [u for u in self._updates if self._is_allowed(u)]
        return list(self._updates)

    def _is_allowed(self, update: JSON) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed is None:
            return kind not in _NOT_DELIVERED_BY_DEFAULT
        return kind in self._allowed

    async def _set_webhook(self, params: _Params) -> bool:
        self._webhook_url = str(params.required("url"))
        return True

    async def _delete_webhook(self, params: _Params) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: _Params) -> JSON:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _always_true(self, params: _Params) -> bool:
        return True

    # -- methods: messages -----------------------------------------------------------------

    async def _send_message(self, params: _Params) -> JSON:
        chat = self._chat(params.required("chat_id"))
        text = params.get("text")
        if not text:
            raise BotApiError(400, "Bad Request: message text is empty")
        return self._post(chat, "sendMessage", params, text=str(text))

    async def _send_photo(self, params: _Params) -> JSON:
        return self._send_file(params, "photo", "sendPhoto")

    async def _send_document(self, params: _Params) -> JSON:
        return self._send_file(params, "document", "sendDocument")

    def _send_file(self, params: _Params, kind: str, method: str) -> JSON:
        chat = self._chat(params.required("chat_id"))
        file_id, stored = self._take_file(params, kind)
        caption = params.get("caption")
        sent = self._post(chat, method, params, caption=caption, file=stored)
        chat.media[sent["message_id"]] = _media_json(kind, file_id, stored)
        return sent | chat.media[sent["message_id"]]

    def _take_file(self, params: _Params, kind: str) -> tuple[str, _StoredFile]:
        """The uploaded (or earlier uploaded, by file_id) file named by parameter `kind`."""
        reference = params.get(kind)
        field = kind
        if isinstance(reference, str) and reference.startswith("attach://"):
            field = reference.removeprefix("attach://")
        if field in params.files:
            data, filename = params.files[field]
            file_id = f"{kind}-{next(self._file_ids)}"
            self._files[file_id] = _StoredFile(data, filename, kind)
            return file_id, self._files[file_id]
        if isinstance(reference, str) and reference in self._files:
            return reference, self._files[reference]
        if isinstance(reference, str) and reference.startswith(("http://", "https://")):
            raise BotApiError(400, "Bad Request: failed to get HTTP URL content")
        raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _post(
        self,
        chat: _Chat,
        method: str,
        params: _Params,
        *,
        text: str | None = None,
        caption: str | None = None,
        file: _StoredFile | None = None,
    ) -> JSON:
        markup = params.get("reply_markup")
        buttons, reply_keyboard = _buttons(markup)
        sent = SentMessage(
            message_id=chat.next_id(),
            chat_id=int(chat.info["id"]),
            text=text,
            caption=caption,
            buttons=buttons,
            reply_keyboard=reply_keyboard,
            edited=False,
            deleted=False,
            file=file.data if file else None,
            filename=file.filename if file else None,
            method=method,
            at=time.monotonic(),
            parse_mode=params.get("parse_mode"),
            removes_keyboard=isinstance(markup, dict) and markup.get("remove_keyboard") is True,
            silent=params.get("disable_notification") is True,
        )
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            chat.inline_markup[sent.message_id] = markup
        self._record(chat, sent)
        return self.message_json(sent)

    def _record(self, chat: _Chat, sent: SentMessage) -> None:
        chat.messages[sent.message_id] = sent
        if not sent.deleted:
            chat.events.append(sent)
        self._notify()

    def _editable(self, params: _Params) -> tuple[_Chat, SentMessage]:
        if params.get("inline_message_id") is not None:
            raise BotApiError(400, "Bad Request: inline messages are not kept by this server")
        chat = self._chat(params.required("chat_id"))
        message = chat.messages.get(params.integer("message_id"))
        if message is None or message.deleted:
            raise BotApiError(400, "Bad Request: message to edit not found")
        return chat, message

    async def _edit_message_text(self, params: _Params) -> JSON:
        chat, message = self._editable(params)
        if message.text is None:
            raise BotApiError(400, "Bad Request: there is no text in the message to edit")
        text = str(params.required("text"))
        return self._edit(chat, message, params, "editMessageText", text=text)

    async def _edit_message_caption(self, params: _Params) -> JSON:
        chat, message = self._editable(params)
        if message.caption is None and message.file is None:
            raise BotApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = params.get("caption")
        return self._edit(chat, message, params, "editMessageCaption", caption=caption)

    async def _edit_message_reply_markup(self, params: _Params) -> JSON:
        chat, message = self._editable(params)
        return self._edit(chat, message, params, "editMessageReplyMarkup")

    def _edit(
        self, chat: _Chat, message: SentMessage, params: _Params, method: str, **content: Any
    ) -> JSON:
        """Apply an edit; like Telegram, an edit without reply_markup drops the inline keyboard."""
        markup = params.get("reply_markup")
        if markup is not None and not (isinstance(markup, dict) and "inline_keyboard" in markup):
            raise BotApiError(400, "Bad Request: inline keyboard expected")
        before = (message.text, message.caption, chat.inline_markup.get(message.message_id))
        if before == (
            content.get("text", message.text),
            content.get("caption", message.caption),
            markup,
        ):
            raise BotApiError(400, NOT_MODIFIED)
        buttons, _ = _buttons(markup)
        edited = dataclasses.replace(
            message, buttons=buttons, edited=True, method=method, at=time.monotonic(), **content
        )
        if markup is None:
            chat.inline_markup.pop(message.message_id, None)
        else:
            chat.inline_markup[message.message_id] = markup
        self._record(chat, edited)
        return self.message_json(edited)

    async def _delete_message(self, params: _Params) -> bool:
        chat = self._chat(params.required("chat_id"))
        message = chat.messages.get(params.integer("message_id"))
        if message is None or message.deleted:
            raise BotApiError(400, "Bad Request: message to delete not found")
        self._record(chat, dataclasses.replace(message, deleted=True, method="deleteMessage"))
        return True

    async def _answer_callback_query(self, params: _Params) -> bool:
        answers = self._queries.pop(str(params.required("callback_query_id")), None)
        if answers is None:
            raise BotApiError(400, QUERY_TOO_OLD)
        answers.append(str(params.get("text") or ""))
        self._notify()
        return True

    async def _send_chat_action(self, params: _Params) -> bool:
        self._chat(params.required("chat_id"))
        params.required("action")
        return True

    async def _get_file(self, params: _Params) -> JSON:
        file_id = str(params.required("file_id"))
        stored = self._files.get(file_id)
        if stored is None:
            raise BotApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(stored.data),
            "file_path": f"{stored.kind}s/{file_id}",
        }

    # -- methods: commands -----------------------------------------------------------------

    async def _set_my_commands(self, params: _Params) -> bool:
        commands = params.required("commands")
        if not isinstance(commands, list):
            raise BotApiError(400, "Bad Request: can't parse commands JSON object")
        key = _commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = [dict(command) for command in commands]
        return True

    async def _get_my_commands(self, params: _Params) -> list[JSON]:
        key = _commands_key(params.get("scope"), params.get("language_code"))
        return list(self._commands.get(key, []))

    async def _delete_my_commands(self, params: _Params) -> bool:
        self._commands.pop(_commands_key(params.get("scope"), params.get("language_code")), None)
        return True

    async def _set_my_description(self, params: _Params) -> bool:
        return self._describe("description", params, limit=512)

    async def _get_my_description(self, params: _Params) -> JSON:
        return {"description": self._described("description", params)}

    async def _set_my_short_description(self, params: _Params) -> bool:
        return self._describe("short_description", params, limit=120)

    async def _get_my_short_description(self, params: _Params) -> JSON:
        return {"short_description": self._described("short_description", params)}

    def _describe(self, field: str, params: _Params, limit: int) -> bool:
        text = str(params.get(field) or "")
        if len(text) > limit:
            raise BotApiError(400, f"Bad Request: {field} is too long")
        self._descriptions[(field, str(params.get("language_code") or ""))] = text
        return True

    def _described(self, field: str, params: _Params) -> str:
        language = str(params.get("language_code") or "")
        found = self._descriptions.get((field, language))
        return self._descriptions.get((field, ""), "") if found is None else found


async def _read_params(request: web.Request) -> _Params:
    """Parameters from the query string and a JSON, form or multipart body."""
    values: JSON = {name: _decode_field(name, value) for name, value in request.query.items()}
    files: dict[str, tuple[bytes, str | None]] = {}
    if request.content_type == "application/json" and request.can_read_body:
        values |= await _read_json(request)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = (value.file.read(), value.filename)
            elif isinstance(value, str):
                values[name] = _decode_field(name, value)
    return _Params(values, files)


async def _read_json(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except ValueError as error:
        raise BotApiError(400, "Bad Request: can't parse JSON") from error
    if not isinstance(body, dict):
        raise BotApiError(400, "Bad Request: parameters must be a JSON object")
    return body


def _decode_field(name: str, value: str) -> Any:
    if name in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _buttons(markup: Any) -> tuple[list[list[Button]], bool]:
    """The buttons of a reply_markup, and whether it is a reply (not inline) keyboard."""
    if not isinstance(markup, dict):
        return [], False
    if "inline_keyboard" in markup:
        return [[_inline_button(b) for b in row] for row in markup["inline_keyboard"]], False
    if "keyboard" in markup:
        rows = markup["keyboard"]
        return [[Button(b if isinstance(b, str) else b["text"]) for b in row] for row in rows], True
    return [], False


def _inline_button(button: JSON) -> Button:
    return Button(button["text"], button.get("callback_data"), button.get("url"))


def _media_json(kind: str, file_id: str, stored: _StoredFile) -> JSON:
    size = len(stored.data)
    ids = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size}
    if kind == "photo":
        return {"photo": [ids | {"width": 640, "height": 480}]}
    return {"document": ids | {"file_name": stored.filename or "file"}}


def _commands_key(scope: Any, language_code: Any) -> str:
    return json.dumps([scope or {"type": "default"}, language_code or ""], sort_keys=True)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"
