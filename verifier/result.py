"""Result types shared by every check: one CheckResult per check, serialised per contract §5."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASS, FAIL, UNSURE = "pass", "fail", "unsure"


@dataclass
class CheckResult:
    name: str
    status: str
    confidence: float
    value: Any = None
    detail: str = ""
    box: list[int] | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "confidence": round(float(self.confidence), 3),
            "value": self.value,
            "detail": self.detail,
            "box": [int(v) for v in self.box] if self.box is not None else None,
        }


@dataclass
class DocImage:
    """A located, straightened document plus the map back to the uploaded image's pixels."""
    original: Any                     # BGR image as uploaded (after decode)
    doc: Any                          # BGR canonical view of the document
    to_original: Any = None           # 3x3 homography doc -> original, or None for identity
    notes: list[str] = field(default_factory=list)
