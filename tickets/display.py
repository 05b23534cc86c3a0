"""Mail bodies as the ticket page shows them."""

from __future__ import annotations

from collections.abc import Mapping
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
