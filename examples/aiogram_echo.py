"""A bare aiogram 3 echo bot: the Python counterpart of the benchmark's teloxide echo bot (examples/bench.rs).

    python3 examples/aiogram_echo.py [TOKEN [API_URL]]

TOKEN and API_URL default to TELOXIDE_TOKEN and TELOXIDE_API_URL (the base URL of a Bot API server, e.g. the
emulator's `http://127.0.0.1:40123/`; without one, api.telegram.org). Long polling; every text is answered with
the same text once, or N times when it ends in "×N" (the benchmark's call-pattern texts). SIGTERM or SIGINT stop
the polling, close the HTTP session and exit with status 0. Needs only aiogram (`pip install aiogram`).
"""

import asyncio
import logging
import os
import sys

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.types import Message

dispatcher = Dispatcher()


@dispatcher.message(F.text)
async def echo(message: Message, bot: Bot) -> None:
    text = message.text
    # "… ×3" asks for three answers; anything else (or a count that is not a number) is echoed once.
    _, sep, count = text.rpartition("×")
    times = int(count.strip()) if sep and count.strip().isdigit() else 1
    for _ in range(times):
        await bot.send_message(message.chat.id, text)


async def main() -> None:
    token = sys.argv[1] if len(sys.argv) > 1 else os.environ["TELOXIDE_TOKEN"]
    api_url = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("TELOXIDE_API_URL")
    # from_base turns "http://host:port/" into ".../bot{token}/{method}", the path the emulator routes.
    server = TelegramAPIServer.from_base(api_url) if api_url else PRODUCTION
    bot = Bot(token, session=AiohttpSession(api=server))
    # No deleteWebhook, no dropped backlog: polling starts with getMe and getUpdates. handle_signals (the
    # default) stops the polling on SIGTERM/SIGINT; close_bot_session then closes the aiohttp session.
    await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)


if __name__ == "__main__":
    # Errors only: aiogram logs every update handled at INFO, and the stop signal at WARNING.
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    asyncio.run(main())
