"""The command groups of `diversion` (lists, flows, cases …), each built when it is used.

Typer builds a click command for every function of every group before it runs one: it reads
each signature and its annotations. For all the groups together that took longer than the
rest of `diversion version`. The top-level group here holds a stand-in for each group, with the
group's one-line help for `diversion --help`, and builds the real group (importing its module)
only when the command line names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer import _click


@dataclass(frozen=True)
class Group:
    module: str  # under diversion.cli
    attribute: str  # the module's typer.Typer
    help: str  # as the module's typer.Typer says it (a test holds them equal)


GROUPS = {
    "lists": Group("lists", "app", "Sanctions and export-control lists."),
    "licences": Group(
        "licences",
        "app",
        "The licence register: add, import, inspect, suspend, revoke; accept and cancel "
        "declarations, which draw on licences and give back.",
    ),
    "goods": Group("goods", "app", "Goods codes and control lists."),
    "match": Group("match", "app", "The name matching engine: query, score pairs, evaluate."),
    "network": Group("network", "app", "Company registries, ownership and officers."),
    "flows": Group(
        "flows",
        "app",
        "Trade statistics: load them, find surges, roundabout routes, ghost trade, unit-value "
        "gaps and policy impact, and write reports.",
    ),
    "cases": Group("cases", "cases_app", "The queue of yellow and red declarations."),
    "users": Group("cases", "users_app", "The people who work cases, and their roles."),
    "audit": Group("cases", "audit_app", "The append-only, hash-chained audit log."),
}


def typer_app(name: str) -> typer.Typer:
    """The group's typer.Typer, from its module."""
    group = GROUPS[name]
    app: typer.Typer = getattr(import_module(f"diversion.cli.{group.module}"), group.attribute)
    return app


class LazyGroup(TyperGroup):
    """A top-level group whose command groups are stand-ins until the command line names one."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._stand_ins: dict[str, _click.Command] = {}
        for name, group in GROUPS.items():
            stand_in = TyperGroup(name=name, help=group.help, no_args_is_help=True)
            self._stand_ins[name] = stand_in
            self.commands[name] = stand_in

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name = args[0] if args else None
        if name in GROUPS and self.commands.get(name) is self._stand_ins.get(name):
            real = typer.main.get_group(typer_app(name))
            real.name = name
            self.commands[name] = real
        return super().resolve_command(ctx, args)
