from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deluge import DelugeRuntimeError, DelugeSyntaxError, Limits, StandaloneHost, compile_script
from deluge.parser import parse
from deluge.printer import to_source

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.dg"))
VALID = []
for _p in SCRIPTS:
    try:
        parse(_p.read_text())
        VALID.append(_p.read_text())
    except DelugeSyntaxError:
        pass

FAST = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
TOKENS = [
    "x",
    "y",
    "=",
    "==",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ",",
    ":",
    ".",
    "if",
    "else",
    "for each",
    "in",
    "while",
    "info",
    "return",
    "try",
    "catch",
    "1",
    "2.5",
    '"s"',
    "'01-Jan-2024'",
    "true",
    "null",
    "&&",
    "||",
    "!",
    "invokeurl",
    "get",
    "Map()",
    "\n",
    " ",
    "//c\n",
    "/*c*/",
]


def run_safely(src: str) -> None:
    try:
        script = compile_script(src)
    except DelugeSyntaxError:
        return
    result = script.run(host=StandaloneHost(), limits=Limits(max_statements=500, max_seconds=2))
    assert result.error is None or isinstance(result.error, DelugeSyntaxError | DelugeRuntimeError)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_token_soup_raises_only_deluge_errors(tokens):
    run_safely(" ".join(tokens))


@FAST
@given(
    st.sampled_from(VALID),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=5),
    st.text(alphabet="(){}[];,\"'=+-*/!&|.: \nax1", max_size=3),
)
def test_mutated_scripts_raise_only_deluge_errors(src, where, cut, insert):
    where %= len(src) + 1
    run_safely(src[:where] + insert + src[where + cut :])


@FAST
@given(st.sampled_from(VALID))
def test_printing_the_tree_and_parsing_again_gives_the_same_tree(src):
    tree = parse(src)
    printed = to_source(tree)
    assert parse(printed) == tree


EXPRS = st.recursive(
    st.one_of(
        st.integers(min_value=0, max_value=10**6).map(str),
        st.sampled_from(['"a"', "x", "true", "null", "2.5", "'01-Jan-2024'"]),
    ),
    lambda inner: st.one_of(
        st.tuples(
            inner, st.sampled_from(["+", "-", "*", "/", "%", "==", "<", "&&", "||"]), inner
        ).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"!{e}"),
        st.lists(inner, max_size=3).map(lambda xs: "{" + ", ".join(xs) + "}"),
        inner.map(lambda e: f"{e}.toString()"),
        st.tuples(inner, inner, inner).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
    ),
    max_leaves=12,
)


@FAST
@given(EXPRS)
def test_random_expressions_round_trip_and_run_safely(e):
    src = f"x = 1;\ny = {e};\ninfo y;"
    tree = parse(src)
    assert parse(to_source(tree)) == tree
    run_safely(src)


@pytest.mark.parametrize(
    "src",
    [
        'c = Collection("a": 1, "b": 2);\nc.insert("k": 3);',
        "sendmail [ to: a attachments: template:T:Orders rec.ID as PDF ]",
        "sendmail [ to: a attachments: view:All_Orders ]",
        "sendmail [ to: a attachments: file:f1, file:f2 ]",
        "info twice(2);\nint twice(int n) { return n * 2; }",
    ],
)
def test_new_constructs_round_trip(src):
    tree = parse(src)
    assert parse(to_source(tree)) == tree
