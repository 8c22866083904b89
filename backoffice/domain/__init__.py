"""Business rules as plain functions over plain values: no Flask, no session."""
