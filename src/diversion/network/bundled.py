"""The fictional demo registry, linked in memory to the demo list, for `diversion demo`."""

from __future__ import annotations

from diversion.lists import SanctionsList
from diversion.matching import Matcher
from diversion.network.graph import Network
from diversion.network.links import find_links
from diversion.network.registry_csv import read_registry_csv
from diversion.reference import describe, package_file

DEMO_FILES = ("data/demo/registry/entities.csv", "data/demo/registry/relations.csv")


def demo_network(listing: SanctionsList, matcher: Matcher) -> Network:
    """The demo registry, its parties linked to the listed entities of `listing`."""
    paths = [package_file("diversion", name) for name in DEMO_FILES]
    entities = read_registry_csv(paths).entities
    links = [link for link, _ in find_links(entities, listing, matcher)]
    return Network.build(entities, links, [describe(path) for path in paths])
