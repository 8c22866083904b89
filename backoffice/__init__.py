"""xuebu back office. `create_app` (backoffice.factory) loads Flask on first use, so the plain-Python core
(`backoffice.domain`) can be imported, tested and read without the web stack (PEP 562)."""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from .factory import create_app
        return create_app
    raise AttributeError(f"module 'backoffice' has no attribute {name!r}")
