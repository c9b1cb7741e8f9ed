"""``create_app(settings, …)``: the one litestar application — controllers by audience, dependencies, guards,
problem+json errors, compression, metrics, OpenAPI at /docs with its UI served from the package (no CDN)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, cast

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import (
    HTTPScope,
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Message,
    Receive,
    Scope,
    Send,
)

from ledger.store import Store
from web.cases import BundleController, CasesController
from web.deps import provide_services
from web.observe import ObserveRequests
from web.officer import ActsController
from web.operations import OperationsController
from web.portal import PortalController
from web.problems import exception_handlers
from web.public import EventsController, FeedsController
from web.services import LedgerSettings, Services, WebOptions
from web.supervise import SuperviseController
from web.verification import TilesController, VerificationController

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
NO_COMPRESSION = "no_compression"  # opt key: streams (SSE) and bodies compressed ahead of time (feeds)


class ZhifaApp(Litestar):
    """The application, answering HEAD on every GET route (RFC 9110 §9.1: a general-purpose server MUST support
    GET and HEAD; §9.3.2: the same status and header fields as GET, no content). Litestar routes HEAD only to
    handlers declared for it, and refuses a HEAD handler that returns a body, so the request is served as a GET
    here, before routing, and its content dropped: headers (Content-Length, ETag, Cache-Control, …) stay those
    of the GET. A stream (SSE) ends after its headers: the server sees the response complete and the handler a
    disconnect."""

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        if scope["type"] != ScopeType.HTTP or cast(HTTPScope, scope)["method"] != "HEAD":
            await super().__call__(scope, receive, send)
            return
        as_get = cast(HTTPScope, {**scope, "method": "GET"})
        done = False

        async def without_content(message: Message) -> None:
            nonlocal done
            if message["type"] == "http.response.body":
                if done:
                    return
                done = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await cast(Send, send)(message)

        await super().__call__(as_get, receive, without_content)


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="zhifa-ledger",
        version="1",
        description=(
            "综合行政执法 案件账本: verification (public), officer, case, supervisor and public APIs. Every error is "
            "RFC 9457 application/problem+json with a stable `code`, Chinese `title`, `title_en` and the `article`."
        ),
        path="/docs",
        render_plugins=[
            SwaggerRenderPlugin(
                js_url="/static/swagger-ui-bundle.js",
                css_url="/static/swagger-ui.css",
                standalone_preset_js_url="/static/swagger-ui-standalone-preset.js",
                favicon="<link rel='icon' type='image/png' href='/static/favicon-32x32.png'>",
                path="/",
            )
        ],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer", description="`zhifa tokens new` (shown once)"),
                "accessCode": SecurityScheme(
                    type="apiKey", name="X-Access-Code", security_scheme_in="header", description="a party's per-case code"
                ),
            }
        ),
    )


def _logging() -> LoggingConfig:
    return LoggingConfig(
        formatters={"json": {"()": "web.logs.JsonFormatter"}},
        handlers={"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        loggers={"zhifa": {"level": "INFO", "handlers": ["console"], "propagate": False}},
        root={"level": "INFO", "handlers": ["console"]},
        log_exceptions="never",
    )


def create_app(
    settings: LedgerSettings,
    *,
    options: WebOptions | None = None,
    store: Store | None = None,
    extra_controllers: Sequence[Any] = (),
) -> Litestar:
    """The application over the ledger at ``settings.database_url`` (or the given open ``store``).

    The lifespan opens the services (writer, tree, credentials, and — with ``options.follow`` and the log key
    on this host — the sealer), refreshes the published checkpoint every poll interval, and closes them."""
    opts = options or WebOptions()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        services = await asyncio.to_thread(Services, settings, opts, store)
        services.start()
        app.state.services = services

        async def follow() -> None:
            while True:
                await asyncio.sleep(opts.poll_interval)
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(services.refresh)

        task = asyncio.create_task(follow())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await asyncio.to_thread(services.stop)

    return ZhifaApp(
        route_handlers=[
            VerificationController,
            TilesController,
            OperationsController,
            ActsController,
            CasesController,
            BundleController,
            SuperviseController,
            FeedsController,
            EventsController,
            PortalController,
            *extra_controllers,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        lifespan=[lifespan],
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        exception_handlers=exception_handlers(),
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6, exclude_opt_key=NO_COMPRESSION),
        middleware=[ObserveRequests(request_log=opts.request_log)],
        openapi_config=_openapi(),
        logging_config=_logging(),
        request_max_body_size=opts.act_max_bytes,
        template_config=TemplateConfig(directory=TEMPLATES_DIR, engine=JinjaTemplateEngine),
    )
