"""The named cast every test can use: two stores, their teams, and one user per role."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import _state as celery_state
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from customers.models import Platform
from helpdesk.nlp import artefacts, loading, training
from tests.factories import (
    AgentProfileFactory,
    CustomerFactory,
    StoreFactory,
    SurveyFactory,
    TeamFactory,
    TicketFactory,
    UserFactory,
)
from tickets.models import Survey, Ticket


def role(name: str) -> Group:
    """A role group from the data migration; transactional tests flush it away, so rebuild it."""
    if not Group.objects.filter(name=name).exists():
        create_roles = importlib.import_module("helpdesk.migrations.0002_create_roles").create_roles
        create_roles(apps, None)
        # Apps that came after the roles grant their own permissions in their migrations.
        for module in (
            "analytics.migrations.0001_ticket_day_rollup",
            "analytics.migrations.0004_managers_view_rollups",
            "analytics.migrations.0005_commerce_rollups",
            "analytics.migrations.0006_lane_rollups",
            "analytics.migrations.0007_order_ticket_and_return_line_days",
            "analytics.migrations.0008_anomaly_and_segment_days",
        ):
            importlib.import_module(module).grant(apps, None)
    return Group.objects.get(name=name)


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """LocaleMiddleware activates the request's language and never deactivates it, so a test
    client's German or Chinese request would leave that language active for the rest of the
    test and for every later test in the process: texts that services write would then depend
    on which tests ran before."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _each_test_may_wait_for_an_eager_result():
    """An eager task raises Celery's process-wide "a join would block" flag while it runs and
    puts back what it saw on entry. Two threads running eager tasks at once (concurrent
    deliveries, the live server) can put back the other's raised flag, and every later
    `.delay().get()` in the process then fails with "Never call result.get() within a task"."""
    yield
    celery_state._set_task_join_will_block(False)


@pytest.fixture
def store_eu(db):
    return StoreFactory(
        name="Lumen Home DE",
        platform=Platform.AMAZON,
        external_id="A1PA6795UKMFR9",
        marketplace="DE",
        currency="EUR",
        default_language="de",
        timezone="Europe/Berlin",
    )


@pytest.fixture
def store_us(db):
    return StoreFactory(
        name="Lumen Home US",
        platform=Platform.SHOPIFY,
        external_id="lumen-home-us.myshopify.com",
        marketplace="US",
        currency="USD",
        default_language="en",
        timezone="America/New_York",
    )


@pytest.fixture
def team_eu(store_eu):
    return TeamFactory(name="EU support", slug="eu-support", languages=["de", "fr", "en"], stores=[store_eu])


@pytest.fixture
def team_us(store_us):
    return TeamFactory(name="US support", slug="us-support", languages=["en", "es"], stores=[store_us])


@pytest.fixture
def agent_eu(team_eu):
    user = UserFactory(username="mei.eu", groups=[role("Agent")])
    AgentProfileFactory(user=user, teams=[team_eu])
    return user


@pytest.fixture
def agent_us(team_us):
    user = UserFactory(username="jun.us", groups=[role("Agent")])
    AgentProfileFactory(user=user, teams=[team_us])
    return user


@pytest.fixture
def lead_eu(team_eu):
    user = UserFactory(username="hua.lead", groups=[role("Team lead")])
    team_eu.lead = user
    team_eu.save(update_fields=["lead"])
    return user


@pytest.fixture
def manager(db):
    return UserFactory(username="ling.manager", is_staff=True, groups=[role("Manager")])


@pytest.fixture
def ticket_eu(store_eu, team_eu):
    return TicketFactory(store=store_eu, team=team_eu, subject="Lampe kaputt angekommen")


@pytest.fixture
def ticket_us(store_us, team_us):
    return TicketFactory(store=store_us, team=team_us, subject="Package never arrived")


@pytest.fixture
def survey(store_eu, team_eu, agent_eu):
    """A German customer's survey, sent after their ticket was solved a week ago."""
    customer = CustomerFactory(display_name="Jonas Weber", email="jonas.weber@example.de")
    ticket = TicketFactory(
        store=store_eu,
        team=team_eu,
        customer=customer,
        assignee=agent_eu,
        status=Ticket.Status.SOLVED,
        created_at=timezone.now() - dt.timedelta(days=9),
        solved_at=timezone.now() - dt.timedelta(days=7),
        language="de",
    )
    return SurveyFactory(ticket=ticket, status=Survey.Status.SENT, sent_at=timezone.now())


# Tests that run the app in another process (daphne, a Celery worker) ---------------------------


def pytest_collection_finish(session: pytest.Session) -> None:
    """A second process cannot open the in-memory SQLite test database: when a selected test
    shares the test database with one (``process_database_url``), it is a file for this run."""
    if not any("process_database_url" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})  # the very dict the connection reads: change it in place
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        test["NAME"] = str(Path(settings.VAR_DIR) / f"test-db-{os.getpid()}.sqlite3")


@pytest.fixture
def process_database_url(transactional_db) -> str:
    """The test database as a ``DATABASE_URL`` another process can open (committed data only)."""
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            pytest.skip("the SQLite test database is in memory, which another process cannot open")
        return f"sqlite:///{Path(config['NAME']).resolve()}"
    if connection.vendor != "postgresql":
        pytest.skip(f"no URL for a {connection.vendor} test database")
    credentials = quote(config["USER"] or "", safe="")
    if config["PASSWORD"]:
        credentials += ":" + quote(config["PASSWORD"], safe="")
    host = config["HOST"] or "localhost"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{config['NAME']}"


# Triage models: trained once per test session into a temporary directory ------------------------

# A smaller budget than `manage.py nlp_train` (5 epochs): the tests check behaviour, the
# figures are measured by `nlp_evaluate`.
TEST_INTENT_CONFIG = replace(training.INTENT_CONFIG, epochs=3)
TEST_TIME_BUDGET = 40.0


@pytest.fixture(scope="session")
def trained_nlp_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("nlp-models")
    result = training.train_intent(root=root, config=TEST_INTENT_CONFIG, time_budget=TEST_TIME_BUDGET)
    assert result.artefact is not None
    # Sentiment and anger: the models bundled in the repository (their training data is not).
    assert artefacts.copy_bundled("sentiment", root) is not None
    assert artefacts.copy_bundled("anger", root) is not None
    return root


@pytest.fixture
def nlp_models(trained_nlp_models, settings):
    """Point NLP_MODELS_DIR at the session's models (loaded once per process, reused by every test).

    A test that points NLP_MODELS_DIR elsewhere uses ``other_nlp_models_dir`` so that the
    process's loaded models are forgotten before and after it.
    """
    settings.NLP_MODELS_DIR = trained_nlp_models
    return trained_nlp_models


@pytest.fixture
def other_nlp_models_dir(tmp_path, settings):
    settings.NLP_MODELS_DIR = tmp_path / "models"
    loading.reset()
    yield tmp_path / "models"
    loading.reset()
