"""Case and task endpoints."""

from ninja import Router

router = Router(tags=["cases"])
tasks_router = Router(tags=["tasks"])
