"""The compiler's fast paths give what the operator and built-in helpers give.

The generated code inlines Long and String operators, some built-in methods and the
collection-size checks, and skips type tests for Long variables and arguments. Each test
here runs a case down the fast path and next to it a case that must leave it.
"""

import datetime as dt

import pytest

from deluge import DelugeLimitError, DelugeRuntimeError, Limits, StandaloneHost, run
from deluge.bench import engine as bench
from deluge.engine import compile_script
from deluge.infer import LIST, LONG, MAP, long_variables, variable_kinds
from deluge.methods import make_dispatch
from deluge.parser import parse
from deluge.runtime.values import Collection, from_json, to_json
from deluge.support import Context


def value(src, limits=None, **args):
    result = run(src, args, limits=limits)
    assert result.error is None, result.error
    return result.return_value


def error(src, limits=None, **args):
    result = run(src, args, limits=limits)
    assert result.error is not None
    return result.error


# ------------------------------------------------------------------------------ Long math


def test_long_loop_overflows_at_the_multiplication():
    src = "x = 1;\ni = 0;\nwhile (i < 70)\n{\n\tx = x * 2;\n\ti = i + 1;\n}\nreturn x;"
    err = error(src)
    assert isinstance(err, DelugeLimitError) and err.limit == "max_int_bits"
    assert (err.line, err.column) == (5, 8)


def test_failed_long_assignment_leaves_the_variable_unchanged():
    src = "x = 10;\ny = 0;\ntry { x = x / y; } catch (e) { x = x + 1; }\nreturn x;"
    assert value(src) == 11


@pytest.mark.parametrize(
    ("src", "limits"),
    [
        ("x = 1;\ny = x + 32767;", Limits(max_int_bits=16)),
        ("x = -32768;\ny = x - 1;", Limits(max_int_bits=16)),
        ("x = 100000;\ny = x + 1;", Limits(max_int_bits=16)),
        ("x = -100000;\ny = x + 1;", Limits(max_int_bits=16)),
        ("x = 1073741823;\ny = x * 2;", Limits(max_int_bits=31)),
        ("x = 5;\ny = -x;\nz = y - 2147483647;", Limits(max_int_bits=32)),
    ],
)
def test_small_int_limits_are_exact_on_the_fast_path(src, limits):
    err = error(src, limits=limits)
    assert isinstance(err, DelugeLimitError) and err.limit == "max_int_bits"
    assert err.line == src.count("\n") + 1


def test_big_results_that_fit_are_kept():
    assert value("x = 1073741823;\ny = x * x;\nreturn y + y;") == 2 * (2**30 - 1) ** 2
    assert error("x = 4611686018427387904;\nreturn x + x - 1;").limit == "max_int_bits"
    assert value("x = 1;\nreturn x + 9223372036854775806;") == 2**63 - 1


def test_overflow_before_a_remainder_is_still_an_error():
    err = error("a = 1073741823;\nb = a * 8;\nc = b * b % 7;")
    assert err.limit == "max_int_bits" and (err.line, err.column) == (3, 7)
    assert value("a = 1073741823;\nb = a * 8;\nreturn b * 4 % 7;") == (2**30 - 1) * 32 % 7


def test_long_division_and_remainder_follow_java():
    src = "a = -7;\nb = 2;\nreturn {a / b, a % b, 7 % -3, -7 % -3, 7 / -2, a * b, a - b};"
    assert value(src) == [-3, -1, 1, -1, -3, -14, -9]


def test_division_by_zero_on_the_fast_path():
    err = error("a = 10;\nb = 0;\nreturn a % b;")
    assert err.message == "division by zero" and (err.line, err.column) == (3, 10)


def test_decimal_operands_leave_the_long_path():
    assert value("x = 1;\nreturn {x + 2.5, x / 2.0, x * 1.5, 7 / 2, x == 1.0};") == [
        3.5,
        0.5,
        1.5,
        3,
        True,
    ]
    assert value("return n + 1;", n=2.5) == 3.5
    assert value("i = 0;\nwhile (i < n) { i = i + 1; }\nreturn i;", n=2.5) == 3


def test_arguments_of_any_type_take_the_helper():
    assert value("return n + 1;", n=41) == 42
    assert value("return n + 1;", n="a") == "a1"
    assert error("return n + 1;", n=None).message == "cannot apply '+' to NULL and NUMBER"
    assert error("return n + 1;").message == "variable 'n' is not defined"
    assert error("return n < 3;", n=dt.date(2024, 1, 1)).message.startswith("cannot apply '<'")


