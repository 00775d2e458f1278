import pytest

from deluge import ast, parse
from deluge.errors import DelugeSyntaxError


def body(src):
    return parse(src).main.body


def test_assignment_and_compound_assignment():
    a, b = body("x = 1; x += 2;")
    assert isinstance(a, ast.Assign) and a.op == "="
    assert b.op == "+="


def test_function_header_exposes_typed_params():
    fn = parse("map standalone.f(map contact, string name, int n) { return contact; }").main
    assert (fn.return_type, fn.namespace, fn.name) == ("map", "standalone", "f")
    assert [(p.type, p.name) for p in fn.params] == [
        ("map", "contact"),
        ("string", "name"),
        ("int", "n"),
    ]


def test_header_without_namespace():
    fn = parse("void run() { info 1; }").main
    assert fn.name == "run" and fn.namespace is None


def test_precedence_of_arithmetic_and_logic():
    (stmt,) = body("x = a || b && c == 1 + 2 * 3;")
    v = stmt.value
    assert v.op == "||" and v.right.op == "&&"
    assert v.right.right.op == "==" and v.right.right.right.op == "+"
    assert v.right.right.right.right.op == "*"


def test_if_else_if_else_chain():
    (stmt,) = body("if (a) { } else if (b) { } else { x = 1; }")
    assert len(stmt.branches) == 2 and len(stmt.other) == 1


def test_for_each_and_index_form():
    a, b = body("for each x in l { } for each index i in l { }")
    assert not a.index and b.index and b.var == "i"


def test_variable_named_index_is_not_the_index_form():
    (stmt,) = body("for each index in l { }")
    assert stmt.var == "index" and not stmt.index


def test_while_break_continue():
    (stmt,) = body("while (true) { break; continue; }")
    assert isinstance(stmt.body[0], ast.Break) and isinstance(stmt.body[1], ast.Continue)


def test_try_catch():
    (stmt,) = body("try { x = 1; } catch (e) { info e; }")
    assert stmt.var == "e"


def test_invokeurl_parameters_in_any_order_and_layout():
    (stmt,) = body('r = invokeurl\n[\n\ttype :POST\n\turl :"u"\n\tcontent-type: "a/b"\n];')
    task = stmt.value
    assert task.name == "invokeurl"
    assert [k for k, _ in task.params] == ["type", "url", "content-type"]


def test_sendmail_with_commas_and_several_recipients():
    (stmt,) = body('sendmail [from: a, to: "x", "y", subject: "s", message: "m"]')
    keys = dict(stmt.expr.params)
    assert isinstance(keys["to"], ast.ListLit) and len(keys["to"].items) == 2


def test_map_and_list_literals():
    (a, b, c) = body('m = {"a": 1, "b": 2}; l = {1, 2}; e = {};')
    assert isinstance(a.value, ast.MapLit) and isinstance(b.value, ast.ListLit)
    assert isinstance(c.value, ast.MapLit) and c.value.items == []


def test_typed_list_constructor():
    (stmt,) = body('l = List:String({"a"});')
    assert stmt.value.type_arg == "String"


def test_if_as_a_value_needs_three_arguments():
    (stmt,) = body("x = if(a, 1, 2);")
    assert isinstance(stmt.value, ast.IfExpr)
    with pytest.raises(DelugeSyntaxError):
        parse("x = if(a, 1);")


def test_creator_syntax_parses():
    src = (
        "id = insert into F [ A = 1 B = input.x ];\n"
        "for each r in F[ID != 0] sort by Name desc range from 1 to 5 { }\n"
        'delete from F[ID == 1];\nalert "x";\ncancel submit;\nx.Field:ui.add(1);'
    )
    stmts = body(src)
    assert isinstance(stmts[0].value, ast.Insert)
    assert stmts[1].iterable.descending is True
    assert isinstance(stmts[2], ast.Delete)
    assert isinstance(stmts[3], ast.FormAction) and stmts[4].keyword == "cancel"


def test_keywords_are_case_insensitive():
    (stmt,) = body("IF (x) { } ELSE { }")
    assert stmt.other == []


def test_missing_semicolon_at_end_of_line_is_forgiven():
    assert len(body("x = 1\ny = 2")) == 2


