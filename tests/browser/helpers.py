"""Steps several browser tests take."""

from tests.conftest import PASSWORD


def sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/toppings/")


def copy_and_read(page, key: str) -> str:
    expected = page.input_value(f"#redirect-uri-{key}")
    button = page.locator(f'button[data-copy-input="redirect-uri-{key}"]')
    button.click()
    page.wait_for_function(
        "key => document.querySelector(`button[data-copy-input='redirect-uri-${key}']`)"
        ".textContent === 'Copied'",
        arg=key,
    )
    assert page.evaluate("navigator.clipboard.readText()") == expected
    return expected
