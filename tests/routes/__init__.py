"""Route expectations and crawl objects of each capability, one module per area.

A module here defines ``EXPECTATIONS`` (route key → ``tests.access.Access``) and may define
``world_extend(world) -> None``, which builds that area's objects through the services and adds
their ids to ``world["params"]`` (and ``world["per_route"]``) so the crawl can fill path parameters.
"""

import importlib
import pkgutil


def _modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        yield importlib.import_module(f"{__name__}.{info.name}")


def extra_expectations() -> dict:
    """Every area's expectations; a route declared twice is an error."""
    merged: dict = {}
    for module in _modules():
        for key, access in getattr(module, "EXPECTATIONS", {}).items():
            if key in merged:
                raise AssertionError(f"route {key} is declared twice (again in {module.__name__})")
            merged[key] = access
    return merged


def world_extend(world: dict) -> None:
    """Let every area add its objects to the crawl's world."""
    for module in _modules():
        if extend := getattr(module, "world_extend", None):
            extend(world)
