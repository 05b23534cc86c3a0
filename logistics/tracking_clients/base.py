"""Polling a carrier's (or a tracking provider's) API: the interface and what every client shares.

A client answers ``fetch(numbers) -> list[ProviderEvent]`` for a batch of at most
``max_batch`` parcels. ``JsonApiClient`` gives clients over httpx the rest: a pace between
requests (the provider's rate limit), retries with exponential backoff on 5xx and network
errors, ``Retry-After`` honoured on 429, and one exception family with a reason a person can
act on. A wait longer than ``max_wait`` is not slept through: the error carries
``retry_after`` so the Celery task retries later instead of holding a worker.

The pace is per client instance (one task's batch); across workers, the provider's 429 is
what keeps everyone within the limit.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from logistics.normalise import ProviderEvent


@dataclass(frozen=True)
class TrackingQuery:
    number: str
    carrier_code: int | None = None  # the provider's carrier key, when known


class CarrierTrackingClient(Protocol):
    provider: str  # the provider name the events are stored under ("17track")
    max_batch: int

    def fetch(self, numbers: Sequence[TrackingQuery]) -> list[ProviderEvent]: ...


class TrackingClientError(Exception):
    """The provider's API could not answer; ``reason`` says why in words."""

    retryable = False

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class TrackingAuthError(TrackingClientError):
    """The key was refused (401/403): retrying cannot help; fix the account's key."""


class TrackingRateLimited(TrackingClientError):
    retryable = True


class TrackingUnavailable(TrackingClientError):
    retryable = True


class TrackingResponseError(TrackingClientError):
    """The answer is not in the documented format, or the request was refused as invalid."""


Sleep = Callable[[float], None]


class JsonApiClient:
    """POST JSON, get JSON, with pacing, retries and clear errors."""

    provider = ""
    service = "the tracking API"

    def __init__(
        self,
        *,
        base_url: str,
        headers: dict[str, str],
        min_interval: float = 0.0,
        max_attempts: int = 4,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        timeout: float = 20.0,
        sleep: Sleep = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.min_interval = min_interval
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self._last_request = float("-inf")
        self._http = httpx.Client(
            headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> JsonApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def post_json(self, path: str, payload: Any) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}"
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            self._pace()
            try:
                response = self._http.post(url, json=payload)
            except httpx.HTTPError as error:
                if last:
                    raise TrackingUnavailable(
                        f"{self.service} did not answer after {attempt} attempts: {type(error).__name__}: {error}"
                    ) from error
                self._wait(self._backoff(attempt))
                continue
            if response.status_code in (401, 403):
                raise TrackingAuthError(
                    f"{self.service} refused the key (HTTP {response.status_code}): {_excerpt(response)}. "
                    "Check the tracking account's key in admin."
                )
            if response.status_code == 429:
                wait = _retry_after(response) or self._backoff(attempt)
                if last or wait > self.max_wait:
                    raise TrackingRateLimited(
                        f"{self.service} is rate limiting (HTTP 429); retry in {wait:.0f} s.",
                        retry_after=wait,
                    )
                self._wait(wait)
                continue
            if response.status_code >= 500:
                if last:
                    raise TrackingUnavailable(
                        f"{self.service} failed with HTTP {response.status_code} {attempt} times: {_excerpt(response)}",
                        retry_after=_retry_after(response),
                    )
                self._wait(_retry_after(response) or self._backoff(attempt))
                continue
            if response.status_code >= 400:
                raise TrackingResponseError(
                    f"{self.service} refused the request (HTTP {response.status_code}): {_excerpt(response)}"
                )
            try:
                return response.json()
            except ValueError:
                raise TrackingResponseError(
                    f"{self.service} answered with something that is not JSON."
                ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _pace(self) -> None:
        wait = self._last_request + self.min_interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last_request = time.monotonic()

    def _wait(self, seconds: float) -> None:
        self.sleep(min(seconds, self.max_wait))

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait)


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (either form: a number, or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _excerpt(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text[:200] or response.reason_phrase
