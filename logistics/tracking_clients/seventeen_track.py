"""17TRACK API v2.2: ``gettrackinfo`` for up to 40 numbers per request, header ``17token``.

Request: ``POST {base}/gettrackinfo`` with ``[{"number": ..., "carrier": <key, optional>}]``.
Answer: ``{"code": 0, "data": {"accepted": [<tracking as in the webhook's data>], "rejected":
[{"number": ..., "error": {"code": ..., "message": ...}}]}}``. A number 17TRACK does not track
yet is rejected as not registered; it is registered (``POST {base}/register``, same item shape)
so the next poll finds it. 17TRACK allows 3 requests per second per key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from logistics.normalise import SEVENTEEN_TRACK, ProviderEvent
from logistics.providers import PayloadError, seventeen_track_item
from logistics.tracking_clients.base import (
    JsonApiClient,
    Sleep,
    TrackingAuthError,
    TrackingQuery,
    TrackingResponseError,
)

DEFAULT_URL = "https://api.17track.net/track/v2.2"
MAX_BATCH = 40
REQUESTS_PER_SECOND = 3
# Top-level codes that mean the key is wrong or not allowed from here.
KEY_REFUSED = {-18010001: "this IP address is not on the key's allow list", -18010002: "the key is invalid"}
NOT_REGISTERED = -18019902


class SeventeenTrackClient(JsonApiClient):
    provider = SEVENTEEN_TRACK
    service = "17TRACK"
    max_batch = MAX_BATCH

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = "",
        sleep: Sleep | None = None,
        transport: httpx.BaseTransport | None = None,
        **options: Any,
    ) -> None:
        if sleep is not None:
            options["sleep"] = sleep
        super().__init__(
            base_url=base_url or DEFAULT_URL,
            headers={"17token": api_key},
            min_interval=1 / REQUESTS_PER_SECOND,
            transport=transport,
            **options,
        )
        self.registered: list[str] = []  # numbers this client registered (they answer next time)
        self.rejected: dict[str, str] = {}  # number -> 17TRACK's reason, for numbers it cannot track

    def fetch(self, numbers: Sequence[TrackingQuery]) -> list[ProviderEvent]:
        events: list[ProviderEvent] = []
        for start in range(0, len(numbers), self.max_batch):
            events.extend(self._fetch_batch(numbers[start : start + self.max_batch]))
        return events

    def _fetch_batch(self, batch: Sequence[TrackingQuery]) -> list[ProviderEvent]:
        answer = self._data(self.post_json("gettrackinfo", [_item(query) for query in batch]), "gettrackinfo")
        events: list[ProviderEvent] = []
        for item in _list(answer.get("accepted"), "data.accepted"):
            try:
                events.extend(seventeen_track_item(item).update.events)
            except PayloadError as error:
                raise TrackingResponseError(f"17TRACK gettrackinfo: {error.reason}") from None
        unregistered = []
        by_number = {query.number: query for query in batch}
        for rejected in _list(answer.get("rejected"), "data.rejected"):
            if not isinstance(rejected, dict):
                continue
            number = str(rejected.get("number") or "")
            found = rejected.get("error")
            reason: dict[str, Any] = found if isinstance(found, dict) else {}
            if reason.get("code") == NOT_REGISTERED and number in by_number:
                unregistered.append(by_number[number])
            elif number:
                self.rejected[number] = str(reason.get("message") or reason.get("code") or "rejected")
        if unregistered:
            self._register(unregistered)
        return events

    def _register(self, queries: Sequence[TrackingQuery]) -> None:
        answer = self._data(self.post_json("register", [_item(query) for query in queries]), "register")
        for accepted in _list(answer.get("accepted"), "data.accepted"):
            if isinstance(accepted, dict) and accepted.get("number"):
                self.registered.append(str(accepted["number"]))

    def _data(self, answer: Any, call: str) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise TrackingResponseError(f"17TRACK {call}: the answer is not a JSON object.")
        code = answer.get("code")
        if code in KEY_REFUSED:
            raise TrackingAuthError(f"17TRACK refused the key ({code}): {KEY_REFUSED[code]}.")
        if code != 0:
            message = answer.get("message") or (answer.get("data") or {}).get("errors") or "no reason given"
            raise TrackingResponseError(f"17TRACK {call} failed with code {code}: {message}")
        data = answer.get("data")
        if not isinstance(data, dict):
            raise TrackingResponseError(f'17TRACK {call}: "data" is missing from the answer.')
        return data


def _item(query: TrackingQuery) -> dict[str, Any]:
    item: dict[str, Any] = {"number": query.number}
    if query.carrier_code:
        item["carrier"] = query.carrier_code
    return item


def _list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TrackingResponseError(f"17TRACK: {where} is not a list.")
    return value
