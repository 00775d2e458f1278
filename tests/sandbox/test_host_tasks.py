"""Every ``zoho.bigin.*`` / ``zoho.crm.*`` task a script reaches in the sandbox, run as real
Deluge against the sandbox store, with the response shapes of the host's REST API."""

from __future__ import annotations

import pytest

import deluge
from sandbox import store
from sandbox.models import SandboxRecord
from sandbox.stubs import SandboxHost
from workflows import hooks, isolation
from workflows.models import Action, Event, Execution, Rule

pytestmark = pytest.mark.django_db


def run(topping, owner, code: str, args: dict | None = None):
    """Run ``code`` with a sandbox host; return (return value, host)."""
    host = SandboxHost(topping, environment="sandbox", user=owner)
    result = deluge.compile_script(code).run(args or {}, host=host)
    assert result.error is None, result.error
    return result.return_value, host


def add(topping, owner, module="Contacts", **data):
    if module == "Contacts":
        data.setdefault("Last_Name", "Doe")
    return store.create_record(topping, module, data, user=owner, fire=False).record


@pytest.fixture
def people(topping, owner):
    return [
        add(topping, owner, First_Name="Ada", Last_Name="Lovelace", Email="ada@example.com",
            Phone="+44 20 1234", Title="Countess"),
        add(topping, owner, First_Name="Alan", Last_Name="Turing", Email="alan@example.com",
            Mobile="555-0101", Title="Mathematician"),
        add(topping, owner, First_Name="Grace", Last_Name="Hopper", Email="grace@navy.example",
            Title="Admiral"),
    ]  # fmt: skip


def test_the_sandbox_registers_its_store_and_host(topping):
    assert hooks.ENVIRONMENT_HOSTS["sandbox"] is SandboxHost
    assert isinstance(SandboxHost(topping, environment="sandbox").store(), store.SandboxStore)


# ------------------------------------------------------------------------------ get


@pytest.mark.parametrize("app", ["bigin", "crm"])
def test_get_record_by_id_answers_data_with_the_record(topping, owner, people, app):
    ada = people[0]
    value, host = run(
        topping, owner, f'return zoho.{app}.getRecordById("Contacts", id);', {"id": ada.record_id}
    )
    assert list(value) == ["data"]
    [record] = value["data"]
    assert record["id"] == ada.record_id == record["ID"]
    assert record["Email"] == "ada@example.com"
    assert record["Full_Name"] == "Ada Lovelace"
    assert record["Owner"]["id"] == str(owner.pk)
    assert host.calls == []  # the store answers: no HTTP call


def test_get_record_by_id_takes_a_number_and_reads_fields(topping, owner, people):
    value, _ = run(
        topping,
        owner,
        'r = zoho.bigin.getRecordById("Contacts", id.toLong());\n'
        'return r.get("data").get(0).get("Last_Name");',
        {"id": people[1].record_id},
    )
    assert value == "Turing"


def test_get_an_unknown_record_answers_no_data(topping, owner, people):
    value, _ = run(topping, owner, 'return zoho.crm.getRecordById("Contacts", "123");')
    assert value == {"data": []}


def test_get_does_not_cross_modules(topping, owner, people):
    value, _ = run(
        topping, owner, 'return zoho.crm.getRecordById("Deals", id);', {"id": people[0].record_id}
    )
    assert value == {"data": []}


# ------------------------------------------------------------------------------ list


def test_get_records_pages_with_more_records(topping, owner, people):
    value, _ = run(
        topping,
        owner,
        'a = zoho.bigin.getRecords("Contacts", 1, 2);\n'
        'b = zoho.bigin.getRecords("Contacts", 2, 2);\n'
        'c = zoho.bigin.getRecords("Contacts");\n'
        'return {"a": a, "b": b, "c": c};',
    )
    a, b, c = value["a"], value["b"], value["c"]
    assert [r["Last_Name"] for r in a["data"]] == ["Lovelace", "Turing"]
    assert a["info"] == {"page": 1, "per_page": 2, "count": 2, "more_records": True}
    assert [r["Last_Name"] for r in b["data"]] == ["Hopper"]
    assert b["info"]["more_records"] is False and b["info"]["count"] == 1
    assert len(c["data"]) == 3 and c["info"]["more_records"] is False
    assert all("id" in r for r in c["data"])


