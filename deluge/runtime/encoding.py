"""Encoding and hashing: encodeUrl/urlEncode, urlDecode, base64, hex, and the
``zoho.encryption.*`` tasks (registered as functions under their full dotted lowercase name;
https://www.zoho.com/deluge/help/encryption-tasks/*)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import urllib.parse
from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.registry import Impl, function, method
from deluge.runtime.values import DelugeValue, check_text

if TYPE_CHECKING:
    from deluge.support import Context

G = "encoding"
E = "encryption"


def _text(name: str, value: DelugeValue) -> str:
    if value is None:
        return ""
    return args.text_like(value)


def url_encode(ctx: Context, value: DelugeValue) -> str:
    # Java's URLEncoder (UTF-8): space becomes "+", and only A-Za-z0-9.-*_ stay as they are.
    return check_text(ctx, urllib.parse.quote_plus(_text("urlEncode", value), safe="*"))


def url_decode(ctx: Context, value: DelugeValue) -> str:
    return urllib.parse.unquote_plus(_text("urlDecode", value), errors="replace")


def b64_encode(ctx: Context, value: DelugeValue) -> str:
    return check_text(ctx, base64.b64encode(_text("base64Encode", value).encode()).decode())


def b64_decode(ctx: Context, value: DelugeValue) -> str:
    raw = _text("base64Decode", value).strip()
    try:
        data = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=False)
    except (binascii.Error, ValueError) as exc:
        raise DelugeRuntimeError("Invalid Base64 text") from exc
    return data.decode("utf-8", errors="replace")


for _name, _impl in (
    ("encodeUrl", url_encode),
    ("urlEncode", url_encode),
    ("urlDecode", url_decode),
    ("base64Encode", b64_encode),
    ("base64Decode", b64_decode),
):
    method(_name, "string", "long", "decimal", group=G)(_impl)
    function(_name, min_args=1, group=G)(_impl)

function("zoho.encryption.urlEncode", min_args=1, group=E)(url_encode)
function("zoho.encryption.urlDecode", min_args=1, group=E)(url_decode)
function("zoho.encryption.base64Encode", min_args=1, group=E)(b64_encode)
function("zoho.encryption.base64Decode", min_args=1, group=E)(b64_decode)


@method("toHex", "string", group=G)
def text_to_hex(ctx: Context, s: DelugeValue) -> DelugeValue:
    return check_text(ctx, s.encode().hex())


@method("hexToText", "string", group=G)
def hex_to_text(ctx: Context, s: DelugeValue) -> DelugeValue:
    try:
        return bytes.fromhex(s.strip()).decode("utf-8", errors="replace")
    except ValueError as exc:
        raise DelugeRuntimeError("Invalid hexadecimal text") from exc


def _digest(name: str, algorithm: str) -> Impl:
    def impl(ctx: Context, value: DelugeValue, output: DelugeValue = None) -> DelugeValue:
        data = hashlib.new(algorithm, _text(name, value).encode()).digest()
        return _output(name, data, output)

    return impl


def _output(name: str, data: bytes, output: DelugeValue) -> str:
    kind = "hex" if output is None else args.text(name, 2, output).lower()
    if kind == "hex":
        return data.hex()
    if kind == "base64":
        return base64.b64encode(data).decode()
    raise DelugeRuntimeError(f'Output format of \'{name}\' must be "hex" or "base64"')


for _algo in ("md5", "sha1", "sha256", "sha512"):
    _fname = f"zoho.encryption.{_algo}"
    function(_fname, min_args=1, max_args=2, group=E)(_digest(_fname, _algo))


def _hmac(name: str, algorithm: str) -> Impl:
    def impl(
        ctx: Context, key: DelugeValue, message: DelugeValue, output: DelugeValue = None
    ) -> DelugeValue:
        mac = hmac.new(_text(name, key).encode(), _text(name, message).encode(), algorithm)
        return _output(name, mac.digest(), output)

    return impl


for _algo in ("md5", "sha1", "sha256", "sha512"):
    _fname = f"zoho.encryption.hmac{_algo}"
    function(_fname, min_args=2, max_args=3, group=E)(_hmac(_fname, _algo))
