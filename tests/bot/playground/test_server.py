"""The Bot API stand-in, exercised by the real python-telegram-bot client over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.playground.server import FakeBotApi

PICK = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Yes", callback_data="pick:yes")],
        [InlineKeyboardButton("No", callback_data="pick:no")],
    ]
)


@dataclass
class Seen:
    """What the test bot's handlers received."""

    updates: list[Update] = field(default_factory=list)
    callback_data: list[str] = field(default_factory=list)


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: offer two inline buttons."""
    assert update.effective_message
    await update.effective_message.reply_text("Pick one", reply_markup=PICK)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text: echo it back."""
    context.bot_data["seen"].updates.append(update)
    assert update.effective_message
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: say where it is."""
    assert update.effective_message and update.effective_message.location
    place = update.effective_message.location
    await update.effective_message.reply_text(f"you are at {place.latitude} {place.longitude}")


async def on_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button: answer the tap and replace the question with the choice."""
    query = update.callback_query
    assert query and query.data
    context.bot_data["seen"].callback_data.append(query.data)
    await query.answer(f"picked {query.data}")
    await query.edit_message_text(f"You picked {query.data}")


@contextlib.asynccontextmanager
async def running_echo_bot(api: FakeBotApi) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """A real PTB Application, long polling the stand-in, with the handlers above."""
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.bot_data["seen"] = Seen()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_pick))
    async with app:
        await app.start()
        assert app.updater
        await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=5))
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with running_echo_bot(api) as application:
        yield application


def seconds(value: int | dt.timedelta) -> float:
    """PTB 22 gives durations as int seconds or, opted in, as timedelta."""
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


# -- identity and routing ----------------------------------------------------------------


async def test_get_me_names_the_bot(bot: Bot, api: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.username == "twitch_helper_bot"
    assert me.is_bot
    assert me.id == 123456


async def test_the_root_url_form_serves_the_same_api(api: FakeBotApi) -> None:
    url = f"{api.root_url}/bot{api.token}/getMe"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        body = await response.json()
    assert body["ok"] is True
    assert body["result"]["username"] == "twitch_helper_bot"


async def test_a_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass


async def test_an_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})