def test_get_records_of_an_empty_module(topping, owner, people):
    value, _ = run(topping, owner, 'return zoho.crm.getRecords("Deals");')
    assert value["data"] == [] and value["info"]["more_records"] is False


def test_get_records_exactly_one_page(topping, owner, people):
    value, _ = run(topping, owner, 'return zoho.crm.getRecords("Contacts", 1, 3);')
    assert len(value["data"]) == 3 and value["info"]["more_records"] is False


# ------------------------------------------------------------------------------ search


def names(value) -> list[str]:
    return [r["Last_Name"] for r in value["data"]]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("(Email:equals:ada@example.com)", ["Lovelace"]),
        ("(Email:equals:ADA@EXAMPLE.COM)", ["Lovelace"]),
        ("(Email:equals:nobody@example.com)", []),
        ("(Last_Name:starts_with:Tu)", ["Turing"]),
        ("(Email:contains:example.com)", ["Lovelace", "Turing"]),
        ("(Email:contains:example)", ["Lovelace", "Turing", "Hopper"]),
        ("((Email:contains:example.com)and(First_Name:equals:Alan))", ["Turing"]),
        ("((Email:contains:example.com) and (First_Name:equals:Grace))", []),
        ("((Last_Name:equals:Hopper)or(First_Name:equals:Ada))", ["Lovelace", "Hopper"]),
        ("(Last_Name:equals:Hopper) OR (Last_Name:equals:Turing)", ["Turing", "Hopper"]),
        # groups: "and" inside, "or" outside, in either order
        (
            "((Last_Name:equals:Hopper)and(First_Name:equals:Grace))or(Last_Name:equals:Turing)",
            ["Turing", "Hopper"],
        ),
        (
            "(Last_Name:equals:Turing)or((Last_Name:equals:Hopper)and(First_Name:equals:Ada))",
            ["Turing"],
        ),
        (
            "((Email:contains:example)and((First_Name:equals:Ada)or(First_Name:equals:Grace)))",
            ["Lovelace", "Hopper"],
        ),
        ("(Website:equals:https://x.example)", []),
    ],
)
def test_search_records_by_criteria(topping, owner, people, criteria, expected):
    value, _ = run(topping, owner, 'return zoho.crm.searchRecords("Contacts", c);', {"c": criteria})
    assert names(value) == expected
    if expected:
        assert value["info"]["count"] == len(expected)
        assert all(r["id"] for r in value["data"])


def test_search_records_pages(topping, owner, people):
    value, _ = run(
        topping,
        owner,
        'return zoho.bigin.searchRecords("Contacts", "(Email:contains:example)", 1, 2);',
    )
    assert names(value) == ["Lovelace", "Turing"] and value["info"]["more_records"] is True


def test_search_records_with_escaped_characters_in_a_value(topping, owner):
    add(topping, owner, Last_Name="Burns, B (Jr)", First_Name="C")
    add(topping, owner, Last_Name="Burns")
    value, _ = run(
        topping,
        owner,
        'return zoho.crm.searchRecords("Contacts", c);',
        {"c": r"((Last_Name:equals:Burns\, B \(Jr\))and(First_Name:starts_with:C))"},
    )
    assert names(value) == ["Burns, B (Jr)"]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("(Email_Opt_Out:equals:false)", ["Quiet"]),
        ("(Email_Opt_Out:equals:true)", ["Loud"]),
        ("(Employees:equals:0)", ["Quiet"]),
        ("(Account_Name:equals:Acme Corp)", ["Loud"]),
        ("(Account_Name:equals:4242)", ["Loud"]),
        ("(Account_Name:starts_with:acme)", ["Loud"]),
    ],
)
def test_search_records_compares_falsy_values_and_lookups(topping, owner, criteria, expected):
    from workflows.models import ModuleField

    ModuleField.objects.create(
        topping=topping, module="Contacts", api_name="Employees", label="E", type="number"
    )
    add(topping, owner, Last_Name="Quiet", Email_Opt_Out=False, Employees=0)
    add(topping, owner, Last_Name="Loud", Email_Opt_Out=True, Employees=5,
        Account_Name={"id": "4242", "name": "Acme Corp"})  # fmt: skip
    add(topping, owner, Last_Name="Unset")
    value, _ = run(topping, owner, 'return zoho.crm.searchRecords("Contacts", c);', {"c": criteria})
    assert names(value) == expected


