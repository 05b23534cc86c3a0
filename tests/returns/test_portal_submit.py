"""Returning items through the portal: the form, photos, the decision and the e-mailed link."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from returns.models import ReturnPhoto, ReturnRequest
from tests.returns.portal_cast import (  # noqa: F401 (fixture)
    _portal_settings,
    delivered_order,
    found,
    jpeg,
    lamp_line,
    only_return,
    order_form,
    return_fields,
    shop,
)

pytestmark = pytest.mark.django_db
ORDER = "/returns/portal/order/"


@pytest.fixture
def order():
    return delivered_order(shop())


@pytest.fixture
def customer(client, order):
    """A customer who picked English: these tests read the portal's texts; the German the shop
    speaks by default is checked on its own below."""
    return found(client, order, language="en")


def photo_upload(name: str = "crack.jpg", data: bytes | None = None, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type=content_type)


def test_each_item_says_whether_it_can_come_back_and_why_not(customer, order):
    page, _key = order_form(customer)

    assert "Can be returned until" in page
    assert "Cannot be returned:" in page
    assert "final sale" in page
    gift_card = order.lines.get(sku="GIFT-25")
    assert f"l{gift_card.pk}-selected" not in page  # nothing to tick on an item that cannot come back


def test_a_customer_who_picks_no_language_gets_the_shop_s_german(client, order):
    found(client, order)  # no ?lang=, no Accept-Language: the shop's language

    page, key = order_form(client)
    response = client.post(ORDER, return_fields(order, key), follow=True)

    assert '<html lang="de">' in page
    assert "Rückgabe bis" in page
    assert "Keine Rückgabe möglich:" in page
    assert "Can be returned until" not in page
    assert "Ihre Rücksendung wurde genehmigt" in response.content.decode()
    assert only_return(order).customer_language == "de"  # later e-mails and pages speak German too


def test_the_store_credit_bonus_and_the_exchange_variants_are_offered(customer, order):
    page, _key = order_form(customer)

    assert "with a bonus of 10%" in page
    assert "LED desk lamp, White" in page  # the other colour, for an exchange


def test_an_approved_return_gets_an_rma_a_label_and_an_e_mailed_status_link(
    customer, order, django_capture_on_commit_callbacks
):
    _page, key = order_form(customer)

    with django_capture_on_commit_callbacks(execute=True):
        response = customer.post(ORDER, return_fields(order, key), follow=True)

    rr = only_return(order)
    assert rr.status == ReturnRequest.Status.LABEL_ISSUED
    page = response.content.decode()
    assert response.status_code == 200
    assert rr.rma_number in page
    assert "Your return is approved" in page
    assert (
        reverse("returns_portal:label", kwargs={"token": response.request["PATH_INFO"].split("/")[-2]})
        in page
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna.schmidt@example.de"]
    assert message.from_email == "service@lumen-home.example"
    assert rr.rma_number in message.subject
    link = re.search(r"https://help\.lumen\.example(/returns/portal/s/\S+)", message.body).group(1)
    assert customer.get(link).status_code == 200


def test_a_double_submit_makes_one_return_and_shows_the_same_page(
    customer, order, django_capture_on_commit_callbacks
):
    _page, key = order_form(customer)

    with django_capture_on_commit_callbacks(execute=True):
        first = customer.post(ORDER, return_fields(order, key))
        second = customer.post(ORDER, return_fields(order, key))

    assert ReturnRequest.objects.filter(order=order).count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert len(mail.outbox) == 1


def test_a_submission_key_from_another_order_never_reaches_this_order(client, customer, order):
    _page, key = order_form(customer)
    customer.post(ORDER, return_fields(order, key))
    other = delivered_order(order.store, email="ben@example.de", number="#300200")
    client.cookies.clear()
    found(client, other, proof="ben@example.de")

    response = client.post(ORDER, return_fields(other, key))

    assert response.status_code == 302
    assert ReturnRequest.objects.get(order=other).pk != only_return(order).pk


def test_a_return_the_rules_refuse_says_which_rule(customer, order):
    _page, key = order_form(customer)

    response = customer.post(ORDER, return_fields(order, key, **{"LINE-condition": "used"}), follow=True)

    assert only_return(order).status == ReturnRequest.Status.REJECTED
    page = response.content.decode()
    assert "Your return could not be accepted" in page
    assert "this one is Used" in page
    assert "Download the return label" not in page


def test_a_return_for_review_says_when_to_expect_an_answer(client, order):
    order.customer.orders_count, order.customer.returns_count = 4, 3  # a serial returner
    order.customer.save(update_fields=["orders_count", "returns_count"])
    found(client, order, language="en")
    _page, key = order_form(client)

    response = client.post(ORDER, return_fields(order, key), follow=True)

    rr = only_return(order)
    assert rr.status == ReturnRequest.Status.NEEDS_REVIEW
    page = response.content.decode()
    assert "We are checking your return" in page
    assert "answers by" in page
    assert rr.review_due_at is not None


def test_nothing_ticked_is_a_clear_error(customer, order):
    _page, key = order_form(customer)
    line = lamp_line(order)

    response = customer.post(ORDER, return_fields(order, key, **{"LINE-selected": None}))

    assert response.status_code == 400
    assert "Tick at least one item to return." in response.content.decode()
    assert not ReturnRequest.objects.exists()
    assert f'name="l{line.pk}-comment"' in response.content.decode()


def test_a_damaged_item_needs_a_photo_and_the_rest_of_the_form_is_kept(customer, order):
    _page, key = order_form(customer)

    response = customer.post(
        ORDER, return_fields(order, key, **{"LINE-reason": "damaged_item", "LINE-comment": "Glass cracked"})
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Please add at least one photo" in page
    assert "Glass cracked" in page
    assert 'value="damaged_item" selected' in page
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            lambda: photo_upload("holiday.jpg", b"MZ\x90\x00" + b"\x00" * 500, "image/jpeg"),
            "is not a photo we can read",
        ),
        (
            lambda: photo_upload("scan.jpg", b"%PDF-1.7\n" + b"0" * 500, "image/jpeg"),
            "is not a photo we can read",
        ),
        (lambda: photo_upload("huge.jpg", jpeg() + b"\x00" * 2048), "is larger than"),
    ],
    ids=["program-named-jpg", "pdf-named-jpg", "too-big"],
)
def test_a_bad_photo_is_refused_by_name_with_the_other_fields_kept(customer, order, settings, upload, error):
    settings.RETURNS_PHOTO_MAX_BYTES = 2048
    _page, key = order_form(customer)

    fields = return_fields(order, key, **{"LINE-reason": "damaged_item", "LINE-comment": "Glass cracked"})
    fields[f"l{lamp_line(order).pk}-photos"] = [upload()]
    response = customer.post(ORDER, fields)

    page = response.content.decode()
    assert response.status_code == 400
    assert error in page
    assert "Glass cracked" in page
    assert not ReturnRequest.objects.exists()


def test_too_many_photos_are_refused(customer, order, settings):
    settings.RETURNS_PHOTOS_PER_LINE = 2
    _page, key = order_form(customer)
    fields = return_fields(order, key, **{"LINE-reason": "damaged_item"})
    fields[f"l{lamp_line(order).pk}-photos"] = [photo_upload(f"p{n}.jpg") for n in range(3)]

    response = customer.post(ORDER, fields)

    assert response.status_code == 400
    assert "at most 2 photos per item" in response.content.decode()


def test_the_stored_photo_has_no_exif_and_no_location(customer, order):
    original = jpeg(size=(80, 60), gps=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the customer's phone wrote EXIF and GPS
    _page, key = order_form(customer)
    fields = return_fields(order, key, **{"LINE-reason": "damaged_item", "LINE-condition": "damaged"})
    fields[f"l{lamp_line(order).pk}-photos"] = [photo_upload("IMG_0042.JPG", original)]

    customer.post(ORDER, fields)

    stored = ReturnPhoto.objects.get()
    data = stored.file.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert (image.width, image.height) == (80, 60)
    assert not image.getexif()
    assert b"PhoneMaker" not in data
    assert "IMG_0042" not in stored.file.name


def test_a_form_too_large_to_read_gets_a_413_with_a_reason(customer, order, settings):
    settings.RETURNS_PHOTO_MAX_BYTES = 1024
    settings.RETURNS_PHOTOS_PER_LINE = 1
    _page, key = order_form(customer)
    fields = return_fields(order, key)
    fields[f"l{lamp_line(order).pk}-photos"] = [
        photo_upload("big.jpg", b"\xff\xd8\xff" + b"0" * 3 * 1024 * 1024)
    ]

    response = customer.post(ORDER, fields)

    assert response.status_code == 413
    assert "too large to send together" in response.content.decode()


def test_an_exchange_needs_the_variant_and_records_it(customer, order):
    _page, key = order_form(customer)
    white = order.store.products.get(sku="LAMP-DESK-WHT")

    missing = customer.post(ORDER, return_fields(order, key, resolution="exchange"))
    chosen = customer.post(
        ORDER, return_fields(order, key, resolution="exchange", **{"LINE-exchange_for": str(white.pk)})
    )

    assert "Choose the variant you want instead." in missing.content.decode()
    assert chosen.status_code == 302
    assert only_return(order).lines.get().exchange_for == white


def test_the_order_page_lists_the_returns_already_made(customer, order):
    _page, key = order_form(customer)
    customer.post(ORDER, return_fields(order, key))

    page, _key = order_form(customer)

    assert only_return(order).rma_number in page
