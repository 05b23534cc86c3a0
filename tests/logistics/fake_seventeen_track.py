"""A local stand-in for 17TRACK's API v2.2, speaking its documented wire format.

``POST /track/v2.2/gettrackinfo`` and ``/register`` with the ``17token`` header and a JSON
array of ``{"number", "carrier"}`` (at most 40): ``{"code": 0, "data": {"accepted": [...],
"rejected": [...]}}``. A wrong token is HTTP 401; numbers not registered are rejected with
-18019902. Tests queue canned failures (429 with Retry-After, 5xx) ahead of real answers.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/track/v2.2/"


@dataclass
class Canned:
    status: int
    body: dict[str, Any] | str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeSeventeenTrack:
    api_key: str = "fake-17track-key"
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)  # number -> the accepted item
    registered: set[str] = field(default_factory=set)
    canned: list[Canned] = field(default_factory=list)
    requests: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, token: str, payload: Any) -> Canned:
        with self.lock:
            self.requests.append((path, payload if isinstance(payload, list) else []))
            if self.canned:
                return self.canned.pop(0)
        if token != self.api_key:
            return Canned(
                401, {"code": 401, "data": {"errors": [{"code": -18010002, "message": "Invalid token"}]}}
            )
        if not isinstance(payload, list) or len(payload) > 40:
            return Canned(
                200, {"code": -18010013, "data": {"errors": [{"message": "Submit 1 to 40 numbers"}]}}
            )
        if path == "register":
            accepted = []
            for item in payload:
                self.registered.add(item["number"])
                accepted.append({"number": item["number"], "carrier": item.get("carrier", 0)})
            return Canned(200, {"code": 0, "data": {"accepted": accepted, "rejected": []}})
        if path == "gettrackinfo":
            accepted, rejected = [], []
            for item in payload:
                number = item["number"]
                if number not in self.registered:
                    rejected.append(
                        {
                            "number": number,
                            "error": {
                                "code": -18019902,
                                "message": f"The tracking number '{number}' does not register, please register first.",
                            },
                        }
                    )
                elif number in self.tracks:
                    accepted.append(self.tracks[number])
                else:
                    rejected.append(
                        {
                            "number": number,
                            "error": {"code": -18019909, "message": "No tracking information at this time."},
                        }
                    )
            return Canned(200, {"code": 0, "data": {"accepted": accepted, "rejected": rejected}})
        return Canned(404, "not found")

    def gettrackinfo_calls(self) -> list[list[dict[str, Any]]]:
        return [payload for path, payload in self.requests if path == "gettrackinfo"]


def track_item(number: str, events: list[dict[str, Any]], carrier: int = 3011) -> dict[str, Any]:
    return {
        "number": number,
        "carrier": carrier,
        "param": None,
        "tag": None,
        "track_info": {
            "shipping_info": {"shipper_address": {"country": "CN"}, "recipient_address": {"country": "FR"}},
            "latest_status": {"status": "InTransit", "sub_status": "InTransit_Other"},
            "tracking": {"providers": [{"provider": {"key": carrier}, "events": events}]},
        },
    }


def serve(api: FakeSeventeenTrack) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = None
            canned = api.answer(self.path.removeprefix(PREFIX), self.headers.get("17token", ""), payload)
            body = canned.body if isinstance(canned.body, str) else json.dumps(canned.body)
            self.send_response(canned.status)
            self.send_header("Content-Type", "application/json")
            for name, value in canned.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body.encode())))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/track/v2.2"
