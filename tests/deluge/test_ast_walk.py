from deluge import ast, parse


def names(nodes):
    return [n.name for n in nodes if isinstance(n, ast.Name)]


def test_fields_are_the_slots_without_the_position():
    assert ast.fields_of(ast.Binary) == ("op", "left", "right")
    assert ast.fields_of(ast.Break) == ()
    node = ast.Member(ast.Name("a"), "b", line=3, column=4)
    assert dict(ast.iter_fields(node)) == {"obj": ast.Name("a"), "name": "b"}


def test_child_nodes_are_found_inside_lists_and_tuples_in_source_order():
    (stmt,) = parse("if (a) { b; } else if (c) { d; } else { e; }").main.body
    children = list(ast.iter_child_nodes(stmt))
    kinds = [type(c).__name__ for c in children]
    assert kinds == ["Name", "ExprStmt", "Name", "ExprStmt", "ExprStmt"]
    assert names(children) == ["a", "c"]


def test_walk_goes_depth_first_in_source_order_from_the_node_itself():
    program = parse('m = {"k": a + b};\nif (c) { x = d; } else { y = e; }\nz = [f, g];')
    found = list(ast.walk(program))
    assert found[0] is program
    assert names(found) == ["m", "a", "b", "c", "x", "d", "y", "e", "z", "f", "g"]
    assert names(ast.walk(program.main.body[1:])) == ["c", "x", "d", "y", "e", "z", "f", "g"]


def test_walk_reaches_task_and_insert_values():
    source = 'r = invokeurl [ url: u type: GET headers: {"a": h} ];\ninsert into F [ A = v ];'
    assert names(ast.walk(parse(source))) == ["r", "u", "GET", "h", "v"]


def test_walk_takes_a_chain_longer_than_the_recursion_limit():
    source = "x = " + " + ".join(["a"] * 5000) + ";"
    assert len(names(ast.walk(parse(source)))) == 5001


def test_visitor_dispatches_by_class_and_recurses_through_generic_visit():
    class Calls(ast.NodeVisitor):
        def __init__(self):
            self.seen = []

        def visit_Call(self, node):
            self.seen.append(node.name)
            self.generic_visit(node)

        def visit_Task(self, node):
            self.seen.append(node.name)  # children left out on purpose

    visitor = Calls()
    visitor.visit(parse("x = f(g(1), [h()]);\ny = invokeurl [ url: k() ];"))
    assert visitor.seen == ["f", "g", "h", "invokeurl"]


def test_visit_returns_what_the_method_returns():
    class Kind(ast.NodeVisitor):
        def visit_Literal(self, node):
            return node.kind

    assert Kind().visit(ast.Literal(1, "long")) == "long"
    assert Kind().visit(ast.Name("x")) is None
