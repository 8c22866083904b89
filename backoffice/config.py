"""Configuration classes, chosen by XUEBU_ENV and overridden by the environment (contract §1)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    XUEBU_ENV = "demo"
    SECRET_KEY = "dev-not-secret-change-me"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{ROOT / 'instance' / 'xuebu.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL: str | None = None
    UPLOAD_DIR = str(ROOT / "instance" / "uploads")
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # request cap; per-file limit is 3 MB
    MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PASSWORD_HASH_METHOD = "scrypt"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # A Redis outage must not stop logins: the limits then hold per process in memory (and a warning is logged
    # and shown by /healthz) until Redis answers again; any other limiter error is logged, never a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    VERIFY_INLINE = True  # without Redis, uploads are verified in-process
    FLASK_ADMIN_SWATCH = "cerulean"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"  # absolute base for links printed outside a request
    NOTIFY_CHANNELS = "log"  # any of log, email, sms (comma-separated); see docs/operations.md


class ProductionConfig(Config):
    XUEBU_ENV = "production"
    SESSION_COOKIE_SECURE = True


class TestConfig(Config):
    XUEBU_ENV = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    SECRET_KEY = "test-secret"
    # Tests create hundreds of accounts; a cheap hash keeps them fast (production keeps scrypt).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


NOTIFY_SETTINGS = ("NOTIFY_CHANNELS", "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM",
                   "SMTP_SECURITY", "ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET", "ALIYUN_SMS_SIGN_NAME",
                   "ALIYUN_SMS_TEMPLATE", "ALIYUN_SMS_TEMPLATES", "ALIYUN_SMS_ENDPOINT")


def from_environment() -> type[Config]:
    env = os.environ.get("XUEBU_ENV", "demo")
    return ProductionConfig if env == "production" else Config


def apply_environment(app) -> None:
    """Environment variables win over the config class (contract §1)."""
    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    for key in ("REDIS_URL", "SECRET_KEY", "UPLOAD_DIR", "PUBLIC_BASE_URL", "VERIFY_QUEUE_NAME", "BULK_QUEUE_NAME",
                "XUEBU_DATA_KEYS", "XUEBU_LOOKUP_KEY"):
        if env.get(key):
            app.config[key] = env[key]
    for key in NOTIFY_SETTINGS:
        if env.get(key):
            app.config[key] = env[key]
    for key in ("VERIFY_HEARTBEAT", "VERIFY_STUCK_AFTER", "VERIFY_SWEEP_INTERVAL"):  # seconds
        if env.get(key):
            app.config[key] = float(env[key])
    if app.config.get("REDIS_URL"):
        app.config["VERIFY_INLINE"] = False
        if app.config["RATELIMIT_STORAGE_URI"] == "memory://":  # limits shared by every web process
            app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if app.config["XUEBU_ENV"] == "production" and app.config["SECRET_KEY"] == Config.SECRET_KEY:
        raise RuntimeError("XUEBU_ENV=production needs SECRET_KEY set in the environment")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://"):]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(uri, env)


def engine_options(uri: str, env) -> dict:
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    # Each pooled connection is checked before use, so the first request after a database restart (or a
    # network that dropped an idle connection) succeeds instead of answering 503. The check is one round
    # trip per checkout; XUEBU_DB_PRE_PING=0 turns it off where that matters more (a load test).
    pre_ping = env.get("XUEBU_DB_PRE_PING", "1") != "0"
    # One pooled connection per gunicorn thread plus the allocator thread (docker/gunicorn.conf.py: 24),
    # so a busy process never opens and closes overflow connections on every request.
    pool_size = int(env.get("XUEBU_DB_POOL_SIZE", "25"))
    return {"pool_pre_ping": pre_ping, "pool_recycle": 1800, "pool_size": pool_size, "max_overflow": 5}
