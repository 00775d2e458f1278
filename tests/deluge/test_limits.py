import time

from deluge import DelugeLimitError, Limits, run


def limit_of(result):
    assert isinstance(result.error, DelugeLimitError), result.error
    return result.error.limit


def test_infinite_while_stops_at_statement_limit_quickly():
    started = time.monotonic()
    result = run("i = 0;\nwhile (true) { i = i + 1; }")
    assert limit_of(result) == "max_statements"
    assert result.error.line == 2
    assert time.monotonic() - started < 5


def test_deep_recursion_stops_at_depth_limit():
    result = run("int standalone.f(int n) { return standalone.f(n + 1); }", {"n": 0})
    assert limit_of(result) == "max_depth"
    assert result.error.line == 1


def test_string_doubling_hits_string_length_limit():
    src = 's = "x";\nwhile (true) { s = s + s; }'
    result = run(src, limits=Limits(max_statements=10_000, max_string_length=100_000))
    assert limit_of(result) == "max_string_length"


def test_huge_list_hits_a_limit():
    src = "l = List();\nwhile (true) { l.add(1); }"
    result = run(src, limits=Limits(max_statements=1_000_000, max_collection_size=1000))
    assert limit_of(result) in ("max_collection_size", "max_statements")


def test_integer_overflow_is_a_limit_error():
    result = run("x = 9223372036854775807;\ny = x * 2;")
    assert limit_of(result) == "max_int_bits"
    assert (result.error.line, result.error.column) == (2, 7)


def test_wall_clock_limit():
    src = "while (true) { x = 1; }"
    result = run(src, limits=Limits(max_statements=10**12, max_seconds=0.2))
    assert limit_of(result) == "max_seconds"


def test_limit_errors_cannot_be_caught_by_the_script():
    result = run('try { while (true) { } } catch (e) { info "caught"; }')
    assert limit_of(result) == "max_statements"
    assert result.info_lines == []