def test_an_undefined_argument_fails_before_the_right_operand_runs():
    host = StandaloneHost()
    result = compile_script('return missing + zoho.crm.getRecords("Leads");').run(host=host)
    assert result.error.message == "variable 'missing' is not defined"
    assert host.calls == []


# ------------------------------------------------------------------------- text joining


def test_text_joins_with_numbers_and_null():
    src = 'x = null;\nv = 5;\nreturn {"a" + x, "v" + v, v + "v", 1 + 2 + "a", "a" + 1 + 2, '
    src += '"a" + 2.50};'
    assert value(src) == ["a", "v5", "5v", "3a", "a12", "a2.5"]
    assert error("x = null;\nreturn x + 1;").message == "cannot apply '+' to NULL and NUMBER"


@pytest.mark.parametrize(
    "src",
    [
        's = "abc";\nt = s + "def";',
        's = "abc";\nu = "def";\nt = s + u;',
        's = "abc";\nt = "def" + s;',
        's = "abc";\nu = "de";\nt = s + u + "f";',
        's = "abc";\nt = s + 123;',
        's = "abc";\nt = s;\nt += "xyz";',
    ],
)
def test_string_length_limit_is_exact_on_every_path(src):
    err = error(src, limits=Limits(max_string_length=5))
    assert isinstance(err, DelugeLimitError) and err.limit == "max_string_length"
    ok = src.replace('"def"', '"d"').replace('"de"', '"d"').replace("123", "1")
    ok = ok.replace('"xyz"', '"x"')
    assert run(ok, limits=Limits(max_string_length=5)).error is None


def test_long_chains_add_as_they_go():
    assert value("a = 1;\nb = 2;\nreturn a + b + 3 + a;") == 7
    err = error("a = 9223372036854775806;\nb = 1;\nreturn a + b + b - b;")
    assert err.limit == "max_int_bits"


# ----------------------------------------------------------------------- statement limit


def test_statement_count_of_loops_is_exact():
    src = "i = 0;\nwhile (i < 10) { i = i + 1; }\nfor each x in {1, 2} { y = x; }"
    assert run(src).statements == 3 + 10 * 2 + 2 * 2
    assert run(src, limits=Limits(max_statements=27)).error is None
    err = run(src, limits=Limits(max_statements=26)).error
    assert isinstance(err, DelugeLimitError) and err.limit == "max_statements"


# ---------------------------------------------------------------------- inlined methods


def test_put_and_add_keep_the_collection_size_limit():
    small = Limits(max_collection_size=3)
    src = 'm = Map();\nm.put("a", 1);\nm.put("b", 2);\nm.put("c", 3);\nm.put("a", 9);\nreturn m;'
    assert value(src, limits=small) == {"a": 9, "b": 2, "c": 3}
    err = error(src.replace("return m;", 'm.put("d", 4);'), limits=small)
    assert err.limit == "max_collection_size" and err.line == 6
    src = "l = List();\nl.add(1);\nl.add(2);\nl.add(3);\nl.add(4);"
    err = error(src, limits=small)
    assert err.limit == "max_collection_size" and err.line == 5


RECEIVERS = [
    {"k": 1, "q": "v"},
    {},
    [1, 2],
    "Text k",
    "",
    None,
    7,
    2.5,
    True,
    Collection({"k": 1}),
    Collection([1]),
    dt.date(2024, 1, 2),
]
CALLS = [
    ("get", ['"k"']),
    ("get", ["1"]),
    ("get", ["key"]),
    ("size", []),
    ("length", []),
    ("len", []),
    ("toUpperCase", []),
    ("toLowerCase", []),
    ("containKey", ['"k"']),
    ("containsKey", ["key"]),
    ("contains", ['"k"']),
    ("contains", ["key"]),
    ("toString", []),
    ("isEmpty", []),
    ("toMap", []),
]


def _dispatched(name, receiver, args):
    ctx = Context(Limits(), StandaloneHost())
    try:
        return "ok", make_dispatch(name, len(args))(ctx, receiver, *args)
    except DelugeRuntimeError as err:
        return "error", err.message


