"""Text hygiene shared by every format: keep only characters XML 1.0 can carry, so all three formats agree."""

from __future__ import annotations

import re

# XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
# lxml (and so feedgen) raises on anything else: C0 controls but tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (C0 controls other than \\t \\n \\r, surrogates, U+FFFE/F)."""
    return _NOT_XML_CHAR.sub("", text)


def xml_safe_opt(text: str | None) -> str | None:
    return None if text is None else xml_safe(text)
