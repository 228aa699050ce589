"""Signing in and out of the workspace, the lockout after repeated failures,
and changing or resetting a password."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from relint.core.testing import PASSWORD

NEW_PASSWORD = "a-new-and-longer-passphrase-42"


def url(name: str, language: str = "it", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(url("account:login"), {"username": username, "password": password}, **extra)


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


# --- Signing in ---------------------------------------------------------------------
def test_it_shows_the_sign_in_page(client, db):
    response = client.get(url("account:login"))
    assert response.status_code == 200
    assert "registration/login.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert 'for="id_username"' in content
    assert 'for="id_password"' in content
    assert url("account:password_reset") in content


def test_it_signs_in_and_rotates_the_session_key(client, personas):
    session = client.session
    session["probe"] = "before sign-in"
    session.save()
    key_before = session.session_key

    response = sign_in(client, "editor_a")

    assert response.status_code == 302
    assert response["Location"] == url("workspace:dashboard")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != key_before
    assert signed_in_user_id(client) == str(personas.editor_a.pk)


def test_it_follows_a_local_next_but_not_a_foreign_one(client, personas):
    next_url = url("account:password_change")
    response = client.post(url("account:login"), {"username": "editor_a", "password": PASSWORD, "next": next_url})
    assert response["Location"] == next_url

    client.post(url("account:logout"))
    response = client.post(
        url("account:login"), {"username": "editor_a", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == url("workspace:dashboard")


def test_it_shows_an_error_for_a_bad_password(client, personas):
    response = sign_in(client, "editor_a", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'role="alert"' in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_sends_a_signed_in_visitor_of_the_sign_in_page_to_the_dashboard(client, personas):
    client.force_login(personas.editor_a)
    response = client.get(url("account:login"))
    assert response.status_code == 302
    assert response["Location"] == url("workspace:dashboard")


# --- Lockout (django-axes: by username and address, with a cool-off) ----------------------------
def test_it_locks_out_a_username_from_one_address_only(client, personas):
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        response = sign_in(client, "editor_a", "wrong", REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200

    response = sign_in(client, "editor_a", "wrong", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert '<html lang="it">' in response.content.decode()

    # Even the right password is refused from that address...
    response = sign_in(client, "editor_a", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert signed_in_user_id(client) is None

    # ...but another user from the same address is not affected...
    response = sign_in(client, "editor_b", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    client.post(url("account:logout"))

    # ...nor the same user from another address.
    response = sign_in(client, "editor_a", REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(personas.editor_a.pk)


def test_it_explains_the_lockout_in_the_pages_language(client, personas):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            url("account:login", "en"), {"username": "editor_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.3"
        )
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Sign-in temporarily suspended" in content
    assert "editor_a" in content
    cool_off_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Try again in {cool_off_minutes} minutes" in content


# --- Signing out -----------------------------------------------------------------------------
def test_it_signs_out_by_post_only(client, personas):
    client.force_login(personas.editor_a)

    response = client.get(url("account:logout"))
    assert response.status_code == 405
    assert signed_in_user_id(client) == str(personas.editor_a.pk)

    response = client.post(url("account:logout"))
    assert response.status_code == 302
    assert response["Location"] == url("account:login")
    assert signed_in_user_id(client) is None


def test_it_requires_sign_in_for_the_dashboard(client, db):
    response = client.get(url("workspace:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{url('account:login')}?next={url('workspace:dashboard')}"


# --- Changing a password -------------------------------------------------------------------------
def test_it_changes_the_password(client, personas):
    client.force_login(personas.editor_a)
    assert client.get(url("account:password_change")).status_code == 200

    response = client.post(
        url("account:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == url("account:password_change_done")
    personas.editor_a.refresh_from_db()
    assert personas.editor_a.check_password(NEW_PASSWORD)
    # Django keeps the session that changed the password.
    assert signed_in_user_id(client) == str(personas.editor_a.pk)


def test_it_refuses_a_password_change_with_a_wrong_current_password(client, personas):
    client.force_login(personas.editor_a)
    response = client.post(
        url("account:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    personas.editor_a.refresh_from_db()
    assert personas.editor_a.check_password(PASSWORD)


def test_it_requires_sign_in_to_change_a_password(client, db):
    response = client.get(url("account:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("account:login"))


# --- Resetting a forgotten password ----------------------------------------------------------------
def test_it_sends_a_password_reset_link_that_works(client, personas):
    response = client.post(url("account:password_reset", "en"), {"email": personas.editor_a.email})
    assert response.status_code == 302
    assert response["Location"] == url("account:password_reset_done", "en")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [personas.editor_a.email]
    assert "editor_a" in message.body
    link = re.search(r"https?://testserver(/\S+)", message.body).group(1)
    assert link.startswith("/en/account/password/reset/")

    # Django swaps the token for a session marker before showing the form.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.context["validlink"]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == url("account:password_reset_complete", "en")

    assert sign_in(client, "editor_a", NEW_PASSWORD).status_code == 302
    # The link works once.
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False


def test_it_does_not_reveal_whether_an_address_has_an_account(client, personas):
    response = client.post(url("account:password_reset"), {"email": "nobody@comune.example"})
    assert response.status_code == 302
    assert response["Location"] == url("account:password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["account:password_reset_done", "account:password_reset_complete"])
def test_it_renders_the_password_reset_pages(client, db, name):
    assert client.get(url(name)).status_code == 200
