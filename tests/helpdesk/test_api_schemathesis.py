"""Schemathesis against the running API: the live schema of a real server (pytest-django's
``live_server``), every operation, a manager's token with every scope, a bounded number of
generated requests each. Every answer must be no 5xx, match its documented schema, status code
and content type.

    pytest -m schemathesis -p no:cacheprovider tests/helpdesk/test_api_schemathesis.py

``SCHEMATHESIS_MAX_EXAMPLES`` (default 12) sets the generated requests per operation; the
summary (operations, cases, failures) is printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from helpdesk.api.models import API_SCOPES
from helpdesk.api.services import api_token_create
from helpdesk.outbound.models import WebhookDelivery, WebhookSubscription
from tests.factories import (
    MessageFactory,
    OrderFactory,
    OrderLineFactory,
    RefundFactory,
    ReplyTemplateFactory,
    ReplyTemplateVariantFactory,
    ReturnLineFactory,
    ReturnRequestFactory,
    SeasonalRuleSetFactory,
    ShipmentFactory,
    SurveyResponseFactory,
    TagFactory,
    TrackingEventFactory,
)

pytestmark = pytest.mark.schemathesis

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
# Requests that break the schema on purpose (wrong types, missing fields): each must be a 4xx.
MAX_NEGATIVE_EXAMPLES = int(
    os.environ.get("SCHEMATHESIS_MAX_NEGATIVE_EXAMPLES", str(max(MAX_EXAMPLES // 2, 1)))
)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]

# What the run did, per operation, for the closing summary.
CASES: Counter[str] = Counter()
STATUSES: dict[str, Counter[str]] = defaultdict(Counter)
FAILED: dict[str, str] = {}
KNOWN_IDS: dict[str, list[int]] = {}
VALID_BODIES: dict[str, dict[str, Any]] = {}
HEADERS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    CASES.clear()
    STATUSES.clear()
    FAILED.clear()
    yield
    lines = [
        "",
        f"Schemathesis: {len(CASES)} operations, {sum(CASES.values())} cases, "
        f"{len(FAILED)} operations with failures (at most {MAX_EXAMPLES} valid and "
        f"{MAX_NEGATIVE_EXAMPLES} invalid generated requests each)",
        *(
            f"  {count:4d}  {label:<80} {' '.join(f'{k}:{v}' for k, v in sorted(STATUSES[label].items()))}"
            f"{'  FAILED' if label in FAILED else ''}"
            for label, count in sorted(CASES.items())
        ),
    ]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print("\n".join(lines))
        return
    with capture.global_and_fixture_disabled():
        for line in lines:
            reporter.write_line(line)


@pytest.fixture
def seeded(ticket_eu, store_eu, agent_eu, manager) -> dict[str, list[int]]:
    """A little of everything, so generated requests also reach real rows (writes included):
    the ids per collection of the API's paths."""
    order = OrderFactory(store=store_eu)
    line = OrderLineFactory(order=order)
    shipment = ShipmentFactory(order=order)
    return_request = ReturnRequestFactory(store=store_eu, order=order)
    ReturnLineFactory(return_request=return_request, order_line=line)
    subscription = WebhookSubscription.objects.create(
        name="ERP", url="http://127.0.0.1:9/hooks", event_types=["ticket.created"]
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_id="0b6f4a52-7c0e-4f3e-9d59-1d9a3c1c2b10",
        event_type="ticket.created",
        payload={"type": "ticket.created"},
        status=WebhookDelivery.Status.FAILED,
    )
    rows = {
        "tickets": [ticket_eu],
        "messages": [MessageFactory(ticket=ticket_eu)],
        "customers": [ticket_eu.customer, order.customer],
        "orders": [order],
        "shipments": [shipment],
        "events": [TrackingEventFactory(shipment=shipment)],
        "returns": [return_request],
        "refunds": [RefundFactory(order=order)],
        "templates": [ReplyTemplateVariantFactory(template=ReplyTemplateFactory(store=store_eu)).template],
        "tags": [TagFactory()],
        "seasonal-rule-sets": [SeasonalRuleSetFactory()],
        "survey-results": [SurveyResponseFactory()],
        "webhook-subscriptions": [subscription],
        "deliveries": [delivery],
    }
    return {collection: [row.pk for row in found] for collection, found in rows.items()}


