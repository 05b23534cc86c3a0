"""Polling 17TRACK for parcels without webhooks, against a local server speaking its API:
batches of 40, rate limits honoured, outages retried, a refused key said plainly, and each
scan stored once however often it is polled."""

from __future__ import annotations

import pytest

from logistics.models import Carrier, Shipment, TrackingEvent, TrackingProviderAccount, TrackingStatus
from logistics.services.polling import shipments_poll
from logistics.tasks import tracking_poll_due
from logistics.tracking_clients import TrackingQuery
from logistics.tracking_clients.base import TrackingAuthError, TrackingRateLimited, TrackingUnavailable
from logistics.tracking_clients.seventeen_track import SeventeenTrackClient
from tests.factories import ShipmentFactory, StoreFactory
from tests.logistics.fake_seventeen_track import Canned, FakeSeventeenTrack, serve, track_item

pytestmark = pytest.mark.django_db


def events_for(number: str) -> list[dict]:
    return [
        {
            "time_iso": "2024-05-02T07:45:00+02:00",
            "description": "Colis en attente de dédouanement",
            "location": "Roissy",
            "stage": None,
            "sub_status": "InTransit_Other",
            "address": {"country": "FR", "city": "Roissy"},
        },
        {
            "time_iso": "2024-04-28T21:10:00+08:00",
            "description": "已收寄",
            "location": "广州",
            "stage": "PickedUp",
            "sub_status": "InTransit_PickedUp",
            "address": {"country": "CN", "city": "Guangzhou"},
        },
    ]


@pytest.fixture
def api():
    api = FakeSeventeenTrack()
    server, url = serve(api)
    api.url = url
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture
def account(api):
    return TrackingProviderAccount.objects.create(
        provider="17track", store=StoreFactory(), secret=api.api_key, poll=True, api_url=api.url
    )


def polled_parcels(account, count: int) -> list[Shipment]:
    carrier = Carrier.objects.get(code="china-post")
    return [
        ShipmentFactory(
            store=account.store,
            carrier=carrier,
            tracking_number=f"RR{100000000 + n:09d}CN",
            provider="carrier",
            status=TrackingStatus.PENDING,
            last_event_at=None,
        )
        for n in range(count)
    ]


def client_for(api, waits: list[float] | None = None, **options) -> SeventeenTrackClient:
    waits = [] if waits is None else waits
    return SeventeenTrackClient(api_key=api.api_key, base_url=api.url, sleep=waits.append, **options)


def test_45_parcels_are_polled_in_two_calls_and_a_second_poll_stores_nothing_new(api, account):
    parcels = polled_parcels(account, 45)
    api.registered.update(p.tracking_number for p in parcels)
    api.tracks.update(
        {p.tracking_number: track_item(p.tracking_number, events_for(p.tracking_number)) for p in parcels}
    )
    ids = [p.pk for p in parcels]

    first = shipments_poll(account=account, shipment_ids=ids, client=client_for(api))
    second = shipments_poll(account=account, shipment_ids=ids, client=client_for(api))

    assert [len(call) for call in api.gettrackinfo_calls()] == [40, 5, 40, 5]
    assert api.gettrackinfo_calls()[0][0] == {"number": parcels[0].tracking_number, "carrier": 3011}
    assert (first.parcels, first.stored, len(first.changed)) == (45, 90, 45)
    assert (second.stored, second.duplicates, second.changed) == (0, 90, [])
    assert TrackingEvent.objects.count() == 90
    parcel = Shipment.objects.get(pk=parcels[0].pk)
    assert (parcel.status, parcel.sub_status) == (TrackingStatus.CUSTOMS_HOLD, "customs_processing")
    assert parcel.provider == "carrier"  # still polled


