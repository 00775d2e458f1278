"""The pairs an integration starts with, per app: Zoho Books' reference set-up."""

from __future__ import annotations

from typing import Any

CONTACTS_TO_BOOKS: dict[str, Any] = {
    "name": "Contacts ↔ Books contacts",
    "host_module": "Contacts",
    "app_resource": "contacts",
    "match_host_field": "Email",
    "match_app_field": "email",
    "field_map": [
        {"host": "Full_Name", "app": "contact_name", "direction": "to_app"},
        {"host": "Last_Name", "app": "contact_name", "direction": "to_host"},
        {"host": "Email", "app": "email"},
        {"host": "Phone", "app": "phone"},
    ],
}
COMPANIES_AND_CONTACTS: dict[str, Any] = {
    "name": "Companies & Contacts ↔ Books contacts & contact persons",
    "host_module": "Companies",
    "app_resource": "contacts",
    "match_host_field": "Account_Name",
    "match_app_field": "contact_name",
    "field_map": [
        {"host": "Account_Name", "app": "contact_name"},
        {"host": "Account_Name", "app": "company_name", "direction": "to_app"},
        {"host": "Phone", "app": "phone"},
        {"host": "Website", "app": "website"},
    ],
    "children": {
        "host_module": "Contacts",
        "lookup": "Account_Name",
        "app_resource": "contactpersons",
        "foreign_key": "contact_id",
        "field_map": [
            # Books wants a first name: a contact without one gives its last name.
            {"host": "First_Name", "app": "first_name", "fallback": "Last_Name"},
            {"host": "Last_Name", "app": "last_name"},
            {"host": "Email", "app": "email"},
            {"host": "Phone", "app": "phone"},
        ],
        "include_orphans": True,
        "orphan_map": CONTACTS_TO_BOOKS["field_map"],
    },
}
PRODUCTS_TO_ITEMS: dict[str, Any] = {
    "name": "Products ↔ Books items",
    "host_module": "Products",
    "app_resource": "items",
    "match_host_field": "Product_Name",
    "match_app_field": "name",
    "field_map": [
        {"host": "Product_Name", "app": "name"},
        {"host": "Unit_Price", "app": "rate"},
        {"host": "Description", "app": "description"},
        {"host": "Product_Code", "app": "sku"},
    ],
}
# Companies & Contacts is the reference pair; a Contacts-only pair can be added instead.
PRESETS: dict[str, list[dict[str, Any]]] = {
    "zoho_books": [COMPANIES_AND_CONTACTS, PRODUCTS_TO_ITEMS]
}
