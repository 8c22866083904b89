"""Personal data at rest: AES-GCM encryption of ID, card and mobile numbers and HMAC lookup hashes (issue #17).

Keys come from the environment: XUEBU_DATA_KEYS is `keyid:base64key,...` (32-byte AES keys; the first encrypts,
every one decrypts, so a retired key stays listed until `xuebu rotate-keys` has re-encrypted its rows) and
XUEBU_LOOKUP_KEY a base64 HMAC key for the hash columns that serve exact lookups and uniqueness. The lookup key is
separate so that rotating the data key leaves every hash (and every unique index) as it was. Outside production
both are derived from SECRET_KEY so `make run` and the tests need no configuration.
"""
import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DEV_KEY_ID = "dev"


class KeyringError(RuntimeError):
    """The keys are missing or malformed (the app refuses to start), or a value cannot be decrypted."""


@dataclass
class Keyring:
    data_keys: dict[str, bytes]          # key id -> 32-byte AES key, in the order given
    lookup_key: bytes
    current: str = ""
    _ciphers: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.current = self.current or next(iter(self.data_keys))
        self._ciphers = {kid: AESGCM(key) for kid, key in self.data_keys.items()}

    def encrypt(self, plaintext: str, purpose: str) -> str:
        """`v1:<key id>:<base64(nonce | ciphertext | tag)>`; the purpose (a column kind) is authenticated data,
        so a card number's ciphertext pasted into an ID column does not decrypt."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current].encrypt(nonce, plaintext.encode(), purpose.encode())
        return f"{VERSION}:{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, purpose: str) -> str:
        if not is_encrypted(stored):  # written before the migration or by hand: `xuebu rotate-keys` encrypts it
            return stored
        _, kid, body = stored.split(":", 2)
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise KeyringError(f"data key {kid!r} is not in XUEBU_DATA_KEYS (it still encrypts some rows)")
        raw = base64.b64decode(body)
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode()).decode()
        except InvalidTag as exc:
            raise KeyringError(f"a {purpose} value under key {kid!r} does not decrypt (wrong key or altered)") from exc

    def lookup_hash(self, value: str, purpose: str) -> str:
        """Hex HMAC-SHA256 of the normalised value: equal values give equal hashes, so exact lookups and unique
        indexes work on it while the number itself stays encrypted."""
        message = f"{purpose}:{value.strip().upper()}".encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()

    def key_id(self, stored: str) -> str | None:
        return stored.split(":", 2)[1] if is_encrypted(stored) else None


def is_encrypted(stored: str) -> bool:
    return stored.startswith(VERSION + ":") and stored.count(":") >= 2


def _derived(secret: str, label: str) -> bytes:
    return hmac.new(secret.encode(), f"xuebu {label}".encode(), hashlib.sha256).digest()


def _b64_key(text: str, what: str, size: int | None = 32) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyringError(f"{what} is not valid base64") from exc
    if len(key) != size if size else len(key) < 32:
        raise KeyringError(f"{what} must be {size or 'at least 32'} bytes (`openssl rand -base64 32`)")
    return key


def parse_data_keys(spec: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        kid, sep, b64 = item.partition(":")
        if not sep or not KEY_ID.match(kid):
            raise KeyringError("XUEBU_DATA_KEYS must be `keyid:base64key,…` (key ids: letters, digits, - or _)")
        if kid in keys:
            raise KeyringError(f"XUEBU_DATA_KEYS lists key id {kid!r} twice")
        keys[kid] = _b64_key(b64, f"XUEBU_DATA_KEYS key {kid!r}")
    if not keys:
        raise KeyringError("XUEBU_DATA_KEYS lists no key")
    return keys


def keyring_from_config(config) -> Keyring:
    """Production needs both keys set; elsewhere a missing one is derived from SECRET_KEY."""
    data_spec, lookup = config.get("XUEBU_DATA_KEYS"), config.get("XUEBU_LOOKUP_KEY")
    if config.get("XUEBU_ENV") == "production" and not (data_spec and lookup):
        raise KeyringError("XUEBU_ENV=production needs XUEBU_DATA_KEYS and XUEBU_LOOKUP_KEY set in the environment "
                        "(personal data is encrypted at rest; see docs/operations.md, Keys)")
    secret = config["SECRET_KEY"]
    data_keys = parse_data_keys(data_spec) if data_spec else {DEV_KEY_ID: _derived(secret, "data key v1")}
    lookup_key = _b64_key(lookup, "XUEBU_LOOKUP_KEY", None) if lookup else _derived(secret, "lookup key v1")
    return Keyring(data_keys, lookup_key)


def init_app(app) -> None:
    app.extensions["xuebu_keyring"] = keyring_from_config(app.config)


def keyring() -> Keyring:
    from flask import current_app
    return current_app.extensions["xuebu_keyring"]


def lookup_hash(value: str | None, purpose: str = "id_number") -> str | None:
    return None if value is None else keyring().lookup_hash(value, purpose)