def test_numbers_17track_does_not_track_yet_are_registered_and_answer_next_time(api, account):
    [parcel] = polled_parcels(account, 1)
    api.tracks[parcel.tracking_number] = track_item(
        parcel.tracking_number, events_for(parcel.tracking_number)
    )
    client = client_for(api)

    assert shipments_poll(account=account, shipment_ids=[parcel.pk], client=client).stored == 0
    assert client.registered == [parcel.tracking_number]
    assert shipments_poll(account=account, shipment_ids=[parcel.pk], client=client).stored == 2


def test_a_429_is_waited_out_for_its_retry_after_and_the_call_repeated(api):
    api.registered.add("RR100000000CN")
    api.tracks["RR100000000CN"] = track_item("RR100000000CN", events_for("RR100000000CN"))
    api.canned.append(Canned(429, {"code": 429}, {"Retry-After": "2"}))
    waits: list[float] = []

    events = client_for(api, waits).fetch([TrackingQuery("RR100000000CN", 3011)])

    assert len(events) == 2
    assert 2.0 in waits
    assert len(api.gettrackinfo_calls()) == 2


def test_a_retry_after_longer_than_a_worker_should_wait_is_raised_with_the_time(api):
    api.canned.append(Canned(429, {"code": 429}, {"Retry-After": "600"}))

    with pytest.raises(TrackingRateLimited) as raised:
        client_for(api).fetch([TrackingQuery("RR100000000CN")])

    assert raised.value.retry_after == 600
    assert raised.value.retryable


def test_server_errors_are_retried_with_growing_pauses_then_raised_clearly(api):
    api.registered.add("RR100000000CN")
    api.tracks["RR100000000CN"] = track_item("RR100000000CN", events_for("RR100000000CN"))
    api.canned.extend([Canned(503, "upstream down"), Canned(502, "bad gateway")])
    waits: list[float] = []

    assert len(client_for(api, waits).fetch([TrackingQuery("RR100000000CN")])) == 2
    assert [w for w in waits if w >= 0.5] == [0.5, 1.0]

    api.canned.extend([Canned(500, "boom")] * 4)
    with pytest.raises(TrackingUnavailable, match="failed with HTTP 500 4 times"):
        client_for(api).fetch([TrackingQuery("RR100000000CN")])


def test_a_refused_key_is_a_clear_error_and_nothing_is_stored(api, account):
    parcels = polled_parcels(account, 2)
    wrong = SeventeenTrackClient(api_key="not-the-key", base_url=api.url, sleep=lambda s: None)

    with pytest.raises(
        TrackingAuthError, match=r"refused the key \(HTTP 401\).*Check the tracking account's key"
    ):
        shipments_poll(account=account, shipment_ids=[p.pk for p in parcels], client=wrong)

    assert TrackingEvent.objects.count() == 0
    assert len(api.gettrackinfo_calls()) == 1  # not retried


def test_the_beat_task_polls_each_polling_store_and_a_refused_key_is_reported_not_retried(api, account):
    parcels = polled_parcels(account, 3)
    delivered = ShipmentFactory(store=account.store, provider="carrier", status=TrackingStatus.DELIVERED)
    pushed = ShipmentFactory(store=account.store, provider="17track", status=TrackingStatus.IN_TRANSIT)
    api.registered.update(p.tracking_number for p in parcels)
    api.tracks.update(
        {p.tracking_number: track_item(p.tracking_number, events_for(p.tracking_number)) for p in parcels}
    )

    assert tracking_poll_due.delay().get() == 1  # one batch queued (eager in tests)

    polled = {number for call in api.gettrackinfo_calls() for number in (item["number"] for item in call)}
    assert polled == {p.tracking_number for p in parcels}  # not the delivered one, not the pushed one
    assert delivered.tracking_number not in polled
    assert pushed.tracking_number not in polled
    assert TrackingEvent.objects.count() == 6

    account.secret = "revoked"
    account.save()
    from logistics.tasks import tracking_poll_batch

    outcome = tracking_poll_batch.delay(account.pk, [parcels[0].pk]).get()
    assert "refused the key" in outcome["error"]
