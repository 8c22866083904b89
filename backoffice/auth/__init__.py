"""Admin authentication: login, logout, session validity."""