async def test_calls_are_counted_per_method_whatever_the_answer(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    for _ in range(3):
        await bot.send_message(user.chat_id, "hi")
    with pytest.raises(BadRequest):
        await bot.send_message(424242, "nobody there")
    assert api.calls("sendMessage") == 4
    assert api.calls("getMe") == 1
    assert api.calls("sendPhoto") == 0


async def test_a_json_body_is_accepted_like_a_form(api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    url = f"{api.base_url}{api.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    async with aiohttp.ClientSession() as http:
        payload = {"chat_id": user.chat_id, "text": "42", "reply_markup": markup}
        async with http.post(url, json=payload) as response:
            assert response.status == 200
    sent = api.messages(user.chat_id)[-1]
    assert sent.text == "42"
    assert sent.button_labels() == ["OK"]


# -- long polling and handlers -----------------------------------------------------------


async def test_long_polling_delivers_a_text_to_the_handler_within_a_second(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
) -> None:
    user = api.user(user_id=7, first_name="Ana")
    started = time.monotonic()
    await user.send("my eyelid twitches")
    reply = await user.next_message(timeout=1.0)
    assert reply.text == "echo: my eyelid twitches"
    assert time.monotonic() - started < 1.0
    update = app.bot_data["seen"].updates[0]
    assert update.effective_user.first_name == "Ana"


async def test_a_slash_command_reaches_the_command_handler(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
) -> None:
    user = api.user(user_id=7)
    await user.send("/start")
    offer = await user.next_message()
    assert offer.text == "Pick one"
    assert offer.button_labels() == ["Yes", "No"]
    assert offer.buttons[1][0].callback_data == "pick:no"


async def test_a_tapped_button_reaches_the_callback_handler_and_its_answer_is_recorded(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
) -> None:
    user = api.user(user_id=7)
    await user.send("/start")
    offer = await user.next_message()
    await user.tap("Yes")
    changed = await user.next_message()
    assert app.bot_data["seen"].callback_data == ["pick:yes"]
    assert await user.next_callback_answer() == "picked pick:yes"
    assert user.callback_answers == ["picked pick:yes"]
    assert api.calls("answerCallbackQuery") == 1
    assert (changed.message_id, changed.edited, changed.text) == (
        offer.message_id,
        True,
        "You picked pick:yes",
    )
    assert changed.buttons == [], "an edit without reply_markup drops the inline keyboard"


async def test_a_forged_callback_data_is_delivered_as_sent(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
) -> None:
    user = api.user(user_id=7)
    await user.send("/start")
    await user.next_message()
    await user.tap_data("r:999:done")
    await user.next_message()
    assert app.bot_data["seen"].callback_data == ["r:999:done"]


async def test_a_shared_location_reaches_the_location_handler(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
) -> None:
    user = api.user(user_id=7)
    await user.share_location(52.52, 13.4)
    assert (await user.next_message()).text == "you are at 52.52 13.4"


async def test_group_chat_updates_carry_the_group_chat_type(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
) -> None:
    user = api.user(user_id=7, chat_type="group")
    await user.send("hello group")
    reply = await user.next_message()
    chat = app.bot_data["seen"].updates[0].effective_chat
    assert (chat.type, chat.id) == ("group", user.chat_id)
    assert user.chat_id < 0
    assert reply.chat_id == user.chat_id


async def test_offset_confirms_updates_and_allowed_updates_filters_them(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.user(user_id=7)
    await user.send("first")
    await user.send("second")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["first", "second"]
    assert await bot.get_updates(offset=updates[1].update_id + 1, timeout=0) == ()
    await user.send("third")
    await bot.send_message(user.chat_id, "Pick one", reply_markup=PICK)
    await user.tap_data("x")
    only_queries = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_queries] == ["x"]


async def test_a_long_poll_waits_for_an_update_and_returns_as_soon_as_one_arrives(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.user(user_id=7)
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: api.calls("getUpdates") == 1, 1.0)
    finished, _ = await asyncio.wait({poll}, timeout=0.2)
    assert not finished, "with nothing to deliver the poll keeps waiting"
    started = time.monotonic()
    await user.send("now")
    updates = await asyncio.wait_for(poll, 1.0)
    assert [u.message.text for u in updates] == ["now"]
    assert time.monotonic() - started < 0.5


async def test_stop_ends_a_pending_long_poll_at_once(bot: Bot, api: FakeBotApi) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    assert await api.wait_until(lambda: api.calls("getUpdates") == 1, 1.0)
    started = time.monotonic()
    await api.stop()
    updates = await asyncio.wait_for(poll, 1.0)
    assert updates == ()
    assert time.monotonic() - started < 0.5


# -- messages ----------------------------------------------------------------------------


async def test_an_edit_shows_as_a_new_event_on_the_same_message(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    sent = await bot.send_message(
        user.chat_id, "<b>Drink</b> water", parse_mode="HTML", reply_markup=PICK
    )
    await bot.edit_message_text(
        "Done", chat_id=user.chat_id, message_id=sent.message_id, reply_markup=PICK
    )
    first, second = await user.next_message(), await user.next_message()
    assert (first.text, first.parse_mode, first.edited) == ("<b>Drink</b> water", "HTML", False)
    assert (second.message_id, second.text, second.edited) == (sent.message_id, "Done", True)
    assert second.button_labels() == ["Yes", "No"]
    assert [m.text for m in api.messages(user.chat_id)] == ["Done"]


async def test_bot_messages_have_increasing_ids_shared_with_the_person(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.user(user_id=7)
    first = await bot.send_message(user.chat_id, "one")
    await user.send("between")
    second = await bot.send_message(user.chat_id, "two")
    assert second.message_id == first.message_id + 2
    assert first.from_user and first.from_user.username == "twitch_helper_bot"
    assert first.chat.type == "private"


async def test_editing_to_identical_content_raises_bad_request_not_modified(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.user(user_id=7)
    sent = await bot.send_message(user.chat_id, "Same", reply_markup=PICK)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Same", chat_id=user.chat_id, message_id=sent.message_id, reply_markup=PICK
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=user.chat_id, message_id=sent.message_id, reply_markup=PICK
        )
    assert len(user.transcript()) == 1


async def test_editing_a_message_that_does_not_exist_raises_bad_request(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.user(user_id=7)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.chat_id, message_id=99)


async def test_removing_a_keyboard_and_deleting_a_message_show_in_its_state(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.user(user_id=7)
    sent = await bot.send_message(user.chat_id, "Pick one", reply_markup=PICK)
    await bot.edit_message_reply_markup(chat_id=user.chat_id, message_id=sent.message_id)
    assert api.messages(user.chat_id)[0].buttons == []
    assert await bot.delete_message(user.chat_id, sent.message_id)
    assert api.messages(user.chat_id)[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(user.chat_id, sent.message_id)


async def test_tapping_a_reply_keyboard_button_sends_its_text(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Better"), KeyboardButton("Worse")]])
    await bot.send_message(user.chat_id, "How is it?", reply_markup=keyboard)
    await user.tap("Worse")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message and update.message.text == "Worse"
    await bot.send_message(user.chat_id, "Thanks", reply_markup=ReplyKeyboardRemove())
    with pytest.raises(AssertionError, match="no button 'Better'"):
        await user.tap("Better")


async def test_a_label_matching_several_buttons_is_refused(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    both = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Snooze 1 h", callback_data="s1"),
                InlineKeyboardButton("Snooze 2 h", callback_data="s2"),
            ]
        ]
    )
    await bot.send_message(user.chat_id, "Later?", reply_markup=both)
    with pytest.raises(AssertionError, match="several buttons"):
        await user.tap("Snooze")
    await user.tap("2 h")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query and update.callback_query.data == "s2"


async def test_a_document_and_a_photo_keep_their_bytes(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    report = b"%PDF-1.4 twitch diary\x00\xff"
    await bot.send_document(user.chat_id, report, filename="diary.pdf", caption="Your diary")
    photo = await bot.send_photo(user.chat_id, b"\x89PNG\r\n fake image")
    document, picture = api.messages(user.chat_id)
    assert (document.file, document.filename, document.caption) == (
        report,
        "diary.pdf",
        "Your diary",
    )
    assert picture.file == b"\x89PNG\r\n fake image"
    downloaded = await (await bot.get_file(photo.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"\x89PNG\r\n fake image"


async def test_commands_are_kept_until_deleted(bot: Bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("help", "What I can do")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_sending_to_a_chat_nobody_opened_raises_chat_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(31337, "hello?")


async def test_get_updates_conflicts_with_an_active_webhook(bot: Bot) -> None:
    await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


# -- faults ------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_raises_retry_after_with_the_given_delay(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    api.fail_next("sendMessage", 1, retry_after=2)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.chat_id, "too fast")
    # PTB 22 warns that retry_after turns into a timedelta; both forms are accepted here.
    assert seconds(caught.value.retry_after) == 2
    await bot.send_message(user.chat_id, "later")
    assert [m.text for m in api.messages(user.chat_id)] == ["later"]


async def test_a_fault_for_any_method_hits_the_next_calls_only(bot: Bot, api: FakeBotApi) -> None:
    api.fail_next(None, 2, status=500)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.get_my_commands()
    assert await bot.get_my_commands() == ()


async def test_a_blocked_chat_raises_forbidden_until_unblocked(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    api.block_chat(user.chat_id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.chat_id, "still there?")
    api.unblock_chat(user.chat_id)
    await bot.send_message(user.chat_id, "welcome back")
    assert [m.text for m in user.transcript()] == ["welcome back"]


async def test_an_outage_raises_network_error_until_it_ends(bot: Bot, api: FakeBotApi) -> None:
    api.set_down(True)
    with pytest.raises(NetworkError, match="Bad Gateway") as caught:
        await bot.get_my_commands()
    assert caught.type is NetworkError
    api.set_down(False)
    assert await bot.get_my_commands() == ()


async def test_latency_delays_every_call(bot: Bot, api: FakeBotApi) -> None:
    api.set_latency(0.2)
    started = time.monotonic()
    await bot.get_my_commands()
    assert time.monotonic() - started >= 0.2


# -- the scripted user's assertions ------------------------------------------------------


async def test_waiting_for_a_message_that_never_comes_fails_with_the_transcript(
    bot: Bot, api: FakeBotApi
) -> None:
    user = api.user(user_id=7)
    await bot.send_message(user.chat_id, "only this")
    await user.next_message()
    await user.send("anyone?")
    with pytest.raises(AssertionError, match=r"(?s)only this.*anyone\?"):
        await user.next_message(timeout=0.1)


async def test_expect_quiet_fails_when_the_bot_speaks(bot: Bot, api: FakeBotApi) -> None:
    user = api.user(user_id=7)
    await user.expect_quiet(0.05)
    await bot.send_message(user.chat_id, "surprise")
    with pytest.raises(AssertionError, match="not quiet"):
        await user.expect_quiet(0.05)
