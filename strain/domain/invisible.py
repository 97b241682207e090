"""Characters that change how text shows without showing themselves: refused in names, made visible in notes.

- Bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, the marks
  U+200E, U+200F and U+061C) reorder the text around them: "Ann" + U+202E + "gnp.exe" shows as
  "Annexe.png".
- Other format characters (Unicode category Cf: a zero-width space, a soft hyphen, a byte-order
  mark, a word joiner) show as nothing: "Ann" and "Ann" + U+200B look the same and would be two people.

Some format characters are how a script or an emoji is written, and stay: a zero-width joiner or
non-joiner between two letters of a script that is not Latin, Greek or Cyrillic (Arabic, Persian,
the Indic scripts) or inside an emoji sequence (a family, a profession), the tag characters of a
subdivision flag, and the prepended concatenation marks (Arabic number signs), which are visible.

A name with one of the others is refused (strain.domain.validation.name_problem, progress.seat_name_problem),
saying which. A note keeps what was typed (a note in Hebrew or Arabic may need a direction mark, and
an export gives back what was saved), and where it is shown it shows each of them as its code,
"[U+202E]" (`visible`).
"""

from __future__ import annotations

import unicodedata

import regex

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_JOINING_LETTER = r"[[\p{L}\p{M}]--[\p{Latin}\p{Greek}\p{Cyrillic}\p{Common}\p{Inherited}]]"
_ALLOWED = (
    r"\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"  # a subdivision flag: black flag, tags, cancel tag
    rf"|(?<={_JOINING_LETTER})[\u200c\u200d](?={_JOINING_LETTER})"
    r"|(?<=[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F])\u200d(?=\p{Extended_Pictographic})"
    r"|\p{Prepended_Concatenation_Mark}"
)
_FORMAT = regex.compile(rf"(?P<allowed>{_ALLOWED})|\p{{Cf}}", regex.V1)


def hidden(text: str) -> list[str]:
    """The bidirectional controls and invisible format characters in `text`, in order (see the module)."""
    return [found[0] for found in _FORMAT.finditer(text) if not found["allowed"]]


def code(character: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: a character that cannot be shown, named."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'format character')}"


def problem(text: str, what: str) -> str | None:
    """What is wrong with a name (`what`: "a name", "a seat's name") that has one of these characters, if it has."""
    found = hidden(text)
    if not found:
        return None
    if any(character in BIDI_CONTROLS for character in found):
        first = next(character for character in found if character in BIDI_CONTROLS)
        return (
            f"{what} cannot contain a character that changes the direction of the text ({code(first)}): "
            "it can make a name show as another"
        )
    return f"{what} cannot contain an invisible character ({code(found[0])}): remove it and type the name again"


def visible(text: str) -> str:
    """`text` with each of these characters shown as its code point, "[U+202E]"; the rest as it is."""
    return _FORMAT.sub(lambda found: found[0] if found["allowed"] else f"[U+{ord(found[0]):04X}]", text)
