from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD


def test_sign_in_with_email_and_password(owner, client):
    response = client.post(
        reverse("account_login"), {"login": owner.email, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == owner
    assert response.redirect_chain[-1][0] == reverse("console:topping_list")


def test_wrong_password_is_refused(owner, client):
    response = client.post(reverse("account_login"), {"login": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_failed_logins_are_rate_limited(owner, client):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": owner.email, "password": "wrong"})
    # Even the right password is refused once the limit for this account is reached.
    response = client.post(url, {"login": owner.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_in_page_uses_console_layout(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "Topping Console" in body
    assert "console/console.css" in body


@override_settings(CONSOLE_ALLOW_SIGNUP=False)
def test_sign_up_closed_by_default(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-pass-123",
            "password2": "a-long-pass-123",
        },
    )
    assert "Sign Up Closed" in response.content.decode()
    from console.models import User

    assert not User.objects.filter(email="new@example.com").exists()


@override_settings(CONSOLE_ALLOW_SIGNUP=True)
def test_sign_up_when_operator_opens_it(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-pass-123",
            "password2": "a-long-pass-123",
        },
    )
    assert response.status_code == 302
    from console.models import User

    assert User.objects.filter(email="new@example.com").exists()


def test_sign_out_requires_post(owner, client_for):
    client = client_for(owner)
    client.post(reverse("account_logout"))
    assert client.get(reverse("console:topping_list")).status_code == 302
