"""Content-addressed file storage for uploads under UPLOAD_DIR (the key is the sha256)."""
import hashlib
import os
from pathlib import Path

from flask import current_app


def _root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def key_for(sha256: str, ext: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.{ext}"


def save(data: bytes, ext: str) -> tuple[str, str]:
    """Store bytes once; returns (storage_key, sha256). Writes atomically so readers never see half a file."""
    digest = hashlib.sha256(data).hexdigest()
    key = key_for(digest, ext)
    path = _root() / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return key, digest


def load(key: str) -> bytes:
    return path_of(key).read_bytes()


def path_of(key: str) -> Path:
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("storage key escapes the upload directory")
    return path
