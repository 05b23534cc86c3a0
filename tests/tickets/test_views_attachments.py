"""Attachments are served only through a view that checks who asks, and never run in the browser."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import AttachmentFactory, MessageFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored(message, filename: str, content_type: str, payload: bytes, **fields):
    attachment = AttachmentFactory.build(
        message=message, filename=filename, content_type=content_type, size=len(payload), **fields
    )
    attachment.file.save(filename, ContentFile(payload), save=False)
    attachment.save()
    return attachment


def url(attachment) -> str:
    return reverse("ticket_attachment", args=[attachment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_agent_of_the_tickets_team_downloads_a_document_as_a_file(client, agent_eu, ticket_eu):
    pdf = stored(MessageFactory(ticket=ticket_eu), "invoice.pdf", "application/pdf", b"%PDF-1.7 ...")
    client.force_login(agent_eu)

    response = client.get(url(pdf))

    assert response.status_code == 200
    assert body(response) == b"%PDF-1.7 ..."
    assert response["Content-Disposition"] == 'attachment; filename="invoice.pdf"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_raster_image_is_shown_inline(client, agent_eu, ticket_eu):
    photo = stored(MessageFactory(ticket=ticket_eu), "damaged box.png", "image/png", PNG)
    client.force_login(agent_eu)

    response = client.get(url(photo))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [("drawing.svg", "image/svg+xml"), ("page.html", "text/html"), ("x.png", "IMAGE/SVG+XML ")],
)
def test_anything_a_browser_could_run_is_a_download(client, agent_eu, ticket_eu, filename, content_type):
    risky = stored(MessageFactory(ticket=ticket_eu), filename, content_type, b"<svg onload=alert(1)>")
    client.force_login(agent_eu)

    response = client.get(url(risky))

    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_agent_of_another_team_gets_404(client, agent_us, ticket_eu):
    pdf = stored(MessageFactory(ticket=ticket_eu), "invoice.pdf", "application/pdf", b"%PDF")
    client.force_login(agent_us)

    assert client.get(url(pdf)).status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(client, ticket_eu):
    pdf = stored(MessageFactory(ticket=ticket_eu), "invoice.pdf", "application/pdf", b"%PDF")

    response = client.get(url(pdf))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_missing_attachment_or_a_missing_file_is_404(client, agent_eu, ticket_eu):
    lost = AttachmentFactory(message=MessageFactory(ticket=ticket_eu), file="attachments/2025/11/gone.jpg")
    client.force_login(agent_eu)

    assert client.get(url(lost)).status_code == 404
    assert client.get(reverse("ticket_attachment", args=[lost.pk + 1000])).status_code == 404


def test_the_ticket_page_links_attachments_through_the_view_not_media(client, agent_eu, ticket_eu):
    pdf = stored(MessageFactory(ticket=ticket_eu), "invoice.pdf", "application/pdf", b"%PDF")
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()

    assert f'href="{url(pdf)}"' in page
    assert "/media/" not in page


def test_inline_images_in_the_html_body_point_at_the_view_and_remote_images_are_dropped(
    client, agent_eu, ticket_eu
):
    message = MessageFactory(
        ticket=ticket_eu,
        body_html=(
            '<p>Look: <img src="cid:IMG_2041@01DC84A1" alt="the box"></p>'
            '<img src="https://tracker.example/pixel.gif" alt="">'
            '<a href="cid:IMG_2041@01DC84A1">link</a>'
        ),
    )
    photo = stored(message, "IMG_2041.png", "image/png", PNG, content_id="IMG_2041@01DC84A1", is_inline=True)
    client.force_login(agent_eu)

    page = client.get(reverse("tickets:detail", args=[ticket_eu.pk])).content.decode()

    assert f'<img src="{url(photo)}" alt="the box">' in page
    assert "tracker.example" not in page
    assert "cid:" not in page
    assert client.get(url(photo))["Content-Type"] == "image/png"


def test_admin_links_attachments_through_the_view(client, manager, ticket_eu):
    message = MessageFactory(ticket=ticket_eu)
    pdf = stored(message, "invoice.pdf", "application/pdf", b"%PDF")
    client.force_login(manager)

    for admin_page in (
        reverse("admin:tickets_attachment_change", args=[pdf.pk]),
        reverse("admin:tickets_message_change", args=[message.pk]),
    ):
        html = client.get(admin_page).content.decode()
        assert f'href="{url(pdf)}"' in html, admin_page
        assert "/media/" not in html, admin_page
