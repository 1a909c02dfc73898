"""Numbers and ids from the outside world: ASCII digits only, and never beyond what a database column holds.

`str.isdigit()` is true for "²" and "١٢" too, and `int()` then either fails or reads a number
nobody typed; an id of twenty digits overflows SQLite's and PostgreSQL's integers (a 500 from the
driver). Every place that turns text from a request into a number goes through here.
"""

MAX_ID = 2**63 - 1


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
