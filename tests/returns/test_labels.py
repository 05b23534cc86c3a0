"""The return label and packing slip: a one-page PDF with the RMA, addresses, items and codes."""

from __future__ import annotations

import base64
import re
import zlib

import pytest

from returns.labels import render_return_label
from returns.models import ReturnRequest
from tests.factories import ReturnLineFactory, ReturnRequestFactory, ShipmentFactory
from tests.returns.portal_cast import _portal_settings, delivered_order, lamp_line, shop  # noqa: F401

pytestmark = pytest.mark.django_db
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)


def page_text(pdf: bytes) -> str:
    """The text drawn on the pages: every content stream, inflated."""
    chunks = []
    for raw in STREAM.findall(pdf):
        data = raw.strip()
        if data.endswith(b"~>"):  # ReportLab's /ASCII85Decode /FlateDecode
            data = base64.a85decode(data[:-2], adobe=False)
        try:
            chunks.append(zlib.decompress(data))
        except zlib.error:
            chunks.append(data)
    return b"\n".join(chunks).decode("latin-1")


@pytest.fixture
def return_request():
    order = delivered_order(shop(name="Lumen Home Europe"))
    rr = ReturnRequestFactory(
        store=order.store,
        order=order,
        rma_number="RMA-7KQ2M9",
        status=ReturnRequest.Status.LABEL_ISSUED,
        customer_language="de",
        return_shipment=ShipmentFactory(
            store=order.store, order=order, direction="return", tracking_number="RT7KQ2M9"
        ),
    )
    ReturnLineFactory(return_request=rr, order_line=lamp_line(order), quantity=1, reason="does_not_fit")
    return rr


def test_the_label_is_a_one_page_pdf_with_the_rma_the_addresses_and_the_items(return_request):
    pdf = render_return_label(return_request)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    text = page_text(pdf)
    assert "RMA-7KQ2M9" in text
    assert "Anna Schmidt" in text
    assert "Invalidenstra" in text
    assert "10115 Berlin" in text
    assert "Lumen Home Europe" in text
    assert "LAMP-DESK-BLK" in text
    assert "RT7KQ2M9" in text
    assert b"RMA-7KQ2M9" in pdf  # also in the document's metadata, for the PDF viewer's title


def test_the_label_sends_the_parcel_to_the_store_policy_s_return_address(return_request):
    return_request.store.return_policies.filter(category="").update(
        return_address="Retourenlager Süd\nLagerstraße 4\n85748 Garching\nDE"
    )

    text = page_text(render_return_label(return_request))

    assert "Retourenlager" in text
    assert "85748 Garching" in text
    assert "Returns department" not in text


def test_the_label_has_a_barcode_and_a_qr_code(return_request):
    text = page_text(render_return_label(return_request))

    # Code128 bars and the QR modules are drawn as filled rectangles: hundreds of them.
    assert text.count(" re") > 200


def test_names_in_chinese_use_a_font_that_has_them(return_request):
    order = return_request.order
    order.shipping_name = "王小明"
    order.save(update_fields=["shipping_name"])

    pdf = render_return_label(return_request)

    assert b"STSong-Light" in pdf


@pytest.mark.parametrize("language", ["en", "zh-hans", "es", "de", "fr", "it", "ja", "pt"])
def test_the_label_renders_in_every_portal_language(return_request, language):
    return_request.customer_language = language
    return_request.order.shipping_name = "山田 花子" if language == "ja" else "Zoë Ñúñez"

    pdf = render_return_label(return_request)

    assert pdf.startswith(b"%PDF-")
    assert "RMA-7KQ2M9" in page_text(pdf)
