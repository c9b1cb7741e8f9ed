"""CLI for the web service: ``zhifa serve`` (uvicorn, one worker) and credentials (``zhifa tokens …``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from web.credentials import TOKEN_ROLES, Credentials, holds_role
from web.followers import DEFAULT_MODE, MODES
from zhifa.console import EXIT_INVALID, err_console, fail, open_store
from zhifa.settings import Settings

if TYPE_CHECKING:
    from web.services import WebOptions


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-follow", is_flag=True, help="run neither the sealer nor the projections (another process follows the log)")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="one JSON log line per request")
@click.option("--followers", type=click.Choice(MODES), default=DEFAULT_MODE, show_default=True,
              help="run the sealer and projections as one child process (on another core) or as threads of the server")
@click.option("--base-url", default=None,
              help="the public URL feeds link to (self, archives, items, proofs); default http://HOST:PORT")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, no_follow: bool, access_log: bool, followers: str,
          base_url: str | None) -> None:
    """Serve the APIs, tiles, feeds and portal (one worker over the ledger; docs at /docs)."""
    import uvicorn

    from web.app import create_app

    store = open_store(settings)
    origin = store.meta("origin")
    store.close()
    if origin is None:
        fail("no ledger here: run `zhifa init` or `zhifa demo` first")
    options = serve_options(no_follow=no_follow, access_log=access_log, followers=followers, host=host, port=port,
                            base_url=base_url)
    app = create_app(settings, options=options)
    err_console.print(f"serving {origin} at http://{host}:{port}  (docs http://{host}:{port}/docs)")
    uvicorn.run(app, host=host, port=port, workers=1, log_config=None, access_log=False, lifespan="on")


def serve_options(*, no_follow: bool = False, access_log: bool = True, followers: str = DEFAULT_MODE,
                  host: str = "127.0.0.1", port: int = 8000, base_url: str | None = None) -> WebOptions:
    """The web options ``zhifa serve`` runs with for these flags (its defaults: what bench/web.py measures).

    Feeds are documents with absolute links (their ``self``, RFC 5005 archive links, items and proofs): they
    name the address the server listens on, or ``base_url`` when it is reached through another (a proxy)."""
    from web.services import WebOptions

    return WebOptions(follow=not no_follow, request_log=access_log, followers=followers,
                      base_url=(base_url or listen_url(host, port)).rstrip("/"))


def listen_url(host: str, port: int) -> str:
    """``http://host:port``, an IPv6 literal in brackets (RFC 3986 §3.2.2)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@click.group()
def tokens() -> None:
    """Bearer tokens for the case and supervisor APIs (stored hashed; shown once), and parties' access codes."""


@tokens.command("new")
@click.option("--person", required=True, help="person id registered in the ledger (or a court's name)")
@click.option("--role", required=True, type=click.Choice(TOKEN_ROLES))
@click.pass_obj
def tokens_new(settings: Settings, person: str, role: str) -> None:
    """Issue a token for PERSON acting as ROLE; the token is printed once, alone on the last line."""
    from ledger.writer import Writer

    store = open_store(settings)
    try:
        if store.meta("origin") is None:
            fail("no ledger here: run `zhifa init` first")
        registry = Writer(store).registry
        if not holds_role(registry, person, role):
            fail(f"{person} is not registered with role {role!r} in this ledger", EXIT_INVALID)
        token = Credentials(store).issue_token(person, role)
    finally:
        store.close()
    err_console.print(f"token for {person} as {role} (stored hashed; this is the only time it is shown):")
    click.echo(token)


@tokens.command("revoke")
@click.argument("token", required=False)
@click.option("--person", default=None, help="revoke every token of this person instead")
@click.pass_obj
def tokens_revoke(settings: Settings, token: str | None, person: str | None) -> None:
    """Revoke TOKEN, or every token of --person."""
    if (token is None) == (person is None):
        fail("give a TOKEN or --person")
    store = open_store(settings)
    try:
        n = Credentials(store).revoke_token(token, person=person)
    finally:
        store.close()
    if n == 0:
        fail("no such active token", EXIT_INVALID)
    click.echo(f"revoked {n} token(s)")


@tokens.command("access-code")
@click.option("--case", "case_id", required=True, help="the case the code opens (its bundle only)")
@click.option("--issued-by", required=True, help="the supervisor or officer issuing it (person id)")
@click.pass_obj
def tokens_access_code(settings: Settings, case_id: str, issued_by: str) -> None:
    """Issue a party's access code for one case (stored hashed; printed once, alone on the last line)."""
    from ledger.writer import Writer

    store = open_store(settings)
    try:
        if store.stream_state(case_id) is None or ":" in case_id:
            fail(f"no case {case_id!r} in this ledger", EXIT_INVALID)
        registry = Writer(store).registry
        if not any(holds_role(registry, issued_by, r) for r in ("supervisor", "officer", "agency_head")):
            fail(f"{issued_by} is not a registered supervisor, officer or agency head", EXIT_INVALID)
        code = Credentials(store).issue_access_code(case_id, issued_by)
    finally:
        store.close()
    err_console.print(f"access code for case {case_id} (give it to the party; shown once):")
    click.echo(code)