@pytest.mark.parametrize(("name", "args"), CALLS)
def test_inlined_methods_equal_the_dispatched_builtins(name, args):
    values = {'"k"': "k", "1": 1, "key": "k"}
    for receiver in RECEIVERS:
        expected = _dispatched(name, receiver, [values[a] for a in args])
        for src in (
            f"return x.{name}({', '.join(args)});",  # x: an argument (stable variable)
            f"y = x;\nr = y.{name}({', '.join(args)});\nreturn r;",  # y: a local
        ):
            result = run(src, {"x": receiver, "key": "k"})
            got = ("ok", result.return_value) if result.error is None else None
            if got is None:
                got = ("error", result.error.message)
            assert got == expected, (src, receiver)


def test_statement_calls_run_receiver_and_arguments_once_in_order():
    src = 'l = List();\nm = Map();\nm.put("a", l.size());\nl.add(m.size());\nreturn {l, m};'
    assert value(src) == [[1], {"a": 0}]


def test_list_constructor_without_arguments_is_a_new_list():
    assert value("a = List();\nb = List();\na.add(1);\nreturn b;") == []


# --------------------------------------------------------------------------- inference


@pytest.mark.parametrize(
    ("body", "longs"),
    [
        ("x = 0;\nx = x + 1;", {"x"}),
        ('x = 0;\nx = "a";', set()),
        ("info x;\nx = 0;", set()),
        ("if (c) { x = 0; }\ny = x + 1;", set()),
        ("x = 0;\nfor each x in l { }", set()),
        ("x = 0;\ny = x;\nx = y * 2 % 3 - -y / 4;", {"x", "y"}),
        ("x = 0;\ny = x;\nx = z;", set()),
        ("x = 9999999999;", set()),
        ("x = 1;\nx += 2.5;", set()),
        ("x = x + 1;", set()),
        ("x = 1;\ntry { x = 2; } catch (x) { }", set()),
    ],
)
def test_long_variables(body, longs):
    assert long_variables(parse(body).main) == longs


@pytest.mark.parametrize(
    ("body", "kinds"),
    [
        ('for each v in l { row = Map(); row.put("a", v); }', {"row": MAP}),
        ("for each v in l { s = 0; s = s + 1; }", {"s": LONG}),
        ("for each v in l { s = 0; s = s + 1; }\ninfo s;", {}),
        ("for each v in l { s = 0; s = s + v; }", {}),
        (
            "out = List();\nif (c) { out = {1, 2}; } else { out = if(c, [], List()); }",
            {"out": LIST},
        ),
        ('m = {"a": 1};\nm = "text";', {}),
        ("m = Map();\nm += 1;", {}),
        ("int standalone.map() { return 1; }", {}),
    ],
)
def test_variable_kinds(body, kinds):
    assert variable_kinds(parse(body).main) == kinds


def test_a_script_function_named_map_is_not_a_map():
    src = "int standalone.f() { x = Map(); return x.size(); }\nint standalone.map() { return 1; }"
    assert variable_kinds(parse(src).main) == {"x": MAP}
    assert variable_kinds(parse(src).main, {"map"}) == {}
    assert error(src).message == "size() cannot be used on a NUMBER"


def test_header_parameters_are_not_long_variables():
    fn = parse("int standalone.f(int n) { n = 1; m = n; return m; }").main
    assert long_variables(fn) == set()  # n is a parameter, so m = n is not a Long either


def test_too_deep_for_the_fast_paths_still_compiles():
    chain = " - ".join(["x"] * 100)  # as deep as CPython's parser takes without them
    assert value(f"return {chain};", x=1) == 1 - 99


# --------------------------------------------------------------------------------- JSON


def test_flat_maps_write_the_same_json_as_nested_ones():
    m = {"a": 'x"y\\', "b": 1, "c": True, "d": None, "é": "ü\n"}
    assert to_json(m) == '{"a":"x\\"y\\\\","b":1,"c":true,"d":null,"é":"ü\\n"}'
    assert to_json({"a": 2.0, "b": [m]}) == '{"a":2.0,"b":[' + to_json(m) + "]}"
    assert to_json({1: "x", None: 1}) == '{"1":"x","":1}'


def test_json_text_parses_in_order_and_rejects_constants():
    assert list(from_json('{"b": 1, "a": 2, "b": 3}').items()) == [("b", 3), ("a", 2)]
    with pytest.raises(DelugeRuntimeError):
        from_json('{"x": NaN}')


# -------------------------------------------------------------------------------- bench


def test_bench_scripts_compute_what_their_python_twins_compute():
    limits = Limits(max_statements=10**9)
    for name, source, args, python in bench._items(quick=True):
        result = compile_script(source).run(args, host=bench._BenchHost(), limits=limits)
        assert result.error is None and result.return_value == python(), name
