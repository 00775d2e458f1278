"""Host modules and fields: the data file, value checks per type, records and custom fields."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from workflows import schema
from workflows.models import ModuleField

MODULES = ["Contacts", "Companies", "Deals", "Products", "Tasks", "Projects"]


def by_name(module: schema.Module) -> dict[str, dict]:
    return {field["api_name"]: field for field in module.fields}


# ------------------------------------------------------------------------- the data file


def test_the_data_file_has_the_six_modules():
    assert schema.module_names() == MODULES
    raw = json.loads(schema.DATA_FILE.read_text(encoding="utf-8"))
    assert [m["api_name"] for m in raw["modules"]] == MODULES


@pytest.mark.parametrize(
    "name,field_type,extra",
    [
        ("ID", "id", {"read_only": True}),
        ("First_Name", "text", {}),
        ("Last_Name", "text", {"required": True}),
        ("Full_Name", "text", {"read_only": True}),
        ("Email", "email", {}),
        ("Phone", "phone", {}),
        ("Mobile", "phone", {}),
        ("Account_Name", "lookup", {"lookup": "Companies"}),
        ("Description", "textarea", {}),
        ("Owner", "owner", {}),
        ("Created_Time", "datetime", {"read_only": True}),
        ("Modified_Time", "datetime", {"read_only": True}),
        ("Tag", "tag", {}),
        ("Date_of_Birth", "date", {}),
        ("Email_Opt_Out", "boolean", {}),
    ],
)
def test_contacts_fields(name, field_type, extra):
    field = schema.get_module(None, "Contacts").field(name)
    assert field is not None, name
    assert field["type"] == field_type
    assert field["label"]
    for key, value in extra.items():
        assert field[key] == value


def test_contacts_module_facts():
    contacts = schema.get_module(None, "Contacts")
    assert contacts.api_name == "Contacts"
    assert contacts.singular == "Contact"
    assert contacts.display_field == "Full_Name"
    assert contacts.field("Account_Name")["label"] == "Company Name"
    assert "Trade Show" in contacts.field("Lead_Source")["values"]
    assert contacts.field("Nope") is None
    assert contacts.field("email") is None  # api names are exact


@pytest.mark.parametrize("name", MODULES)
def test_every_module_is_well_formed(name):
    module = schema.get_module(None, name)
    names = module.field_names
    assert len(names) == len(set(names)), "api names are unique"
    assert module.field("ID")["type"] == "id" and module.field("ID")["read_only"]
    assert module.display_field in names
    assert module.singular and module.singular != name
    assert any(f.get("required") for f in module.fields)
    for field in ("Owner", "Created_Time", "Modified_Time", "Tag", "Description"):
        assert field in names, f"{name}.{field}"
    for field in module.fields:
        assert field["label"], field
        assert field["type"] in schema.OPERATORS_BY_TYPE, field
        assert not (field.get("required") and field.get("read_only")), field
        if field["type"] == "picklist":
            values = field["values"]
            assert values and len(values) == len(set(values)), field
            assert all(isinstance(v, str) and v for v in values)
        if field["type"] == "lookup":
            assert field["lookup"] in MODULES, field
    assert [f["api_name"] for f in module.date_fields()] == [
        f["api_name"] for f in module.fields if f["type"] in ("date", "datetime")
    ]
    writable = module.writable_fields()
    assert "ID" not in [f["api_name"] for f in writable]
    assert "Created_Time" not in [f["api_name"] for f in writable]
    assert len(writable) == len([f for f in module.fields if not f.get("read_only")])


def test_module_specifics():
    deals = by_name(schema.get_module(None, "Deals"))
    assert deals["Stage"]["type"] == "picklist" and deals["Stage"]["required"]
    assert "Closed Won" in deals["Stage"]["values"]
    assert deals["Amount"]["type"] == "decimal"
    assert deals["Contact_Name"]["lookup"] == "Contacts"
    assert by_name(schema.get_module(None, "Companies"))["Website"]["type"] == "url"
    assert by_name(schema.get_module(None, "Products"))["Qty_in_Stock"]["type"] == "number"
    assert by_name(schema.get_module(None, "Tasks"))["Related_To"]["lookup"] == "Deals"
    assert by_name(schema.get_module(None, "Projects"))["Start_Date"]["type"] == "date"


def test_unknown_module():
    assert schema.get_module(None, "Leads") is None
    assert schema.get_module(None, "contacts") is None
    assert schema.get_module(None, "") is None


def test_every_field_type_has_operators():
    standard = {f["type"] for m in MODULES for f in schema.get_module(None, m).fields}
    custom = {value for value, _ in ModuleField.Type.choices}
    for kind in standard | custom:
        operators = schema.OPERATORS_BY_TYPE.get(kind)
        assert operators, kind
        assert set(operators) <= set(schema.OPERATORS), kind
    # The types the value checks, criteria and the form know are the same set.
    assert standard | custom == set(schema.OPERATORS_BY_TYPE)


# ---------------------------------------------------------------------------- check_value


def f(kind: str, **extra) -> dict:
    return {"api_name": "X", "label": "X", "type": kind, **extra}


VALID = [
    ("text", "Ada"),
    ("text", "x" * 255),
    ("text", "  "),
    ("textarea", "line one\nline two" * 100),
    ("textarea", "x" * 5000),
    ("email", "ada@example.com"),
    ("email", "Ada.Lovelace+crm@mail.zylker.co.uk"),
    ("phone", "+44 20 7946 0958"),
    ("phone", "(555) 010-1234"),
    ("phone", "555.0101"),
    ("url", "https://www.zylker.com/path?q=1"),
    ("url", "http://localhost:8000"),
    ("number", 42),
    ("number", -7),
    ("number", 0),
    ("number", "42"),
    ("number", " -12 "),
    ("decimal", 12.5),
    ("decimal", 3),
    ("decimal", "1234.56"),
    ("decimal", "-0.001"),
    ("boolean", True),
    ("boolean", False),
    ("date", "2024-05-17"),
    ("date", "2024-02-29"),
    ("date", "2024-05-17T10:30:00Z"),
    ("datetime", "2024-05-17T10:30:00Z"),
    ("datetime", "2024-05-17T10:30:00+05:30"),
    ("datetime", "2024-05-17 10:30"),
    ("datetime", "2024-05-17"),
    ("picklist", "Won"),
    ("lookup", {"id": "4150868000000224005", "name": "Zylker"}),
    ("lookup", {"id": "4150868000000224005"}),
    ("lookup", {"name": "Zylker"}),
    ("lookup", "4150868000000224005"),
    ("lookup", 4150868000000224005),
    ("owner", {"id": "1", "name": "Patricia", "email": "p@zylker.com"}),
    ("owner", "1"),
    ("tag", []),
    ("tag", [{"name": "VIP"}, "cold"]),
    ("id", "4150868000000224005"),
    ("id", 4150868000000224005),
]


@pytest.mark.parametrize("kind,value", VALID)
def test_check_value_accepts(kind, value):
    assert schema.check_value(f(kind, values=["New", "Won"]), value) is None


INVALID = [
    ("text", 12, "must be text"),
    ("text", ["a"], "must be text"),
    ("text", {"a": 1}, "must be text"),
    ("text", True, "must be text"),
    ("text", "x" * 256, "is longer than 255 characters"),
    ("textarea", 3.5, "must be text"),
    ("email", "nope", "must be an e-mail address"),
    ("email", "ada@", "must be an e-mail address"),
    ("email", "ada@example.com extra", "must be an e-mail address"),
    ("email", 12, "must be an e-mail address"),
    ("phone", "call me", "must be a phone number"),
    ("phone", "12", "must be a phone number"),
    ("phone", 5550101, "must be a phone number"),
    ("phone", "1" * 31, "must be a phone number"),
    ("url", "zylker.com", "must be an http(s) URL"),
    ("url", "ftp://zylker.com/file", "must be an http(s) URL"),
    ("url", "javascript:alert(1)", "must be an http(s) URL"),
    ("url", 7, "must be an http(s) URL"),
    ("number", 1.5, "must be a whole number"),
    ("number", "1.5", "must be a whole number"),
    ("number", "ten", "must be a whole number"),
    ("number", True, "must be a whole number"),
    ("number", "1e3", "must be a whole number"),
    ("number", [1], "must be a whole number"),
    ("decimal", "twelve", "must be a number"),
    ("decimal", False, "must be a number"),
    ("decimal", "NaN", "must be a number"),
    ("decimal", "Infinity", "must be a number"),
    ("decimal", float("inf"), "must be a number"),
    ("decimal", {"amount": 1}, "must be a number"),
    ("boolean", "yes", "must be true or false"),
    ("boolean", "true", "must be true or false"),
    ("boolean", 1, "must be true or false"),
    ("date", "yesterday", "must be a date (YYYY-MM-DD)"),
    ("date", "17/05/2024", "must be a date (YYYY-MM-DD)"),
    ("date", "2024-02-30", "must be a date (YYYY-MM-DD)"),
    ("date", "2023-02-29", "must be a date (YYYY-MM-DD)"),
    ("date", "2024-05-17junk", "must be a date (YYYY-MM-DD)"),
    ("date", "2024-05-17T99:00", "must be a date (YYYY-MM-DD)"),
    ("date", 20240517, "must be a date (YYYY-MM-DD)"),
    ("datetime", "soon", "must be a date-time (ISO 8601)"),
    ("datetime", "2024-05-17T25:00:00", "must be a date-time (ISO 8601)"),
    ("datetime", "2024-13-01T10:00:00", "must be a date-time (ISO 8601)"),
    ("datetime", 1715941800, "must be a date-time (ISO 8601)"),
    ("picklist", "Lost", "must be one of: New, Won"),
    ("picklist", "won", "must be one of: New, Won"),
    ("picklist", ["Won"], "must be one of: New, Won"),
    ("lookup", {"title": "Zylker"}, "must be an id or a map with id and name"),
    ("lookup", True, "must be an id or a map with id and name"),
    ("lookup", ["1"], "must be an id or a map with id and name"),
    ("lookup", 1.5, "must be an id or a map with id and name"),
    ("owner", {}, "must be an id or a map with id and name"),
    ("tag", "vip", "must be a list"),
    ("tag", {"name": "vip"}, "must be a list"),
    ("id", True, "must be an id"),
    ("id", {"id": 1}, "must be an id"),
    ("id", 1.5, "must be an id"),
]


@pytest.mark.parametrize("kind,value,message", INVALID)
def test_check_value_rejects(kind, value, message):
    assert schema.check_value(f(kind, values=["New", "Won"]), value) == message


@pytest.mark.parametrize("kind", sorted(schema.OPERATORS_BY_TYPE))
def test_null_and_empty_are_accepted_for_every_type(kind):
    assert schema.check_value(f(kind, values=["A"]), None) is None
    assert schema.check_value(f(kind, values=["A"]), "") is None


def test_value_tables_cover_every_type():
    assert {k for k, _ in VALID} == set(schema.OPERATORS_BY_TYPE)
    assert {k for k, *_ in INVALID} == set(schema.OPERATORS_BY_TYPE)


# ------------------------------------------------------------------------ validate_record


@pytest.fixture
def contacts():
    return schema.get_module(None, "Contacts")


def test_a_good_record_is_returned_as_it_is(contacts):
    record = {
        "ID": "4150868000000224005",
        "First_Name": "Ada",
        "Last_Name": "Lovelace",
        "Email": "ada@example.com",
        "Account_Name": {"id": "1", "name": "Zylker"},
        "Date_of_Birth": "1815-12-10",
        "Email_Opt_Out": False,
        "Tag": [{"name": "VIP"}],
        "Owner": {"id": "2", "name": "Patricia"},
        "Created_Time": "2024-05-17T10:30:00+00:00",
        "Lead_Source": "Trade Show",
        "Description": None,
    }
    assert schema.validate_record(contacts, record) is record


def test_unknown_fields_and_bad_values_are_all_reported(contacts):
    with pytest.raises(schema.RecordError) as raised:
        schema.validate_record(
            contacts,
            {
                "Last_Name": "Lovelace",
                "Nickname": "Ada",
                "Email": "nope",
                "Date_of_Birth": "yesterday",
                "Email_Opt_Out": "yes",
            },
        )
    assert raised.value.errors == {
        "Nickname": "is not a field of Contacts",
        "Email": "must be an e-mail address",
        "Date_of_Birth": "must be a date (YYYY-MM-DD)",
        "Email_Opt_Out": "must be true or false",
    }
    assert "Nickname: is not a field of Contacts" in str(raised.value)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("record", [{"First_Name": "Ada"}, {"Last_Name": ""}, {"Last_Name": None}])
def test_required_fields(contacts, record):
    with pytest.raises(schema.RecordError) as raised:
        schema.validate_record(contacts, record)
    assert raised.value.errors == {"Last_Name": "is required"}


def test_a_partial_update_skips_absent_required_fields_but_not_blanked_ones(contacts):
    assert schema.validate_record(contacts, {"Phone": "555 0101"}, partial=True) == {
        "Phone": "555 0101"
    }
    assert schema.validate_record(contacts, {}, partial=True) == {}
    with pytest.raises(schema.RecordError) as raised:
        schema.validate_record(contacts, {"Last_Name": ""}, partial=True)
    assert raised.value.errors == {"Last_Name": "is required"}
    with pytest.raises(schema.RecordError) as raised:  # other checks still apply
        schema.validate_record(contacts, {"Email": "nope"}, partial=True)
    assert raised.value.errors == {"Email": "must be an e-mail address"}


@pytest.mark.parametrize("record", [None, [], ["Last_Name"], "Lovelace", 7])
def test_a_record_must_be_an_object(contacts, record):
    with pytest.raises(schema.RecordError) as raised:
        schema.validate_record(contacts, record, partial=True)
    assert raised.value.errors == {"record": "must be a JSON object"}


def test_required_fields_of_other_modules():
    deals = schema.get_module(None, "Deals")
    with pytest.raises(schema.RecordError) as raised:
        schema.validate_record(deals, {"Amount": "12.5"})
    assert raised.value.errors == {"Deal_Name": "is required", "Stage": "is required"}
    with pytest.raises(schema.RecordError) as raised:
        schema.validate_record(deals, {"Deal_Name": "Big", "Stage": "Won"})
    assert raised.value.errors["Stage"].startswith("must be one of: Qualification,")


# -------------------------------------------------------------------------- custom fields


@pytest.fixture
def custom(topping):
    def add(api_name: str, kind: str, module: str = "Contacts", **extra) -> ModuleField:
        return ModuleField.objects.create(
            topping=topping, module=module, api_name=api_name, label=api_name.replace("_", " "),
            type=kind, **extra,
        )  # fmt: skip

    return add


def test_custom_fields_are_merged_into_their_module(custom, topping, make_user):
    custom("Tier", "picklist", values=["Gold", "Silver"])
    custom("Partner_Account", "lookup", lookup="Companies", required=True)
    custom("Score", "number")
    custom("Budget_Code", "text", module="Deals")
    module = schema.get_module(topping, "Contacts")
    fields = by_name(module)
    standard = schema.get_module(None, "Contacts")
    assert module.field_names[: len(standard.field_names)] == standard.field_names
    assert fields["Tier"] == {
        "api_name": "Tier",
        "label": "Tier",
        "type": "picklist",
        "values": ["Gold", "Silver"],
        "custom": True,
    }
    assert fields["Partner_Account"] == {
        "api_name": "Partner_Account",
        "label": "Partner Account",
        "type": "lookup",
        "required": True,
        "lookup": "Companies",
        "custom": True,
    }
    assert fields["Score"]["type"] == "number" and "values" not in fields["Score"]
    assert "Budget_Code" not in fields
    assert "Budget_Code" in schema.get_module(topping, "Deals").field_names
    # Standard definitions are never changed by a topping's additions.
    assert "Tier" not in standard.field_names
    assert "Tier" not in schema.get_module(None, "Contacts").field_names


def test_custom_fields_belong_to_their_topping_only(custom, topping, make_user):
    from console import services

    custom("Tier", "picklist", values=["Gold"])
    other = services.create_topping(name="Other", user=make_user())
    assert "Tier" not in schema.get_module(other, "Contacts").field_names
    assert "Tier" in schema.get_module(topping, "Contacts").field_names


def test_records_are_checked_against_custom_fields(custom, topping):
    custom("Tier", "picklist", values=["Gold", "Silver"])
    custom("Partner_Account", "lookup", lookup="Companies", required=True)
    custom("Score", "number")
    module = schema.get_module(topping, "Contacts")
    good = {"Last_Name": "L", "Tier": "Gold", "Partner_Account": {"id": "9"}, "Score": 3}
    assert schema.validate_record(module, good) is good
    with pytest.raises(schema.RecordError) as raised:
        schema.validate_record(module, {"Last_Name": "L", "Tier": "Bronze", "Score": "x"})
    assert raised.value.errors == {
        "Tier": "must be one of: Gold, Silver",
        "Score": "must be a whole number",
        "Partner_Account": "is required",
    }
    assert schema.validate_record(module, {"Score": 1}, partial=True) == {"Score": 1}
    with pytest.raises(schema.RecordError):  # without the topping the field is unknown
        schema.validate_record(schema.get_module(None, "Contacts"), {"Tier": "Gold"}, partial=True)


def test_an_unsaved_topping_has_no_custom_fields():
    from console.models import Topping

    module = schema.get_module(Topping(name="Draft"), "Contacts")
    assert module.field_names == schema.get_module(None, "Contacts").field_names


def test_a_custom_field_on_an_unknown_module_does_not_make_the_module(custom, topping):
    custom("Thing", "text", module="Leads")
    assert schema.get_module(topping, "Leads") is None


# ---------------------------------------------------------------------------- conversions


@pytest.mark.parametrize(
    "value,expected",
    [
        ("12.50", Decimal("12.50")),
        (" -3 ", Decimal("-3")),
        (7, Decimal("7")),
        (0.5, Decimal("0.5")),
        ("1e3", Decimal("1E+3")),
        (True, None),
        (None, None),
        ("", None),
        ("x", None),
        ("NaN", None),
        ("-Infinity", None),
        (float("nan"), None),
    ],
)
def test_to_decimal(value, expected):
    assert schema.to_decimal(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-05-17", dt.date(2024, 5, 17)),
        (" 2024-05-17 ", dt.date(2024, 5, 17)),
        ("2024-05-17T23:30:00-05:00", dt.date(2024, 5, 17)),
        ("2024-05-17 10:00", dt.date(2024, 5, 17)),
        (dt.date(2024, 5, 17), dt.date(2024, 5, 17)),
        (dt.datetime(2024, 5, 17, 10, tzinfo=dt.UTC), dt.date(2024, 5, 17)),
        ("2024-05-17junk", None),
        ("2024-05-32", None),
        ("May 17", None),
        (None, None),
        (20240517, None),
    ],
)
def test_to_date(value, expected):
    assert schema.to_date(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-05-17T10:30:00Z", dt.datetime(2024, 5, 17, 10, 30, tzinfo=dt.UTC)),
        ("2024-05-17T10:30:00", dt.datetime(2024, 5, 17, 10, 30, tzinfo=dt.UTC)),
        ("2024-05-17", dt.datetime(2024, 5, 17, tzinfo=dt.UTC)),
        ("2024-05-17T12:30:00+02:00", dt.datetime(2024, 5, 17, 10, 30, tzinfo=dt.UTC)),
        ("2024-05-17T10:30", dt.datetime(2024, 5, 17, 10, 30, tzinfo=dt.UTC)),
        ("2024-05-17 junk", None),
        ("tomorrow", None),
        ("2024-05-17T24:30:00", None),
        (None, None),
        (1715941800, None),
    ],
)
def test_to_datetime(value, expected):
    result = schema.to_datetime(value)
    assert result == expected
    if result is not None:
        assert result.tzinfo is not None