@pytest.mark.parametrize(
    "criteria",
    [
        "Email=x",
        "(Email:equals:x) xor (Phone:equals:y)",
        "((Email:equals:x)",
        "(Email:equals:x))",
        "(Email:equals:x) and",
        "(Email:equals:x)(Phone:equals:y)",
        "(Email:equals:x)and(Employees:greater_than:5)",
    ],
)
def test_search_records_with_bad_criteria_answers_an_error(topping, owner, people, criteria):
    value, _ = run(topping, owner, 'return zoho.crm.searchRecords("Contacts", c);', {"c": criteria})
    [entry] = value["data"]
    assert entry["status"] == "error" and entry["code"] == "INVALID_QUERY"
    assert entry["message"]


@pytest.mark.parametrize(
    ("task", "term", "expected"),
    [
        ("searchRecordsByEmail", "alan@example.com", ["Turing"]),
        ("searchRecordsByEmail", "ALAN@example.com", ["Turing"]),
        ("searchRecordsByEmail", "alan@", []),
        ("searchRecordsByPhone", "+44 20 1234", ["Lovelace"]),
        ("searchRecordsByPhone", "555-0101", ["Turing"]),  # the mobile number
        ("searchRecordsByPhone", "000", []),
        ("searchRecordsByWord", "admiral", ["Hopper"]),
        ("searchRecordsByWord", "ing", ["Turing"]),
        ("searchRecordsByWord", "example", ["Lovelace", "Turing", "Hopper"]),
        ("searchRecordsByWord", "zebra", []),
    ],
)
def test_search_by_email_phone_and_word(topping, owner, people, task, term, expected):
    value, _ = run(topping, owner, f'return zoho.crm.{task}("Contacts", t);', {"t": term})
    assert names(value) == expected


# ------------------------------------------------------------------------------ create


def test_create_record_answers_the_success_envelope(topping, owner):
    value, _ = run(
        topping,
        owner,
        'r = zoho.bigin.createRecord("Contacts", {"First_Name": "Kat", "Last_Name": "Johnson",'
        ' "Email": "kat@nasa.example"});\nreturn r;',
    )
    [entry] = value["data"]
    assert entry["code"] == "SUCCESS" and entry["status"] == "success"
    assert entry["message"] == "record added"
    record = SandboxRecord.objects.get()
    assert entry["details"]["id"] == record.record_id
    assert entry["details"]["Created_Time"] == record.data["Created_Time"]
    assert record.data["Full_Name"] == "Kat Johnson"
    assert record.data["Owner"]["id"] == str(owner.pk)


def test_a_created_record_can_be_read_back_in_the_same_script(topping, owner):
    value, _ = run(
        topping,
        owner,
        'r = zoho.crm.createRecord("Companies", {"Account_Name": "Acme", "Employees": 12});\n'
        'id = r.get("data").get(0).get("details").get("id");\n'
        'return zoho.crm.getRecordById("Companies", id).get("data").get(0);',
    )
    assert value["Account_Name"] == "Acme" and value["Employees"] == 12


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ('{"Last_Name": "L", "Email": "nope"}', "Email"),
        ('{"Last_Name": "L", "Lead_Source": "Carrier pigeon"}', "Lead_Source"),
        ('{"First_Name": "No last name"}', "Last_Name"),
        ('{"Last_Name": "L", "Shoe_Size": 42}', "Shoe_Size"),
    ],
)
def test_create_record_with_invalid_data_answers_invalid_data(topping, owner, record, field):
    value, _ = run(topping, owner, f'return zoho.crm.createRecord("Contacts", {record});')
    [entry] = value["data"]
    assert entry["status"] == "error" and entry["code"] == "INVALID_DATA"
    assert entry["details"] == {"api_name": field}
    assert field in entry["message"]
    assert not SandboxRecord.objects.exists()
    assert not Event.objects.exists()


