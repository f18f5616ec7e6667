"""`diversion serve`: the API on the embedded default, with demo data and demo accounts the
first time."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Annotated

import typer

from diversion.cli.common import DbOption, HomeOption, out_console, store_for
from diversion.reference import package_file

if TYPE_CHECKING:
    from diversion.home import Home
    from diversion.store import Store

DEMO_USERS = (("demo-analyst", "analyst"), ("demo-supervisor", "supervisor"))


def first_start(where: Home, store: Store) -> list[tuple[str, str, str]]:
    """On an empty store: the demo accounts (returned with their passwords, to be shown once),
    the demo company registry, and the demo declarations screened into the queue."""
    from diversion.cases.users import Users
    from diversion.declarations import read_declarations
    from diversion.lists.snapshots import ListStore
    from diversion.network.registry_csv import read_registry_csv
    from diversion.screening.records import DeclarationRecords
    from diversion.service.screening import ScreeningService

    users = Users(store)
    made: list[tuple[str, str, str]] = []
    if not users.all():
        for username, role in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            users.add(username, role, username.replace("-", " ").title())
            users.set_password(username, password)
            made.append((username, role, password))
    lists = ListStore(store)
    if not lists.lists("registry"):  # the demo registry, for the owners and directors view
        folder = package_file("diversion", "data/demo/registry")
        lists.import_files(
            "registry-csv",
            [folder / "entities.csv", folder / "relations.csv"],
            "demo-registry",
            kind="registry",
            read=read_registry_csv,
        )
    if not len(DeclarationRecords(store)):
        read = read_declarations(package_file("diversion", "data/demo/declarations.csv"))
        ScreeningService(where, store).screen(read.declarations)
    return made


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            help="Address or network of a proxy in front of the server whose X-Forwarded-For "
            "is believed (repeat for several; or $DIVERSION_TRUSTED_PROXIES, comma-separated). "
            "Without one, the header is ignored.",
            show_default=False,
        ),
    ] = None,
    max_body: Annotated[
        int | None,
        typer.Option(
            help="Largest request body in bytes; larger ones get 413 "
            "(or $DIVERSION_MAX_BODY; default 10 MiB).",
            show_default=False,
            min=1,
        ),
    ] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Serve the HTTP API (OpenAPI reference at /docs). The first start on an empty store
    screens the demo declarations into the queue and creates two demo accounts, whose
    passwords are printed once."""
    import os

    import uvicorn

    from diversion.api.app import MAX_BODY_VAR, TRUSTED_PROXIES_VAR, create_app
    from diversion.cli.common import fail
    from diversion.web.security import MAX_BODY, parse_proxies

    proxies = trusted_proxy or os.environ.get(TRUSTED_PROXIES_VAR, "").split(",")
    proxies = [p for p in proxies if p.strip()]
    try:
        parse_proxies(proxies)
        limit = max_body or int(os.environ.get(MAX_BODY_VAR) or MAX_BODY)
    except ValueError as exc:
        fail(f"--trusted-proxy / --max-body: {exc}", 2)
    where, store = store_for(home, db)
    for username, role, password in first_start(where, store):
        out_console.print(f"Demo account [bold]{username}[/bold] ({role}), password: {password}")
    out_console.print(f"Diversion API on http://{host}:{port}/ (reference at /docs)")
    app = create_app(where, store, proxies, limit)
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
