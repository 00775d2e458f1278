"""Encoding and zoho.encryption built-ins."""

import base64
import hashlib
import hmac
import types

import pytest

import deluge.runtime  # noqa: F401  (fills the tables)
from deluge.errors import DelugeLimitError, DelugeRuntimeError
from deluge.limits import Limits
from tests.deluge.builtin_calls import CTX, SMALL, f, m  # noqa: F401


def test_url_encoding():
    assert f("encodeUrl", "a b&c=d/é*") == "a+b%26c%3Dd%2F%C3%A9*"
    assert f("urlEncode", "x y") == "x+y"
    assert m("urlEncode", "x y") == "x+y"
    assert m("encodeUrl", 5) == "5"
    assert f("urlDecode", "a+b%26c") == "a b&c"
    assert m("urlDecode", "%C3%A9") == "é"
    assert f("zoho.encryption.urlEncode", "a b") == "a+b"
    assert f("zoho.encryption.urldecode", "a+b") == "a b"
    assert f("urlEncode", None) == ""


def test_base64():
    assert f("base64Encode", "Zoho Deluge") == "Wm9obyBEZWx1Z2U="
    assert m("base64Encode", "é") == "w6k="
    assert f("base64Decode", "Wm9obyBEZWx1Z2U=") == "Zoho Deluge"
    assert m("base64Decode", "Wm9obw") == "Zoho"
    assert f("zoho.encryption.base64Encode", "a") == "YQ=="
    assert f("zoho.encryption.base64Decode", "YQ==") == "a"
    with pytest.raises(DelugeRuntimeError):
        f("base64Decode", "a")


def test_hex():
    assert m("toHex", "Zoho") == "5a6f686f"
    assert m("hexToText", "5a6f686f") == "Zoho"
    with pytest.raises(DelugeRuntimeError):
        m("hexToText", "zz")


def test_digests_and_hmac():
    data = "message"
    assert f("zoho.encryption.md5", data) == hashlib.md5(b"message").hexdigest()
    assert f("zoho.encryption.sha1", data) == hashlib.sha1(b"message").hexdigest()
    assert f("zoho.encryption.sha256", data) == hashlib.sha256(b"message").hexdigest()
    assert f("zoho.encryption.sha512", data) == hashlib.sha512(b"message").hexdigest()
    raw = hmac.new(b"key", b"message", "sha256").digest()
    assert f("zoho.encryption.hmacsha256", "key", data) == raw.hex()
    assert f("zoho.encryption.hmacsha256", "key", data, "base64") == base64.b64encode(raw).decode()
    assert (
        f("zoho.encryption.hmacsha1", "key", data)
        == hmac.new(b"key", b"message", "sha1").hexdigest()
    )
    assert (
        f("zoho.encryption.hmacmd5", "key", data) == hmac.new(b"key", b"message", "md5").hexdigest()
    )
    assert f("zoho.encryption.hmacsha512", "k", "m") == hmac.new(b"k", b"m", "sha512").hexdigest()
    with pytest.raises(DelugeRuntimeError):
        f("zoho.encryption.sha256", data, "binary")


def test_encoding_limits():
    small = types.SimpleNamespace(limits=Limits(max_string_length=5), host=CTX.host)
    with pytest.raises(DelugeLimitError):
        f("base64Encode", "abcdef", ctx=small)
    with pytest.raises(DelugeLimitError):
        f("urlEncode", "é é", ctx=small)
