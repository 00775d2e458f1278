import pytest

from deluge.errors import DelugeSyntaxError
from deluge.lexer import DATETIME, EOF, IDENT, NUMBER, OP, STRING, tokenize


def kinds(src):
    return [(t.kind, t.value) for t in tokenize(src) if t.kind != EOF]


def test_numbers_strings_and_operators_are_tokens():
    assert kinds('x = 12 + 3.5 == "a";') == [
        (IDENT, "x"),
        (OP, "="),
        (NUMBER, 12),
        (OP, "+"),
        (NUMBER, 3.5),
        (OP, "=="),
        (STRING, "a"),
        (OP, ";"),
    ]


def test_comments_are_skipped_but_slashes_in_strings_are_kept():
    assert kinds('// c\nu = "http://x//y"; /* b\n c */') == [
        (IDENT, "u"),
        (OP, "="),
        (STRING, "http://x//y"),
        (OP, ";"),
    ]


def test_single_quotes_make_a_datetime_token():
    assert kinds("'01-Jan-2024 10:00:00'") == [(DATETIME, "01-Jan-2024 10:00:00")]


def test_escapes_are_decoded_and_unknown_ones_kept():
    assert kinds(r'"a\"b\\c\nd\d"') == [(STRING, 'a"b\\c\nd\\d')]


def test_positions_count_lines_inside_multiline_strings_and_comments():
    toks = tokenize('a = "x\ny";\n/* 1\n2 */ b')
    b = next(t for t in toks if t.text == "b")
    assert (b.line, b.col) == (4, 6)


def test_newline_flag_marks_first_token_of_a_line():
    toks = tokenize("a\nb c")
    assert [t.nl for t in toks[:3]] == [True, True, False]


@pytest.mark.parametrize(
    ("src", "line", "col"),
    [('x = "abc', 1, 5), ("x = 'abc", 1, 5), ("a\n  /* open", 2, 3), ("a = 1 # 2", 1, 7)],
)
def test_lexer_errors_point_at_the_offending_character(src, line, col):
    with pytest.raises(DelugeSyntaxError) as info:
        tokenize(src)
    assert (info.value.line, info.value.column) == (line, col)


def test_blanks_before_a_token_or_at_the_end_are_skipped():
    toks = tokenize("\ufeff  a \t+\u00a0b  \r\n\t c \t")
    assert [(t.text, t.line, t.col) for t in toks] == [
        ("a", 1, 4),
        ("+", 1, 7),
        ("b", 1, 9),
        ("c", 2, 3),
        ("", 2, 6),
    ]


def test_two_character_operators_win_over_single_ones():
    assert [t.text for t in tokenize("a<=b!=c&&d||e+=1/=2==3") if t.kind == OP] == [
        "<=",
        "!=",
        "&&",
        "||",
        "+=",
        "/=",
        "==",
    ]


@pytest.mark.parametrize(
    ("src", "line", "col"),
    [("x = 1;\n\t  @", 2, 4), ("a & b", 1, 3), ('x = "ok";\r\n  y = "no', 2, 7)],
)
def test_stray_characters_after_blanks_keep_their_column(src, line, col):
    with pytest.raises(DelugeSyntaxError) as info:
        tokenize(src)
    assert (info.value.line, info.value.column) == (line, col)
