"""Pure document checks: numpy image (+ expected values) in, CheckResult out."""
