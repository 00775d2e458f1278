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
PRESETS: dict[str, list[dict[str, Any]]] = {"zoho_books": [CONTACTS_TO_BOOKS, PRODUCTS_TO_ITEMS]}
