"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

Each step of a conversation makes three Bot API calls (answer the tap, edit, send the next
question). Through httpx, httpcore and anyio those calls were about a third of the bot's CPU
(docs/benchmarks.md); aiohttp's client, with its C parser, does the same work for less, and the
bot already depends on aiohttp for its webhook server. Behaviour is PTB's: the same timeouts,
TimedOut for a timeout, NetworkError for anything else on the wire.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

POOL_SIZE = 256
"""python-telegram-bot's default for the sending connection pool."""
TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
Proxy = tuple[URL, aiohttp.BasicAuth | None] | None


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session with a pool of `connection_pool_size`."""

    def __init__(
        self,
        connection_pool_size: int = POOL_SIZE,
        read_timeout: float | None = TIMEOUT,
        connect_timeout: float | None = TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None], Proxy] = {}
        self._headers = {"User-Agent": self.USER_AGENT}
        self._form_headers = self._headers | FORM

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            # The environment's proxy is read once per host (`_proxy`), not by aiohttp's
            # trust_env, which reads it and ~/.netrc again in a thread for every request.
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        connect = _given(connect_timeout, self._connect_timeout)
        timeout = aiohttp.ClientTimeout(  # aiohttp has no write timeout: the read one follows it
            total=None,
            connect=_sum(_given(pool_timeout, self._pool_timeout), connect),
            sock_connect=connect,
            sock_read=_given(read_timeout, self._read_timeout),
        )
        body = _body(request_data, files)
        target = URL(url)
        proxy = self._proxy(target)
        try:
            async with self._session.request(
                method,
                target,
                data=body,
                timeout=timeout,
                headers=self._form_headers if isinstance(body, bytes) else self._headers,
                proxy=proxy[0] if proxy else None,
                proxy_auth=proxy[1] if proxy else None,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _proxy(self, url: URL) -> Proxy:
        """As httpx does: HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment apply."""
        origin = (url.scheme, url.host)
        if origin not in self._proxies:
            found: Proxy = None
            with suppress(LookupError):
                found = get_env_proxy_for_url(url)
            self._proxies[origin] = found
        return self._proxies[origin]


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout a call named, or the default when it left it to us."""
    return default if isinstance(value, DefaultValue) else value


def _sum(first: float | None, second: float | None) -> float | None:
    """Two timeouts one after the other; None (no limit) if either has none."""
    return None if first is None or second is None else first + second


def _body(request_data: RequestData | None, files: dict[str, Any] | None) -> Any:
    """Form fields, url-encoded; a multipart form when the request carries files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not files:
        return urlencode(fields).encode() if fields else None
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form
