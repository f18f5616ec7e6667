"""The common words of firm names (`matching/data/common_words.yml`) on the real lists.

Prints, for every common word, how many listed firms (distinct captions; not people) use it and
in how many countries; then every pair of listed firm names that share a common word and that
the common-words cap (`Settings.common_words_cap`) scores lower than the name alone would: the
names of one listed firm (a recall the cap gives up at the blocking threshold) and names of
different firms (false matches it keeps below blocking), with the scores before and after.

    .venv/bin/python benchmarks/common_words.py      # reads ../shared/data/lists

Prints the figures; asserts nothing.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from matching import SHARED, real_list_entries

BLOCK = 0.90  # screening's party.sanctioned blocks from here (reviews from 0.80)


def main() -> None:
    from diversion.matching.analysis import analyse_all
    from diversion.matching.features import common_words
    from diversion.matching.index import Entry
    from diversion.matching.scoring import Listed, Query, score
    from diversion.matching.settings import DEFAULTS

    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is missing: this script reads ../shared/data beside the clone")
    common = common_words().common
    without_cap = DEFAULTS.with_overrides({"common_words_cap": 1.0})
    firms: dict[str, set[str]] = defaultdict(set)  # word -> captions
    countries: dict[str, set[str]] = defaultdict(set)
    named: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # word -> names
    for entry, names in real_list_entries():
        assert isinstance(entry, Entry)
        if entry.schema == "Person":
            continue
        for written in names:
            for name in analyse_all(written, entry.schema):
                for part in name.words:
                    if part.text in common or part.key in common:
                        firms[part.text].add(entry.caption.casefold())
                        countries[part.text].update(entry.countries)
                        named[part.text].append(
                            (entry.entity_id, entry.caption.casefold(), written, entry.schema)
                        )
    print("common word: listed firms using it, countries")
    for word in sorted(firms, key=lambda w: (-len(firms[w]), w)):
        print(f"  {word}: {len(firms[word])}, {len(countries[word])}")
    capped: dict[bool, list[tuple[float, float, str, str]]] = {True: [], False: []}
    seen: set[tuple[str, str]] = set()
    for items in named.values():
        for x, y in itertools.combinations(list(dict.fromkeys(items)), 2):
            if x[2] == y[2] or (x[2], y[2]) in seen:
                continue
            seen.add((x[2], y[2]))
            query = Query(x[2], x[3])
            listed = Listed(y[0], y[3], analyse_all(y[2], y[3]))
            before = score(query, query.names(), listed, settings=without_cap).score
            after = score(query, query.names(), listed).score
            if after < before:
                one_firm = x[0] == y[0] or x[1] == y[1]
                capped[one_firm].append((before, after, x[2], y[2]))
    for one_firm, title in ((True, "names of one listed firm"), (False, "different firms")):
        rows = sorted(capped[one_firm], reverse=True)
        blocked = sum(before >= BLOCK for before, *_ in rows)
        print(f"{title}: {len(rows)} pairs capped, {blocked} of them blocked without the cap")
        for before, after, a, b in rows:
            print(f"  {before:.2f} -> {after:.2f}  {a} | {b}")


if __name__ == "__main__":
    main()