@pytest.mark.parametrize(
    ("src", "line", "col"),
    [
        ("x = (1 + 2;", 1, 11),
        ("if (a == 1 {\n}", 1, 12),
        ('x = "abc', 1, 5),
        ("x = 1 )", 1, 7),
        ("x = 1;\ny = ;", 2, 5),
        ("x = foo(1, 2", 1, 13),
        ("for each x in l {\n info x;", 2, 9),
        ("x = 1 y = 2;", 1, 7),
        ("x = 1;\n}\ny = 2;", 2, 1),
        ("else { }", 1, 1),
        ("r = invokeurl [ url: 1 2 ];", 1, 24),
        ('m = {"a": 1, "b" 2};', 1, 18),
    ],
)
def test_syntax_errors_have_line_and_column(src, line, col):
    with pytest.raises(DelugeSyntaxError) as info:
        parse(src)
    assert (info.value.line, info.value.column) == (line, col), info.value.message
    assert info.value.caret().endswith("^")


def test_deep_nesting_is_a_syntax_error_not_a_crash():
    with pytest.raises(DelugeSyntaxError):
        parse("x = " + "(" * 5000 + "1" + ")" * 5000 + ";")
    with pytest.raises(DelugeSyntaxError):
        parse("if (a) {" * 300 + "}" * 300)
    with pytest.raises(DelugeSyntaxError):
        parse("x = " + "-" * 5000 + "1;")


def test_key_value_arguments_become_one_map_argument():
    a, b = body('c = Collection("a": 1, "b": 2);\nc.insert("k": x, 3);')
    (pairs,) = a.value.args
    assert isinstance(pairs, ast.MapLit)
    assert [(k.value, v.value) for k, v in pairs.items] == [("a", 1), ("b", 2)]
    first, second = b.expr.args
    assert isinstance(first, ast.MapLit) and len(first.items) == 1
    assert isinstance(second, ast.Literal) and second.value == 3


def attachment(src):
    (stmt,) = body(src)
    return {k.value: v for k, v in dict(stmt.expr.params)["attachments"].items}


def test_sendmail_record_template_attachment():
    parts = attachment(
        "sendmail\n[\n\tfrom :zoho.adminuserid\n\tto :a\n\tsubject :s\n\tmessage :m\n"
        "\tAttachments :template:Order_Summary:Orders rec.ID as PDF\n]"
    )
    assert parts["template"].value == "Order_Summary" and parts["form"].value == "Orders"
    assert isinstance(parts["record"], ast.Member) and parts["format"].value == "PDF"


def test_sendmail_view_and_file_attachments():
    assert attachment('sendmail [ to: a attachments: view:All_Orders as PDF subject: "s" ]')[
        "view"
    ].value == ("All_Orders")
    (stmt,) = body("sendmail [ to: a attachments: file:input.Doc, file:f2 message: m ]")
    files = dict(stmt.expr.params)["attachments"]
    assert isinstance(files, ast.ListLit) and len(files.items) == 2


def test_helper_functions_may_follow_a_header_less_script():
    prog = parse("info twice(2);\n\nint twice(int n)\n{\n\treturn n * 2;\n}\n")
    main, helper = prog.functions
    assert main.name is None and isinstance(main.body[0], ast.Info)
    assert (helper.return_type, helper.name) == ("int", "twice")


def test_crlf_line_endings_keep_positions():
    with pytest.raises(DelugeSyntaxError) as info:
        parse("x = 1;\r\n\ty = (2;\r\n")
    assert (info.value.line, info.value.column) == (2, 8)


@pytest.mark.parametrize(
    ("src", "line", "col"),
    [
        ('c = Collection("a": );', 1, 21),
        ('c.insert("a" 1);', 1, 14),
        ('sendmail [ to: a attachments: template:"T" as PDF ]', 1, 40),
        ("sendmail [ to: a attachments: file: ]", 1, 37),
        ("info 1;\nvoid f()\n{\n\tinfo 2;\n", 5, 1),
        ("info 1;\nvoid f() { }\ninfo 2;", 3, 1),
        ("x = 1;\t \n", None, None),
    ],
)
def test_error_positions_of_new_constructs(src, line, col):
    if line is None:
        parse(src)  # trailing blanks at the end of a file are not an error
        return
    with pytest.raises(DelugeSyntaxError) as info:
        parse(src)
    assert (info.value.line, info.value.column) == (line, col), info.value.message
