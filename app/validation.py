"""Bad input with a message per field, and JSON read within bounds (pure: no Flask, no database)."""
import json
import re

JSON_MAX_DEPTH = 16  # a session log is 2 levels deep, a batch of them 4
_SIGNIFICANT = re.compile(rb'[\[\]{}"\\]')  # what can change the depth: brackets, quotes, backslashes


class FieldErrors(ValueError):
    """``errors`` maps each bad field to a message a person can act on."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {m}" for k, m in errors.items()))
        self.errors = errors


class JsonError(ValueError):
    """A request body that isn't JSON Limber will read; the message is for the client."""


def parse_json(raw, max_depth=JSON_MAX_DEPTH):
    """The JSON in ``raw`` (bytes), refusing nesting deeper than ``max_depth`` before parsing it.

    The depth is measured on the text, outside strings, in one linear pass, so a body nested
    a thousand levels deep is refused before the parser's recursion could be exhausted.
    """
    depth, in_string, escaped_at = 0, False, -1
    for found in _SIGNIFICANT.finditer(raw):
        at, char = found.start(), found.group()
        if at == escaped_at:
            continue
        if in_string:
            if char == b"\\":
                escaped_at = at + 1
            elif char == b'"':
                in_string = False
        elif char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                raise JsonError(f"JSON nested more than {max_depth} levels deep")
        elif char in (b"]", b"}"):
            depth -= 1
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise JsonError("the body is not valid JSON") from exc
