"""Numbers, ids and text from the outside world: ASCII digits only, never beyond what a database
column holds, and no control characters.

`str.isdigit()` is true for "²" and "١٢" too, and `int()` then either fails or reads a number
nobody typed; an id of twenty digits overflows SQLite's and PostgreSQL's integers (a 500 from the
driver). Every place that turns text from a request into a number goes through here.
"""

import re

MAX_ID = 2**63 - 1

# C0 control characters other than tab, newline and carriage return, and the two non-characters
# U+FFFE/U+FFFF: nobody types them, XML 1.0 cannot carry them (one in a description made the
# Open311 feed malformed for everyone), Excel refuses them (an export of such a row failed),
# and NUL cannot be stored by PostgreSQL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def has_control_characters(value) -> bool:
    """True when a text, or any text inside a list or dict (keys included), holds one."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if CONTROL_CHARACTERS.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def without_control_characters(text: str) -> str:
    """For output of what was stored before the input refused them."""
    return CONTROL_CHARACTERS.sub("", text)


def is_digits(value) -> bool:
    """Only the ASCII digits 0–9 (at least one)."""
    text = str(value)
    return text.isascii() and text.isdigit()


def bounded_int(value, *, low: int, high: int) -> int | None:
    """`value` as an int within [low, high] (an int, or text of ASCII digits with an optional
    leading minus); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if len(text) > 20 or not is_digits(text.removeprefix("-")):
            return None
        number = int(text)
    return number if low <= number <= high else None


def record_id(value) -> int | None:
    """A positive id that a database column can hold, or None."""
    return bounded_int(value, low=1, high=MAX_ID)


def record_ids(values, *, limit: int = 1000) -> list[int]:
    """The valid ids among `values` (at most `limit` of them), in order, without repeats."""
    out: list[int] = []
    for value in values or ():
        number = record_id(value)
        if number is not None and number not in out:
            out.append(number)
            if len(out) >= limit:
                break
    return out


def bounded_ints(values, *, low: int, high: int, limit: int = 1000) -> list[int]:
    """The numbers within [low, high] among `values`, in order, without repeats."""
    out: list[int] = []
    for value in values or ():
        number = bounded_int(value, low=low, high=high)
        if number is not None and number not in out:
            out.append(number)
            if len(out) >= limit:
                break
    return out
