"""``/api/v1/toppings/<namespace>/syncs/...``: sync pairs, their runs, and Sync Now.

Authenticated with a topping API key (Settings, API keys), like the other topping APIs.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from console.api import Int64, error_response
from console.apikeys import ToppingKey, own_topping
from sync import services
from sync.models import SyncPair, SyncRun

router = Router(tags=["sync"])


def _pair_data(pair: SyncPair) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "name": pair.name,
        "environment": pair.integration.environment,
        "app": pair.integration.service.key,
        "host_module": pair.host_module,
        "app_resource": pair.app_resource,
        "direction": pair.direction,
        "interval_minutes": pair.interval,
        "last_sync_at": pair.last_sync_at,
        "last_push_at": pair.last_push_at,
        "next_run_at": pair.next_run_at,
        "running": pair.lease_until is not None,
        "linked_records": pair.links.count(),
    }


def _run_data(run: SyncRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "manual": run.manual,
        "full": run.full,
        "done": run.done,
        "total": run.total,
        "counts": run.counts,
        "message": run.message,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


def _pair(request: HttpRequest, namespace: str, pair_id: Int64) -> SyncPair | JsonResponse:
    topping = own_topping(request, namespace)
    if topping is None:
        return error_response(404, "not_found", "No such topping.")
    pair = SyncPair.objects.filter(integration__topping=topping, pk=pair_id).first()
    return pair or error_response(404, "not_found", "No such sync pair.")


@router.get("/toppings/{namespace}/syncs", auth=ToppingKey(), url_name="sync_pairs")
def pairs(request: HttpRequest, namespace: str) -> Any:
    topping = own_topping(request, namespace)
    if topping is None:
        return error_response(404, "not_found", "No such topping.")
    found = SyncPair.objects.filter(integration__topping=topping).select_related(
        "integration__service"
    )
    return {"data": [_pair_data(p) for p in found]}


@router.get("/toppings/{namespace}/syncs/{pair_id}", auth=ToppingKey(), url_name="sync_pair")
def pair_status(request: HttpRequest, namespace: str, pair_id: Int64) -> Any:
    pair = _pair(request, namespace, pair_id)
    if isinstance(pair, JsonResponse):
        return pair
    latest = pair.runs.first()
    return {**_pair_data(pair), "latest_run": _run_data(latest) if latest else None}


@router.get("/toppings/{namespace}/syncs/{pair_id}/runs", auth=ToppingKey(), url_name="sync_runs")
def runs(request: HttpRequest, namespace: str, pair_id: Int64) -> Any:
    pair = _pair(request, namespace, pair_id)
    if isinstance(pair, JsonResponse):
        return pair
    return {"data": [_run_data(r) for r in pair.runs.all()[:50]]}


@router.post("/toppings/{namespace}/syncs/{pair_id}/run", auth=ToppingKey(), url_name="sync_run")
def run_now(request: HttpRequest, namespace: str, pair_id: Int64, full: bool = False) -> Any:
    pair = _pair(request, namespace, pair_id)
    if isinstance(pair, JsonResponse):
        return pair
    task = services.sync_now(pair, user=None, full=full)
    return JsonResponse({"queued": True, "task": task, "pair": pair.pk}, status=202)