def test_create_record_with_a_non_map_is_a_deluge_error(topping, owner):
    host = SandboxHost(topping, environment="sandbox", user=owner)
    result = deluge.compile_script('return zoho.crm.createRecord("Contacts", "x");').run(
        {}, host=host
    )
    assert result.error is not None and "map" in result.error.message


# ------------------------------------------------------------------------------ update


def test_update_record_answers_the_envelope_and_changes_the_record(topping, owner, people):
    ada = people[0]
    value, _ = run(
        topping,
        owner,
        'return zoho.bigin.updateRecord("Contacts", id, {"Last_Name": "King"});',
        {"id": ada.record_id},
    )
    [entry] = value["data"]
    assert (entry["code"], entry["status"]) == ("SUCCESS", "success")
    assert entry["message"] == "record updated"
    assert entry["details"]["id"] == ada.record_id
    ada.refresh_from_db()
    assert ada.data["Last_Name"] == "King" and ada.data["Full_Name"] == "Ada King"
    assert entry["details"]["Modified_Time"] == ada.data["Modified_Time"]


def test_update_an_unknown_record_answers_invalid_data(topping, owner, people):
    value, _ = run(
        topping, owner, 'return zoho.crm.updateRecord("Contacts", "999", {"Title": "X"});'
    )
    [entry] = value["data"]
    assert (entry["code"], entry["status"]) == ("INVALID_DATA", "error")
    assert entry["details"] == {"id": "999"}


def test_update_with_invalid_data_answers_invalid_data(topping, owner, people):
    value, _ = run(
        topping,
        owner,
        'return zoho.crm.updateRecord("Contacts", id, {"Email_Opt_Out": "maybe"});',
        {"id": people[0].record_id},
    )
    [entry] = value["data"]
    assert entry["code"] == "INVALID_DATA" and entry["details"] == {"api_name": "Email_Opt_Out"}
    people[0].refresh_from_db()
    assert "Email_Opt_Out" not in people[0].data


# ------------------------------------------------------------------------------ delete


def test_delete_record(topping, owner, people):
    ada = people[0]
    value, _ = run(
        topping, owner, 'return zoho.crm.deleteRecord("Contacts", id);', {"id": ada.record_id}
    )
    [entry] = value["data"]
    assert (entry["code"], entry["status"]) == ("SUCCESS", "success")
    assert entry["details"] == {"id": ada.record_id}
    assert not SandboxRecord.objects.filter(pk=ada.pk).exists()
    assert SandboxRecord.objects.count() == 2
    value, _ = run(
        topping, owner, 'return zoho.crm.deleteRecord("Contacts", id);', {"id": ada.record_id}
    )
    assert value["data"][0]["code"] == "INVALID_DATA"


# ------------------------------------------------------------------------------ modules


@pytest.mark.parametrize(
    "code",
    [
        'return zoho.crm.getRecordById("Spaceships", "1");',
        'return zoho.crm.getRecords("Spaceships");',
        'return zoho.bigin.searchRecords("Spaceships", "(Name:equals:x)");',
        'return zoho.crm.createRecord("Spaceships", {"Name": "x"});',
        'return zoho.crm.updateRecord("Spaceships", "1", {"Name": "x"});',
        'return zoho.crm.deleteRecord("Spaceships", "1");',
    ],
)
def test_an_unknown_module_answers_invalid_module(topping, owner, code):
    value, _ = run(topping, owner, code)
    [entry] = value["data"]
    assert (entry["code"], entry["status"]) == ("INVALID_MODULE", "error")


