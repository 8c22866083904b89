"""The Flask-Admin console at /admin/ (zh_CN by default): its wiring is in console.py, its pages beside it."""
