"""Returns: how often each product, SKU and category comes back and why, what refunds and
compensation cost, which products stand out from their category, and how many returns the rules
decide alone."""

from __future__ import annotations

from django.utils.translation import gettext as _

from analytics import returns_selectors as sel
from analytics.dashboards import Chart, Column, Dashboard, Dataset, Kpi, Table
from analytics.dashboards.volume import rollup_values
from analytics.filters import DashboardFilters
from analytics.query_settings import dashboard_query_settings
from returns.models import CompensationOffer, Refund, ReturnReason

TOP_IN_CHART = 10


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or not before else (now - before) / before


def build(filters: DashboardFilters) -> Dashboard:
    with dashboard_query_settings():
        return _build(filters)


def _build(filters: DashboardFilters) -> Dashboard:
    rates = sel.return_rates(filters)
    totals, products, skus, categories = rates.totals, rates.products, rates.skus, rates.categories
    previous = sel.previous_totals(filters)
    reasons = rates.reasons
    outliers = sel.outlier_products(products, categories)
    paths = sel.decision_paths(filters)
    refunds = sel.refund_ledger(filters)
    compensation = sel.compensation_by_tier(filters)

    reason_labels = dict(ReturnReason.choices)
    method_labels = dict(Refund.Method.choices)
    tier_labels = dict(CompensationOffer.Tier.choices)
    uncategorised = _("(no category)")
    for row in categories + products + outliers:
        row["category_label"] = row["category"] or uncategorised
    for row in reasons:
        row["label"] = str(reason_labels.get(row["reason"], row["reason"]))
    for row in refunds:
        row["method_label"] = str(method_labels.get(row["method"], row["method"]))
    for row in compensation:
        row["tier_label"] = str(tier_labels.get(row["tier"], row["tier"]))

    decided_alone = paths["auto_approved"] + paths["auto_rejected"]
    reviewed = paths["reviewed_approved"] + paths["reviewed_rejected"]
    auto_share = sel.rate(decided_alone, decided_alone + reviewed)
    path_rows = [
        {
            "path": _("Decided by the rules"),
            "approved": paths["auto_approved"],
            "rejected": paths["auto_rejected"],
        },
        {
            "path": _("Reviewed by a person"),
            "approved": paths["reviewed_approved"],
            "rejected": paths["reviewed_rejected"],
        },
    ]
    for row in path_rows:
        row["decided"] = row["approved"] + row["rejected"]
        row["share"] = sel.rate(row["decided"], decided_alone + reviewed)

    top_categories = [row for row in categories if row["units_sold"]][:TOP_IN_CHART]
    rate_columns = [
        Column("units_sold", _("Units sold"), numeric=True, format="int"),
        Column("units_returned", _("Units returned"), numeric=True, format="int"),
        Column("return_rate", _("Return rate"), numeric=True, format="percent"),
    ]
    complaint_columns = [
        Column("orders", _("Orders"), numeric=True, format="int"),
        Column("complained_orders", _("Orders with a complaint"), numeric=True, format="int"),
        Column("complaint_rate", _("Complaint rate"), numeric=True, format="percent"),
    ]
    cohort_note = _(
        "Return rate = units returned ÷ units sold, both of the orders placed in the period (order date): "
        "returns of those units count whenever they were requested, unless rejected, cancelled or expired. "
        "Recent orders have had less time to come back. Complaint rate = orders with a ticket about a "
        "damaged, wrong, missing or not-as-described item ÷ orders containing the item (a category counts "
        "an order once per product of it). Country = the order's ship-to country."
    )
    return Dashboard(
        title=_("Returns"),
        notes=_source_notes(),
        kpis=[
            Kpi(_("Units sold"), f"{totals.units_sold:,}", _("Units in orders placed in the period.")),
            Kpi(
                _("Return rate"),
                _percent(totals.return_rate),
                _(
                    "Units returned ÷ units sold, of the orders placed in the period. The previous period "
                    "counts only the returns its orders made in as much time as this period's have had."
                ),
                previous=_percent(previous.return_rate) if previous.units_sold else "",
                up_is_good=False,
                change=_change(totals.return_rate, previous.return_rate),
            ),
            Kpi(_("Return requests"), f"{paths['requests']:,}", _("Requested in the period.")),
            Kpi(
                _("Decided by the rules alone"),
                _percent(auto_share),
                _("Share of the decided requests of the period that no person had to review."),
            ),
            Kpi(_("Products well above their category"), f"{len(outliers):,}"),
        ],
        charts=[
            Chart(
                "category-rates",
                _("Return rate by category"),
                "horizontal-bar",
                [row["category_label"] for row in top_categories],
                [Dataset(_("Return rate"), [row["return_rate"] for row in top_categories])],
                percent=True,
            ),
            Chart(
                "reasons",
                _("Returned units by reason"),
                "doughnut",
                [row["label"] for row in reasons],
                [Dataset(_("Units"), [row["units"] for row in reasons])],
            ),
        ],
        tables=[
            Table(
                "outliers",
                _("Products with return or complaint rates well above their category"),
                [
                    Column("sku", _("SKU")),
                    Column("title", _("Product")),
                    Column("category_label", _("Category")),
                    Column("flagged_for", _("Flagged for")),
                    Column("units_sold", _("Units sold"), numeric=True, format="int"),
                    Column("return_rate", _("Return rate"), numeric=True, format="percent"),
                    Column(
                        "return_rate_low", _("Return rate, lower bound (95%)"), numeric=True, format="percent"
                    ),
                    Column("category_return_rate", _("Category return rate"), numeric=True, format="percent"),
                    Column("orders", _("Orders"), numeric=True, format="int"),
                    Column("complaint_rate", _("Complaint rate"), numeric=True, format="percent"),
                    Column(
                        "complaint_rate_low",
                        _("Complaint rate, lower bound (95%)"),
                        numeric=True,
                        format="percent",
                    ),
                    Column(
                        "category_complaint_rate",
                        _("Category complaint rate"),
                        numeric=True,
                        format="percent",
                    ),
                ],
                outliers,
                note=_(
                    "Flagged when a rate is at least %(ratio)s× the category's AND the lower end of its 95%% "
                    "Wilson interval is still above the category's rate: the excess is then unlikely to be "
                    "chance at the product's volume (2 returns of 4 units is not enough; 30 of 100 against a "
                    "category at 10%% is). The category's rate includes the product, which makes the test "
                    "slightly conservative. Units of one order are not fully independent, so treat a borderline "
                    "flag as a lead, not a verdict."
                )
                % {"ratio": sel.OUTLIER_RATIO},
            ),
            Table(
                "by-product",
                _("Return and complaint rates by product"),
                [
                    Column("sku", _("SKU")),
                    Column("title", _("Product")),
                    Column("category_label", _("Category")),
                    *rate_columns,
                    *complaint_columns,
                ],
                products,
                note=cohort_note,
            ),
            Table(
                "by-sku",
                _("Return rate by SKU (all stores and listings)"),
                [Column("sku", _("SKU")), *rate_columns],
                skus,
                note=_("By the SKU on the order line, so a SKU sold in several stores is counted once."),
            ),
            Table(
                "by-category",
                _("Return and complaint rates by category"),
                [Column("category_label", _("Category")), *rate_columns, *complaint_columns],
                categories,
            ),
            Table(
                "by-reason",
                _("Returns by reason"),
                [
                    Column("label", _("Reason")),
                    Column("units", _("Units returned"), numeric=True, format="int"),
                    Column("lines", _("Return lines"), numeric=True, format="int"),
                    Column("share", _("Share of returned units"), numeric=True, format="percent"),
                ],
                reasons,
            ),
            Table(
                "decisions",
                _("How return requests were decided"),
                [
                    Column("path", _("Decided")),
                    Column("approved", _("Approved"), numeric=True, format="int"),
                    Column("rejected", _("Rejected"), numeric=True, format="int"),
                    Column("decided", _("Decided"), numeric=True, format="int"),
                    Column("share", _("Share of decided"), numeric=True, format="percent"),
                ],
                path_rows,
                note=_(
                    "Requests of the period (request date). Reviewed = the rules sent it to a person, who decided. "
                    "%(pending)s requests are not decided yet."
                )
                % {"pending": paths["pending"]},
            ),
            Table(
                "refunds",
                _("Refund ledger by currency"),
                [
                    Column("currency", _("Currency")),
                    Column("method_label", _("Method")),
                    Column("refunds", _("Refunds"), numeric=True, format="int"),
                    Column("paid", _("Paid back"), numeric=True, format="money"),
                    Column("outstanding", _("Outstanding"), numeric=True, format="money"),
                    Column("failed", _("Failed"), numeric=True, format="money"),
                    Column("bonus", _("Store credit bonus"), numeric=True, format="money"),
                ],
                refunds,
                note=_(
                    "Refunds created in the period. Amounts are never added across currencies. Outstanding = "
                    "pending, being sent or to be done by hand; the bonus is credit on top, not money paid back."
                ),
            ),
            Table(
                "compensation",
                _("Compensation by tier"),
                [
                    Column("tier_label", _("Tier")),
                    Column("currency", _("Currency")),
                    Column("suggested", _("Suggested, not sent"), numeric=True, format="int"),
                    Column("made", _("Offers made"), numeric=True, format="int"),
                    Column("accepted", _("Accepted"), numeric=True, format="int"),
                    Column("acceptance_rate", _("Acceptance rate"), numeric=True, format="percent"),
                    Column("made_amount", _("Value offered"), numeric=True, format="money"),
                    Column("accepted_amount", _("Value accepted"), numeric=True, format="money"),
                ],
                compensation,
                note=_("Offers created in the period; acceptance rate = accepted ÷ offers made."),
            ),
        ],
    )


def _source_notes() -> list[str]:
    refreshed_at = sel.order_line_rollup_refreshed_at()
    if refreshed_at is None:
        return []
    return [
        _(
            "Units sold and orders (the denominators of the return and complaint rates) come from the "
            "daily order-line rollup (days in %(tz)s), refreshed every 10 minutes (last: %(at)s); "
            "returns, refunds and compensation are counted live."
        )
        % rollup_values(refreshed_at)
    ]
