"""Dependencies: the app's services, provided once per request from the lifespan's state."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency

from web.services import Services

ServicesDep = NamedDependency[Services]


def provide_services(state: State) -> Services:
    services: Services = state.services
    return services
