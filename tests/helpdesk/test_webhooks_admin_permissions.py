"""Who may do what with webhooks in admin: an agent may look at the logs, a manager acts on them."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Permission

from helpdesk.commerce.models import CommerceWebhookDelivery
from helpdesk.outbound.models import WebhookDelivery, WebhookSubscription
from tests.conftest import role
from tests.factories import UserFactory

SECRET = "whsec-do-not-show-0123456789abcdef"


@pytest.fixture
def subscription():
    return WebhookSubscription.objects.create(
        name="ERP", url="https://erp.example.com/hooks", secret=SECRET, event_types=["ticket.created"]
    )


@pytest.fixture
def staff_agent():
    agent = UserFactory(username="agent.staff", is_staff=True, groups=[role("Agent")])
    # Looking at the webhook logs (a role rebuilt from today's models has it, as a store's own
    # grant might give it): looking must not reveal secrets or offer actions.
    agent.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="helpdesk",
            codename__in=["view_webhooksubscription", "view_webhookdelivery", "view_commercewebhookdelivery"],
        )
    )
    return agent


@pytest.mark.django_db
def test_an_agent_who_may_look_at_a_subscription_does_not_see_its_signing_secret(
    client, staff_agent, manager, subscription
):
    page = f"/admin/helpdesk/webhooksubscription/{subscription.pk}/change/"
    client.force_login(staff_agent)
    as_agent = client.get(page)
    client.force_login(manager)
    as_manager = client.get(page)

    assert as_agent.status_code == 200
    assert "erp.example.com" in as_agent.content.decode()
    assert SECRET not in as_agent.content.decode()
    assert SECRET in as_manager.content.decode()


@pytest.mark.django_db
def test_only_a_manager_is_offered_to_apply_a_shops_webhook_again_or_to_redeliver_one(
    client, staff_agent, manager, subscription, store_eu
):
    # Admin shows no actions over an empty list: one failed delivery of each kind.
    CommerceWebhookDelivery.objects.create(
        store=store_eu, platform="shopify", topic="orders/updated", body_sha256="0" * 64, status="failed"
    )
    WebhookDelivery.objects.create(
        subscription=subscription, event_id=uuid.uuid4(), event_type="ticket.created", status="failed"
    )
    lists = ("/admin/helpdesk/commercewebhookdelivery/", "/admin/helpdesk/webhookdelivery/")
    client.force_login(staff_agent)
    agent_pages = [client.get(path) for path in lists]
    client.force_login(manager)
    manager_pages = [client.get(path) for path in lists]

    assert [page.status_code for page in agent_pages + manager_pages] == [200] * 4
    for action, agent_page, manager_page in zip(
        ("apply_again", "redeliver"), agent_pages, manager_pages, strict=True
    ):
        assert f'value="{action}"' not in agent_page.content.decode()
        assert f'value="{action}"' in manager_page.content.decode()
