import pytest

from helpdesk.celery import app as celery_app
from helpdesk.health import record_worker_heartbeat


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_every_part_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"]["ok"] is True
    assert report["channel_layer"]["ok"] is True
    assert report["broker"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_and_names_the_broker_when_it_is_unreachable(client, monkeypatch):
    # Port 9 (discard) has no Redis listening: a real refused connection.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "unavailable"
    assert report["broker"]["ok"] is False
    assert report["broker"]["error"]
    assert report["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_healthz_shows_when_a_worker_last_ran_the_heartbeat(client):
    assert client.get("/healthz").json()["worker"]["ok"] is False

    record_worker_heartbeat()

    worker = client.get("/healthz").json()["worker"]
    assert worker["ok"] is True
    assert worker["age_seconds"] < 5
