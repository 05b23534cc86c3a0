"""The post-holiday report as an A4 PDF: key figures, recommendations, a chart and the top tables.

Drawn with reportlab (platypus for the flow, reportlab.graphics for the chart), as the return
label is. Texts beyond the standard PDF fonts' Latin set (Chinese names, arrows) use the PDF
viewers' built-in Chinese font, so nothing is embedded.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from analytics.dashboards import Dashboard
from analytics.dashboards import Table as PageTable
from analytics.report import SeasonReport
from analytics.report.page import key_figure_columns, key_figure_rows, season_dashboard
from analytics.templatetags.analytics_tags import cell

LATIN, LATIN_BOLD = "Helvetica", "Helvetica-Bold"
WIDE = "STSong-Light"
MARGIN = 15 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
BAR_COLOURS = (colors.HexColor("#868e96"), colors.HexColor("#5c7cfa"), colors.HexColor("#1f6feb"))


def _latin(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class _Styles:
    def __init__(self) -> None:
        pdfmetrics.registerFont(UnicodeCIDFont(WIDE))
        base = getSampleStyleSheet()
        self.title = base["Title"]
        self.heading = base["Heading2"]
        self.body = base["BodyText"]
        self.small = ParagraphStyle("small", parent=base["BodyText"], fontSize=8, leading=10)

    def paragraph(self, text: Any, style: ParagraphStyle) -> Paragraph:
        text = str(text)
        if not _latin(text):
            style = ParagraphStyle(f"{style.name}-wide", parent=style, fontName=WIDE)
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, style)


def _table(
    styles: _Styles, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> Table:
    data = [[styles.paragraph(text, styles.small) for text in header]]
    data += [[styles.paragraph(text, styles.small) for text in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#adb5bd")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _volume_chart(report: SeasonReport) -> Drawing:
    """Tickets per day: normal weeks, the previous season's peak and this peak, side by side."""
    bars = [
        (_("Normal weeks"), report.normal),
        (_("Previous peak"), report.previous),
        (_("This peak"), report.during),
    ]
    shown = [(str(label), round(figures.per_day or 0, 2)) for label, figures in bars if figures is not None]
    drawing = Drawing(CONTENT_WIDTH, 60 * mm)
    drawing.add(String(0, 56 * mm, _("Customer tickets per day"), fontName=LATIN_BOLD, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y = 15 * mm, 10 * mm
    chart.width, chart.height = CONTENT_WIDTH - 30 * mm, 40 * mm
    chart.data = [tuple(value for _label, value in shown)]
    chart.categoryAxis.categoryNames = [label for label, _value in shown]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([value for _label, value in shown] + [1]) * 1.2
    chart.barLabelFormat = "%.1f"
    chart.barLabels.nudge = 6
    chart.bars[0].fillColor = BAR_COLOURS[1]
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = CONTENT_WIDTH - 40 * mm, 56 * mm
    legend.colorNamePairs = [(BAR_COLOURS[1], _("tickets a day"))]
    legend.fontName = LATIN
    drawing.add(legend)
    return drawing


def _page_table(styles: _Styles, table: PageTable, limit: int = 10) -> list[Flowable]:
    if not table.rows:
        return []
    width = CONTENT_WIDTH / len(table.columns)
    rows = [[cell(row, column) for column in table.columns] for row in list(table.rows)[:limit]]
    return [
        styles.paragraph(table.title, styles.heading),
        _table(styles, [str(column.label) for column in table.columns], rows, [width] * len(table.columns)),
    ]


def render_season_pdf(report: SeasonReport, *, compress: bool = True) -> bytes:
    """The report as PDF bytes; ``compress=False`` leaves page text readable in the bytes (tests)."""
    styles = _Styles()
    rule_set = report.rule_set
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Post-holiday report: %(name)s") % {"name": rule_set.name},
        subject=rule_set.name,
        pageCompression=1 if compress else 0,
    )
    local = timezone.localtime
    period = _("Peak %(peak_from)s – %(peak_until)s; season %(prepare_from)s – %(review_until)s") % {
        "peak_from": formats.date_format(local(rule_set.peak_from), "SHORT_DATETIME_FORMAT"),
        "peak_until": formats.date_format(local(rule_set.peak_until), "SHORT_DATETIME_FORMAT"),
        "prepare_from": formats.date_format(local(rule_set.prepare_from), "SHORT_DATE_FORMAT"),
        "review_until": formats.date_format(local(rule_set.review_until), "SHORT_DATE_FORMAT"),
    }
    story: list[Flowable] = [
        styles.paragraph(rule_set.name, styles.title),
        styles.paragraph(period, styles.body),
        Spacer(1, 4 * mm),
    ]
    if not report.has_data:
        story.append(styles.paragraph(_("No tickets, returns or parcels in this season."), styles.body))
    columns = key_figure_columns(report)
    rows = [[row[column.key] for column in columns] for row in key_figure_rows(report)]
    story += [
        styles.paragraph(_("Key figures"), styles.heading),
        _table(
            styles,
            [str(column.label) for column in columns],
            rows,
            [CONTENT_WIDTH * 0.25] + [CONTENT_WIDTH * 0.15] * 5,
        ),
        styles.paragraph(_("Recommendations"), styles.heading),
    ]
    if report.recommendations:
        story += [styles.paragraph(f"• {item.text}", styles.body) for item in report.recommendations]
    else:
        story.append(styles.paragraph(_("No figure crossed a threshold: nothing to change."), styles.body))
    story += [Spacer(1, 4 * mm), _volume_chart(report)]
    page: Dashboard = season_dashboard(report)
    for key in ("intents", "products", "lanes", "refunds", "compensation"):
        table = page.table(key)
        if table is not None:
            story += _page_table(styles, table)
    for note in page.notes:
        story.append(styles.paragraph(note, styles.small))
    document.build(story)
    return buffer.getvalue()
