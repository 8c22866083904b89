"""Where a `next=` (or any return address a request carries) may send a person: a path on this site only."""
from urllib.parse import urlsplit

MAX_TARGET = 2000  # longer is no path this site makes


def local_target(target: str | None, prefix: str = "/") -> str | None:
    """`target` if it is a path on this site under `prefix`, else None.

    Refused: absolute and scheme-relative addresses (`https://x`, `//x`), other schemes (`javascript:`), any
    backslash (browsers read it as `/`) and any control character (browsers drop a tab or newline inside an
    address, so `/\\t/evil.example` becomes `//evil.example`; a newline would also break the Location header).
    """
    if not target or len(target) > MAX_TARGET or not target.startswith(prefix):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
