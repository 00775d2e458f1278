"""A module with one field of every type the schema knows, for criteria tests."""

from __future__ import annotations

from workflows import schema

# One field of every type the schema knows, as ``get_module`` would return them.
MODULE = schema.Module(
    "Things",
    "Thing",
    "Name",
    (
        {"api_name": "ID", "label": "ID", "type": "id", "read_only": True},
        {"api_name": "Name", "label": "Name", "type": "text"},
        {"api_name": "Notes", "label": "Notes", "type": "textarea"},
        {"api_name": "Email", "label": "Email", "type": "email"},
        {"api_name": "Phone", "label": "Phone", "type": "phone"},
        {"api_name": "Site", "label": "Site", "type": "url"},
        {"api_name": "Count", "label": "Count", "type": "number"},
        {"api_name": "Amount", "label": "Amount", "type": "decimal"},
        {"api_name": "Day", "label": "Day", "type": "date"},
        {"api_name": "When", "label": "When", "type": "datetime"},
        {"api_name": "Stage", "label": "Stage", "type": "picklist", "values": ["New", "Won"]},
        {"api_name": "Active", "label": "Active", "type": "boolean"},
        {"api_name": "Company", "label": "Company", "type": "lookup", "lookup": "Companies"},
        {"api_name": "Owner", "label": "Owner", "type": "owner"},
        {"api_name": "Tag", "label": "Tag", "type": "tag"},
    ),
)
