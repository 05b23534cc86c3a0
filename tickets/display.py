"""Mail bodies and scoring reasons as the ticket page shows them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import nh3

_CLEAN_CONTENT = {"script", "style", "title", "noscript", "template"}


def html_for_display(html: str, inline_images: Mapping[str, str]) -> str:
    """Sanitised mail HTML with its inline images (``cid:``) pointing at ``inline_images``
    (Content-ID → URL of the authenticated attachment view).

    Remote images are dropped: they would tell the sender when and where the mail was
    read (tracking pixels) and load third-party content into the agent's session. The
    stored body is cleaned again, so bodies stored under older rules are safe too.
    """

    def keep(tag: str, attribute: str, value: str) -> str | None:
        is_cid = value[:4].lower() == "cid:"
        if tag == "img" and attribute == "src":
            return inline_images.get(unquote(value[4:]).strip().strip("<>")) if is_cid else None
        return None if is_cid else value

    return nh3.clean(
        html,
        clean_content_tags=_CLEAN_CONTENT,
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        attribute_filter=keep,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def reason_lines(reasons: list[dict[str, Any]] | None, labels: Mapping[str, Any]) -> list[tuple[str, float]]:
    """(label, points) of stored scoring reasons (priority, claim risk), in the viewer's language.

    A reason is ``{"code": ..., "points": ..., **details}``; its label may name the details
    (``%(intent)s``), and intents and parcel anomalies are shown by their labels. Reasons
    whose code has no label (written by an older version) are left out.
    """
    from logistics.models import Shipment
    from tickets.models import Intent

    lines = []
    for reason in reasons or []:
        label = labels.get(str(reason.get("code")))
        if label is None:
            continue
        params = {key: value for key, value in reason.items() if key not in {"code", "points"}}
        if params.get("intent") in Intent.values:
            params["intent"] = Intent(params["intent"]).label
        if params.get("anomaly") in Shipment.Anomaly.values:
            params["anomaly"] = Shipment.Anomaly(params["anomaly"]).label
        try:
            text = str(label) % params if "%(" in str(label) else str(label)
        except (KeyError, TypeError, ValueError):
            text = str(label)
        lines.append((text, float(reason.get("points") or 0)))
    return lines
