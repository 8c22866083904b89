"""Column types that keep personal numbers encrypted in the database and plain `str` (or a dict) in Python."""
import json

from sqlalchemy import String, Text
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from ..crypto import keyring

# Ciphertext of a value up to ~150 characters (numbers are far shorter): prefix, nonce, tag, base64.
STORED_LENGTH = 255


# Each write draws a fresh nonce, so `column == value` in SQL would silently match nothing: refuse it loudly.
REFUSED = {operators.eq, operators.ne, operators.lt, operators.le, operators.gt, operators.ge, operators.in_op,
           operators.not_in_op, operators.like_op, operators.ilike_op, operators.startswith_op,
           operators.endswith_op, operators.contains_op, operators.between_op}


class _Comparator(TypeDecorator.Comparator):
    def operate(self, op, *other, **kwargs):
        if op in REFUSED:
            raise TypeError(f"{self.expr} is encrypted: SQL cannot compare it (use its *_hash column)")
        return super().operate(op, *other, **kwargs)


class EncryptedString(TypeDecorator):
    """A string encrypted with the current data key on write and decrypted on read; `purpose` (id_number, card,
    mobile) is authenticated with it. SQL cannot compare these values: look rows up by their hash column."""
    impl = String(STORED_LENGTH)
    cache_ok = True
    comparator_factory = _Comparator

    def __init__(self, purpose: str, max_chars: int):
        super().__init__()
        self.purpose = purpose
        self.max_chars = max_chars  # the plaintext's limit (the stored text is longer)

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(str(value), self.purpose)

    def process_result_value(self, value, dialect):
        return None if value is None else keyring().decrypt(value, self.purpose)


class EncryptedJSON(TypeDecorator):
    """A JSON document (a verification result, which quotes the numbers the verifier read) stored encrypted."""
    impl = Text
    cache_ok = True
    purpose = "json"

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(json.dumps(value, ensure_ascii=False), self.purpose)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(keyring().decrypt(value, self.purpose))


def encrypted_columns(metadata):
    """(table, column name, type) for every encrypted column: what `xuebu rotate-keys` re-encrypts."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (EncryptedString, EncryptedJSON)):
                yield table, column.name, column.type
