"""One HTTP client for every connector: retries with backoff, and each attempt logged.

429 waits ``Retry-After`` (seconds, or the policy's backoff when absent), 5xx, timeouts and
dropped connections wait ``backoff * 2**n``; both give up after ``RetryPolicy.max_attempts``.
Every other 4xx is final at once: retrying a refused request only repeats the refusal. Each
attempt becomes a ``PlatformCall`` row (status, duration, error); callers keep their
transactions short (the sync commits page by page) so a failed call still leaves its log.

A platform that differs says so through hooks rather than a subclass: ``display_name`` (its
name as messages write it), ``error_for`` (its own reading of an answer, for errors inside an
HTTP 200 or rate limits the status does not show) and ``prepare`` (what must be redone on each
attempt, such as a signature with a fresh timestamp).
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from helpdesk.platforms.base import ConnectorError, RetryPolicy
from helpdesk.platforms.models import PlatformCall

logger = logging.getLogger(__name__)


class RateLimited(ConnectorError):
    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message, retryable=True, status_code=429)
        self.retry_after = retry_after


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def https_or_local(url: str) -> bool:
    """Whether secrets may be sent to ``url``: HTTPS, or plain HTTP to this machine (the tests'
    fake platforms)."""
    parts = urlsplit(url.strip())
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or ""))


def retry_after_seconds(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None  # an HTTP date or nothing: fall back to the backoff


# An answer read the platform's way: the error it means, or None to leave it to the status.
ErrorFor = Callable[[httpx.Response], ConnectorError | None]
# (path, the caller's keyword arguments) -> the keyword arguments sent, on every attempt.
Prepare = Callable[[str, dict[str, Any]], dict[str, Any]]


def status_error(name: str, response: httpx.Response, message: str) -> ConnectorError:
    """The error a non-2xx answer means: 429 a rate limit, 5xx retried, any other 4xx final."""
    status = response.status_code
    if status == 429:
        return RateLimited(
            f"{name}'s rate limit was reached: {message}", retry_after=retry_after_seconds(response)
        )
    if status >= 500:
        return ConnectorError(f"{name} failed ({status}): {message}", retryable=True, status_code=status)
    if status in (401, 403):
        return ConnectorError(
            f"{name} refused the store's credentials ({status}): {message}",
            retryable=False,
            status_code=status,
        )
    return ConnectorError(f"{name} refused ({status}): {message}", retryable=False, status_code=status)


class PlatformHttp:
    def __init__(
        self,
        *,
        platform: str,
        store_id: int | None,
        client: httpx.Client,
        error_message: Callable[[httpx.Response], str],
        policy: RetryPolicy,
        sleep: Callable[[float], None] | None = None,
        display_name: str | None = None,
        error_for: ErrorFor | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        """``error_for`` is asked first about every answer, 2xx included; when it says None, a
        non-2xx answer gets ``status_error``. ``prepare`` runs before each attempt is timed."""
        self.platform = platform
        self.store_id = store_id
        self.client = client
        self.error_message = error_message
        self.policy = policy
        self.sleep = sleep or time.sleep
        self.display_name = display_name or platform.capitalize()
        self.error_for = error_for
        self.prepare = prepare

    def request(self, operation: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The 2xx response, after retries; raise ``ConnectorError`` otherwise."""
        for attempt in range(1, self.policy.max_attempts + 1):
            try:
                return self.request_once(operation, method, path, **kwargs)
            except ConnectorError as error:
                if not error.retryable or attempt == self.policy.max_attempts:
                    raise
                self.sleep(self.wait_before(attempt + 1, error))
        raise AssertionError("unreachable")  # pragma: no cover

    def once(
        self, existing: Callable[[], str | None], create: Callable[[], str], *, check_first: bool = True
    ) -> str:
        """``create`` at most once in effect, for a POST the platform cannot deduplicate: before
        each attempt (the first one too, unless ``check_first`` is False because the caller has
        just looked) ``existing`` searches the platform for what an earlier attempt may have made
        although its answer was lost (a 5xx, a timeout, a dropped connection)."""
        for attempt in range(1, self.policy.max_attempts + 1):
            if check_first or attempt > 1:
                already = existing()
                if already is not None:
                    return already
            try:
                return create()
            except ConnectorError as error:
                if not error.retryable or attempt == self.policy.max_attempts:
                    raise
                self.sleep(self.wait_before(attempt + 1, error))
        raise AssertionError("unreachable")  # pragma: no cover

    def wait_before(self, attempt: int, error: ConnectorError) -> float:
        delay = self.policy.backoff_seconds * 2 ** (attempt - 2)
        if isinstance(error, RateLimited) and error.retry_after is not None:
            delay = error.retry_after
        return min(delay, self.policy.max_wait_seconds)

    def request_once(self, operation: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        name = self.display_name
        if self.prepare is not None:
            kwargs = self.prepare(path, kwargs)
        started = time.monotonic()
        status: int | None = None
        error: ConnectorError | None = None
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            error = ConnectorError(f"{name} did not answer in time ({method} {path}).", retryable=True)
        except httpx.TransportError as exc:
            error = ConnectorError(f"Could not reach {name}: {exc}.", retryable=True)
        else:
            status = response.status_code
            error = self.error_for(response) if self.error_for is not None else None
            if error is None and not 200 <= status < 300:
                error = status_error(name, response, self.error_message(response))
        self._log(operation, status, started, error)
        if error is not None:
            raise error
        return response

    def _log(self, operation: str, status: int | None, started: float, error: ConnectorError | None) -> None:
        try:
            PlatformCall.objects.create(
                store_id=self.store_id,
                platform=self.platform,
                operation=operation[:40],
                status_code=status,
                duration_ms=int((time.monotonic() - started) * 1000),
                error=error.message[:500] if error is not None else "",
            )
        except Exception:  # the log must never turn a platform's answer into a failure
            logger.exception("could not log a %s call", self.platform)
