"""Russian and Central Asian names as German spells them, read the English way: `Jurij
Tschajka` is Yuriy Chayka, `Jelena Jampolskaja` Yelena Yampolskaya.

German exporters' records, the German press and the German-language aliases of the EU list
write names so. Romanisation keys cannot join the two spellings, because the same letters
stand for other sounds (German ch is х, English ch is ч; German ja, je, ju are я, е, ю, where
Central Asian spellings write ж as j), so a name with a word only German spelling makes is
read a second time, re-spelled (`transliteration.yml`, `german_reading`).
"""

from __future__ import annotations

from diversion.matching.text import to_ascii
from diversion.matching.text import words as words_of
from diversion.matching.vocabulary import vocabulary


def reading(name: str) -> str | None:
    """The name re-spelled the English way if one of its words is spelled as only German
    spells (`Schojgu`, `Lawrow`, `Jurij`), else None. Latin words only: a name in Cyrillic
    is read by the transliteration tables already."""
    german = vocabulary().german
    words = [to_ascii(word) for word in words_of(name) if word.isascii()]
    if not words or not any(german.marks(word) for word in words):
        return None
    read = " ".join(german.read(word) for word in words)
    return read if read != " ".join(words) else None
