"""The REST API root (``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``); apps add routers."""

from ninja import NinjaAPI, Schema

api = NinjaAPI(title="Topping Console API", version="1", urls_namespace="api")


class Health(Schema):
    status: str


@api.get("/health", response=Health, auth=None, tags=["console"])
def health(request):
    return {"status": "ok"}