def test_every_standard_module_is_reachable(topping, owner):
    code = """
out = Map();
out.put("c", zoho.crm.createRecord("Companies", {"Account_Name": "A"}));
out.put("d", zoho.crm.createRecord("Deals", {"Deal_Name": "D", "Stage": "Qualification"}));
out.put("p", zoho.crm.createRecord("Products", {"Product_Name": "P", "Unit_Price": 9.5}));
out.put("t", zoho.crm.createRecord("Tasks", {"Subject": "S", "Due_Date": "2025-01-31"}));
out.put("j", zoho.crm.createRecord("Projects", {"Project_Name": "J", "Status": "Active"}));
return out;
"""
    value, _ = run(topping, owner, code)
    assert {k: v["data"][0]["code"] for k, v in value.items()} == dict.fromkeys("cdptj", "SUCCESS")
    assert sorted(SandboxRecord.objects.values_list("module", flat=True)) == [
        "Companies",
        "Deals",
        "Products",
        "Projects",
        "Tasks",
    ]


# ------------------------------------------------------------------------------ triggers


@pytest.fixture
def audit_rule(make_rule):
    return make_rule(
        name="Every change",
        trigger=Rule.Trigger.CREATE_OR_EDIT,
        repeat_on_every_edit=True,
        actions=[{"kind": Action.Kind.FIELD_UPDATE, "config": {"field": "Title", "value": "X"}}],
    )


def test_script_changes_fire_no_workflow_without_the_trigger_option(
    topping, owner, audit_rule, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(
            topping,
            owner,
            'zoho.crm.createRecord("Contacts", {"Last_Name": "Quiet"});\n'
            'zoho.crm.createRecord("Contacts", {"Last_Name": "Quiet2"}, {"trigger": []});\n'
            'zoho.crm.updateRecord("Contacts", id, {"Title": "Quiet"});\n'
            'zoho.crm.updateRecord("Contacts", id, {"Title": "Q"}, {"trigger": ["approval"]});',
            {"id": people[0].record_id},
        )
    assert SandboxRecord.objects.count() == 5
    assert not Event.objects.exists()
    assert not Execution.objects.exists()


def test_script_changes_fire_the_draft_rules_with_the_trigger_option(
    topping, owner, audit_rule, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(
            topping,
            owner,
            'opts = {"trigger": ["workflow"]};\n'
            'r = zoho.crm.createRecord("Contacts", {"Last_Name": "Loud"}, opts);\n'
            'zoho.bigin.updateRecord("Contacts", id, {"Title": "Loud"}, opts);',
            {"id": people[0].record_id},
        )
    events = list(Event.objects.order_by("pk"))
    assert [(e.operation, e.environment) for e in events] == [
        ("create", "sandbox"),
        ("edit", "sandbox"),
    ]
    assert events[0].record["Last_Name"] == "Loud"
    assert events[1].record_id == people[0].record_id
    assert events[1].previous["Title"] == "Countess" and events[1].record["Title"] == "Loud"
    assert all(e.evaluation and e.evaluation[0]["matched"] for e in events)
    assert Execution.objects.filter(rule=audit_rule).count() == 2


# ------------------------------------------------------------------------------ through the runner


def test_save_and_execute_runs_tasks_against_the_sandbox(topping, owner, people, make_function):
    function = make_function(
        "lookup",
        'r = zoho.bigin.searchRecordsByEmail("Contacts", email);\n'
        'c = r.get("data").get(0);\n'
        'info "found " + c.get("Full_Name");\n'
        'u = zoho.bigin.updateRecord("Contacts", c.get("id"), {"Title": "Found"});\n'
        'return u.get("data").get(0).get("code");',
        [{"name": "email", "type": "string"}],
    )
    execution = isolation.execute_now(function, {"email": "grace@navy.example"}, user=owner)
    assert execution.status == "succeeded", execution.error
    assert execution.environment == "sandbox"
    assert execution.info_lines == ["found Grace Hopper"]
    assert execution.return_value == "SUCCESS"
    people[2].refresh_from_db()
    assert people[2].data["Title"] == "Found"


def test_save_and_execute_a_failing_task_reports_a_deluge_error(topping, owner, make_function):
    function = make_function("broken", 'return zoho.crm.getRecordById("Contacts");', [])
    execution = isolation.execute_now(function, {}, user=owner)
    assert execution.status == "failed"
    assert "record id" in execution.error["message"]
    assert "line" in execution.error
