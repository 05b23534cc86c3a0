"""What can happen to a parcel, what customers then write about, and how returns go."""

from __future__ import annotations

from logistics.models import TrackingStatus
from returns.models import (
    ReturnReason,
    ReturnRequest,
)

# (scenario, weight, final status, sub-status)
SCENARIOS = (
    ("delivered", 55, TrackingStatus.DELIVERED, ""),
    ("delivered_late", 10, TrackingStatus.DELIVERED, ""),
    ("in_transit", 14, TrackingStatus.IN_TRANSIT, ""),
    ("stalled", 7, TrackingStatus.IN_TRANSIT, ""),
    ("customs", 6, TrackingStatus.CUSTOMS_HOLD, "customs_delay"),
    ("failed_attempt", 3, TrackingStatus.FAILED_ATTEMPT, "recipient_not_available"),
    ("lost", 3, TrackingStatus.EXCEPTION, "lost"),
    ("returned", 2, TrackingStatus.RETURNED_TO_SENDER, "refused"),
)
LANE_DAYS = {
    "US": 11,
    "CA": 13,
    "GB": 9,
    "AU": 14,
    "DE": 9,
    "FR": 10,
    "ES": 12,
    "IT": 12,
    "NL": 9,
    "PL": 11,
    "SE": 12,
    "JP": 5,
    "KR": 6,
    "BR": 24,
    "PT": 13,
    "HK": 3,
}
DOMESTIC_CARRIER = {
    "US": "usps",
    "CA": "ups",
    "GB": "royal-mail",
    "AU": "4px",
    "DE": "deutsche-post",
    "FR": "la-poste",
    "ES": "cainiao",
    "IT": "cainiao",
    "NL": "postnl",
    "PL": "cainiao",
    "SE": "yunexpress",
    "JP": "japan-post",
    "KR": "sf-express",
    "BR": "correios",
    "PT": "cainiao",
    "HK": "sf-express",
}
CROSS_BORDER_CARRIERS = ("china-post", "yunexpress", "4px", "cainiao", "yanwen", "china-ems", "dhl-ecommerce")

# Which intents a customer writes about, given what their parcel did.
INTENTS_BY_SCENARIO = {
    "delivered": (
        "damaged_item",
        "wrong_item",
        "missing_item",
        "not_as_described",
        "return_request",
        "refund_status",
        "product_question",
        "invoice_request",
        "feedback_positive",
        "payment_issue",
        "other",
    ),
    "delivered_late": (
        "not_as_described",
        "return_request",
        "feedback_positive",
        "damaged_item",
        "refund_status",
    ),
    "in_transit": (
        "where_is_my_order",
        "where_is_my_order",
        "change_order",
        "cancel_order",
        "product_question",
    ),
    "stalled": ("where_is_my_order", "not_received", "cancel_order"),
    "customs": ("customs_duties", "customs_duties", "where_is_my_order"),
    "failed_attempt": ("where_is_my_order", "not_received", "change_order"),
    "lost": ("not_received", "where_is_my_order", "refund_status"),
    "returned": ("not_received", "refund_status", "where_is_my_order"),
}
URGENCY = {
    "not_received": 3,
    "damaged_item": 3,
    "wrong_item": 3,
    "payment_issue": 3,
    "customs_duties": 3,
    "missing_item": 2,
    "not_as_described": 2,
    "where_is_my_order": 2,
    "refund_status": 2,
    "cancel_order": 3,
    "change_order": 3,
}
NEGATIVE_INTENTS = {
    "not_received",
    "damaged_item",
    "wrong_item",
    "missing_item",
    "not_as_described",
    "payment_issue",
    "customs_duties",
}
RETURN_REASON_BY_INTENT = {
    "damaged_item": ReturnReason.DAMAGED,
    "wrong_item": ReturnReason.WRONG_ITEM,
    "missing_item": ReturnReason.MISSING_ITEM,
    "not_as_described": ReturnReason.NOT_AS_DESCRIBED,
    "return_request": ReturnReason.CHANGED_MIND,
}
RETURN_STATES = list(ReturnRequest.Status)
RETURN_PATH = {
    ReturnRequest.Status.REQUESTED: [],
    ReturnRequest.Status.NEEDS_REVIEW: ["needs_review"],
    ReturnRequest.Status.REJECTED: ["needs_review", "rejected"],
    ReturnRequest.Status.APPROVED: ["approved"],
    ReturnRequest.Status.LABEL_ISSUED: ["approved", "label_issued"],
    ReturnRequest.Status.IN_TRANSIT: ["approved", "label_issued", "in_transit"],
    ReturnRequest.Status.RECEIVED: ["approved", "label_issued", "in_transit", "received"],
    ReturnRequest.Status.INSPECTED: ["approved", "label_issued", "in_transit", "received", "inspected"],
    ReturnRequest.Status.REFUNDED: [
        "approved",
        "label_issued",
        "in_transit",
        "received",
        "inspected",
        "refunded",
    ],
    ReturnRequest.Status.EXCHANGED: [
        "approved",
        "label_issued",
        "in_transit",
        "received",
        "inspected",
        "exchanged",
    ],
    ReturnRequest.Status.STORE_CREDIT_ISSUED: ["approved", "store_credit_issued"],
    ReturnRequest.Status.CLOSED: [
        "approved",
        "label_issued",
        "in_transit",
        "received",
        "inspected",
        "refunded",
        "closed",
    ],
    ReturnRequest.Status.CANCELLED: ["approved", "cancelled"],
    ReturnRequest.Status.EXPIRED: ["approved", "label_issued", "expired"],
}
TICKET_STATUS_WEIGHTS = (
    ("new", 14),
    ("open", 24),
    ("pending", 14),
    ("on_hold", 4),
    ("solved", 32),
    ("closed", 12),
)