@pytest.fixture
def api_schema(live_server, seeded, manager, settings) -> Any:
    settings.API_THROTTLE_RATE = ""  # the run makes hundreds of requests a minute on one token
    settings.OUTBOUND_WEBHOOK_TIMEOUT_SECONDS = 1  # subscriptions it creates point anywhere
    token = api_token_create(user=manager, name="schemathesis", scopes=API_SCOPES)
    HEADERS.clear()
    HEADERS["Authorization"] = f"Bearer {token.secret}"
    KNOWN_IDS.clear()
    KNOWN_IDS.update(seeded)
    now = timezone.now()
    calendar = {
        "name": "Black Friday",
        "kind": "black_friday",
        "markets": ["US"],
        "timezone": "America/New_York",
        "prepare_from": (now - dt.timedelta(days=3)).isoformat(),
        "peak_from": (now - dt.timedelta(days=1)).isoformat(),
        "peak_until": (now + dt.timedelta(days=2)).isoformat(),
        "review_until": (now + dt.timedelta(days=9)).isoformat(),
        "overrides": {"during": {"sla_factor": 1.5}},
    }
    template = {"name": "Thanks", "variants": [{"language": "en", "body": "Thank you, {name}!"}]}
    VALID_BODIES.clear()
    VALID_BODIES.update(
        {
            "POST /api/v1/seasonal-rule-sets/": {**calendar, "slug": "bf-schemathesis"},
            "PUT /api/v1/seasonal-rule-sets/{id}/": calendar,
            "POST /api/v1/templates/": {**template, "slug": "thanks-schemathesis"},
            "PUT /api/v1/templates/{id}/": template,
            "POST /api/v1/tickets/{ticket_id}/messages/": {"body": "Checked the parcel.", "internal": True},
            "POST /api/v1/tickets/{id}/reply/": {"body": "Your parcel is on its way."},
        }
    )
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json", headers=HEADERS)


def known_ids(operation: Any) -> st.SearchStrategy[dict[str, int]] | None:
    """Ids of seeded rows for the path's parameters, each of its collection
    (``tickets/{ticket_id}/messages/{id}``: a ticket's and a message's); None if there are none."""
    segments = operation.path.strip("/").split("/")
    known = {}
    for parameter in operation.path_parameters:
        placeholder = "{" + parameter.name + "}"
        if placeholder not in segments or segments.index(placeholder) == 0:
            return None
        collection = segments[segments.index(placeholder) - 1]
        if not KNOWN_IDS.get(collection):
            return None
        known[parameter.name] = st.sampled_from(KNOWN_IDS[collection])
    return st.fixed_dictionaries(known) if known else None


def cases_of(operation: Any, mode: GenerationMode) -> st.SearchStrategy[Any]:
    """Generated requests; where the path has ids, some use ids of seeded rows, and where a
    write needs a body random data rarely gets right, some send a valid one: the success paths
    are checked too, not only the 404s of ids nobody has and the 400s of nonsense."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    ids = known_ids(operation)
    if ids is not None:
        strategies.append(
            ids.flatmap(lambda found: operation.as_strategy(generation_mode=mode, path_parameters=found))
        )
    body = VALID_BODIES.get(operation.label)
    if body is not None and mode is GenerationMode.POSITIVE:
        strategies.append(
            (ids if ids is not None else st.just({})).flatmap(
                lambda found: operation.as_strategy(path_parameters=found or None, body=body)
            )
        )
    return st.one_of(*strategies)


def run_operation(operation: Any, mode: GenerationMode, examples: int) -> None:
    label = operation.label

    @hypothesis.given(case=cases_of(operation, mode))
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        CASES[label] += 1
        response = case.call_and_validate(headers=HEADERS, checks=CHECKS, timeout=30)
        STATUSES[label][str(response.status_code)] += 1

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # every operation runs; failures are listed at the end
        FAILED[f"{label} ({mode.value})"] = f"{type(error).__name__}: {str(error).strip()[:1500]}"


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40, "the schema lost operations"

    # Deleting last: the other operations still find the seeded subscription.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")
    for operation in operations:
        run_operation(operation, GenerationMode.POSITIVE, MAX_EXAMPLES)
        if MAX_NEGATIVE_EXAMPLES:
            run_operation(operation, GenerationMode.NEGATIVE, MAX_NEGATIVE_EXAMPLES)

    assert set(CASES) == {operation.label for operation in operations}
    # The token works and the seeded rows are found: every list answered 200 at least once.
    lists = [op.label for op in operations if op.method.upper() == "GET" and "{" not in op.path]
    assert all(STATUSES[label]["200"] for label in lists), {label: STATUSES[label] for label in lists}
    assert not FAILED, "\n\n".join(f"{label}\n{failure}" for label, failure in sorted(FAILED.items()))
