"""Synthetic, labelled document images for developing and measuring the checks (not used in production)."""
