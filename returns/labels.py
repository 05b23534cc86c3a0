"""The printable return label and packing slip of a return, as one A4 PDF page.

The upper half is the label for the outside of the parcel: from (the customer's ship-to
address), to (the store), the RMA number as a Code128 barcode the warehouse scans, and the
return parcel's carrier and tracking number when there is one. The lower half is the packing
slip that goes inside: the items, and a QR code of the customer's status link.

Texts are in the customer's language. Names and addresses in scripts beyond Latin-1 (Chinese,
Japanese…) use the PDF viewers' built-in Asian fonts, so nothing needs to be embedded.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from returns.models import ReturnLine, ReturnRequest
from returns.portal.links import status_url
from returns.services.eligibility import policy_for

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
# Adobe's Asian fonts every PDF viewer provides (not embedded): simplified Chinese, Japanese.
CHINESE = "STSong-Light"
JAPANESE = "HeiseiKakuGo-W5"
MARGIN = 15 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4


def render_return_label(return_request: ReturnRequest) -> bytes:
    """The label and packing slip of ``return_request`` as PDF bytes."""
    language = return_request.customer_language or return_request.store.default_language or "en"
    with translation.override(language):
        return _Label(return_request, translation.get_language() or "en").render()


class _Label:
    def __init__(self, return_request: ReturnRequest, language: str) -> None:
        self.rr = return_request
        self.language = language
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(_("Return %(rma)s") % {"rma": return_request.rma_number})
        self.canvas.setSubject(return_request.rma_number)
        self.canvas.setAuthor(return_request.store.name)
        self.wide_font = JAPANESE if language.startswith("ja") else CHINESE
        pdfmetrics.registerFont(UnicodeCIDFont(self.wide_font))

    def render(self) -> bytes:
        self._label(top=PAGE_HEIGHT - MARGIN)
        self._cut_line(PAGE_HEIGHT / 2 + 8 * mm)
        self._packing_slip(top=PAGE_HEIGHT / 2 - 2 * mm)
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()

    # --- text helpers -----------------------------------------------------------------------

    def _font(self, text: str, *, bold: bool = False) -> str:
        if any(ord(char) > 0xFF for char in text):
            return self.wide_font
        return LATIN_BOLD if bold else LATIN

    def text(self, x: float, y: float, text: str, *, size: float = 10, bold: bool = False) -> None:
        text = str(text)
        self.canvas.setFont(self._font(text, bold=bold), size)
        self.canvas.drawString(x, y, text)

    def lines(
        self, x: float, y: float, lines: Iterable[str], *, size: float = 11, leading: float = 5 * mm
    ) -> float:
        for line in lines:
            if line:
                self.text(x, y, line, size=size)
                y -= leading
        return y

    def fit(self, text: str, width: float, size: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` points."""
        font = self._font(text)
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return text
        while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        return text + "…"

    # --- the label ------------------------------------------------------------------------

    def _label(self, top: float) -> None:
        rr, canvas = self.rr, self.canvas
        left, right = MARGIN, PAGE_WIDTH - MARGIN
        bottom = PAGE_HEIGHT / 2 + 14 * mm
        canvas.setLineWidth(1.2)
        canvas.rect(left, bottom, right - left, top - bottom)
        self.text(left + 6 * mm, top - 10 * mm, _("RETURN"), size=20, bold=True)
        self.text(right - 70 * mm, top - 10 * mm, rr.store.name, size=11, bold=True)

        column = (right - left) / 2
        y = top - 22 * mm
        self.text(left + 6 * mm, y, _("From"), size=9, bold=True)
        self.lines(left + 6 * mm, y - 6 * mm, self._from_address(), size=11)
        self.text(left + column, y, _("Ship to"), size=9, bold=True)
        self.lines(left + column, y - 6 * mm, self._to_address(), size=13, leading=6 * mm)

        shipment = rr.return_shipment
        if shipment is not None:
            carrier = shipment.carrier.name if shipment.carrier else ""
            tracking = " · ".join(part for part in (carrier, shipment.tracking_number) if part)
            self.text(
                left + 6 * mm, bottom + 42 * mm, _("Tracking: %(tracking)s") % {"tracking": tracking}, size=10
            )

        barcode = code128.Code128(rr.rma_number, barHeight=20 * mm, barWidth=0.45 * mm, humanReadable=False)
        x = (PAGE_WIDTH - barcode.width) / 2
        barcode.drawOn(canvas, x, bottom + 14 * mm)
        self.text(
            (PAGE_WIDTH - pdfmetrics.stringWidth(rr.rma_number, LATIN_BOLD, 14)) / 2,
            bottom + 7 * mm,
            rr.rma_number,
            size=14,
            bold=True,
        )

    def _from_address(self) -> list[str]:
        order = self.rr.order
        address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
        name = order.shipping_name or (str(self.rr.customer) if self.rr.customer else "")
        city = " ".join(str(address.get(key) or "") for key in ("postal_code", "city")).strip()
        lines = [name, str(address.get("line1") or ""), str(address.get("line2") or ""), city]
        country = str(address.get("country") or order.shipping_country or "")
        lines.append(country)
        return [self.fit(line, 80 * mm, 11) for line in lines if line]

    def _to_address(self) -> list[str]:
        store = self.rr.store
        policy = policy_for(store=store, category="")
        address = [
            line.strip() for line in (policy.return_address if policy else "").splitlines() if line.strip()
        ]
        if address:
            lines = [store.name, *address]
        else:
            lines = [store.name, _("Returns department")]
            if store.marketplace:
                lines.append(store.marketplace)
        lines.append(self.rr.rma_number)
        return [self.fit(line, 85 * mm, 13) for line in lines]

    def _cut_line(self, y: float) -> None:
        canvas = self.canvas
        canvas.saveState()
        canvas.setDash(3, 3)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
        canvas.restoreState()
        self.text(MARGIN, y + 2 * mm, _("Cut along this line and stick the label on the parcel."), size=8)

    # --- the packing slip -------------------------------------------------------------------

    def _packing_slip(self, top: float) -> None:
        rr = self.rr
        left, right = MARGIN, PAGE_WIDTH - MARGIN
        self.text(left, top - 6 * mm, _("Packing slip"), size=16, bold=True)
        facts = [
            _("Return: %(rma)s") % {"rma": rr.rma_number},
            _("Order: %(order)s") % {"order": rr.order.external_id},
            _("Requested: %(date)s") % {"date": self._date(rr.requested_at)},
        ]
        if rr.ship_by:
            facts.append(_("Please send it by %(date)s.") % {"date": self._date(rr.ship_by)})
        self.lines(left, top - 14 * mm, facts, size=10)

        qr_size = 34 * mm
        self._qr(
            status_url(return_id=rr.pk, rma_number=rr.rma_number, language=self.language),
            right - qr_size,
            top - 4 * mm - qr_size,
            qr_size,
        )
        self.text(right - qr_size, top - 8 * mm - qr_size, _("Follow your return"), size=8)

        y = top - 50 * mm
        columns = [left, left + 35 * mm, left + 120 * mm, left + 135 * mm]
        for x, heading in zip(columns, (_("SKU"), _("Item"), _("Qty"), _("Reason")), strict=True):
            self.text(x, y, heading, size=9, bold=True)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(left, y - 2 * mm, right, y - 2 * mm)
        y -= 7 * mm
        lines: list[ReturnLine] = list(rr.lines.select_related("order_line").order_by("id"))
        for line in lines[:14]:  # a parcel with more lines still gets one page; the rest is summed
            self.text(columns[0], y, self.fit(line.order_line.sku, 33 * mm, 9), size=9)
            self.text(columns[1], y, self.fit(line.order_line.title, 83 * mm, 9), size=9)
            self.text(columns[2], y, str(line.quantity), size=9)
            self.text(columns[3], y, self.fit(str(line.get_reason_display()), right - columns[3], 9), size=9)
            y -= 6 * mm
        if len(lines) > 14:
            rest = sum(line.quantity for line in lines[14:])
            self.text(columns[1], y, _("… and %(count)s more items") % {"count": rest}, size=9)
            y -= 6 * mm
        y -= 4 * mm
        self.lines(
            left,
            max(y, MARGIN + 12 * mm),
            [
                _("1. Put the items and this slip in the parcel."),
                _("2. Stick the label above on the outside and hand the parcel to the carrier."),
                _("3. Follow your return with the QR code or the link in your e-mail."),
            ],
            size=9,
        )

    def _qr(self, value: str, x: float, y: float, size: float) -> None:
        widget = qr.QrCodeWidget(value, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.canvas, x, y)

    def _date(self, value: dt.datetime) -> str:
        return formats.date_format(timezone.localtime(value), "DATE_FORMAT")
