import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_ask_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("tickets:inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_an_agent_logs_in_and_lands_in_the_inbox(client, agent_eu):
    agent_eu.set_password("correct horse battery")
    agent_eu.save()

    response = client.post(
        reverse("login"), {"username": agent_eu.username, "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:inbox")
    assert client.get(reverse("tickets:inbox")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_the_form_shown_again(client, agent_eu):
    response = client.post(reverse("login"), {"username": agent_eu.username, "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_ends_the_session(client, agent_eu):
    client.force_login(agent_eu)

    client.post(reverse("logout"))

    assert client.get(reverse("tickets:inbox")).status_code == 302


@pytest.mark.django_db
def test_an_agent_changes_their_password(client, agent_eu):
    agent_eu.set_password("old password 123")
    agent_eu.save()
    client.force_login(agent_eu)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old password 123",
            "new_password1": "a much better passphrase 2026",
            "new_password2": "a much better passphrase 2026",
        },
    )

    assert response.status_code == 302
    agent_eu.refresh_from_db()
    assert agent_eu.check_password("a much better passphrase 2026")


@pytest.mark.django_db
def test_the_language_switcher_shows_the_interface_in_chinese(client, agent_eu):
    client.force_login(agent_eu)

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("tickets:inbox")})

    assert "收件箱" in client.get(reverse("tickets:inbox")).content.decode()
