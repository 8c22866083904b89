"""The Flask application factory: extensions, blueprints, the console, error pages and commands."""
import gc
from pathlib import Path

from flask import Flask, jsonify, request

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def settle() -> None:
    """Once a process has built the app: what it built lives as long as the process, so it leaves the cyclic
    collector's generations (gc.freeze). Measured on the scale bench: a full collection's pause 60–80 ms → 6–16 ms,
    which had been the odd slow page load. Called by gunicorn's post_worker_init (docker/gunicorn.conf.py)."""
    gc.collect()
    gc.freeze()


def create_app(config=None) -> Flask:
    app = Flask("backoffice", instance_relative_config=False)  # the package: its templates, static, logger
    from .inputs import install as install_input_guards
    install_input_guards(app)  # before any route: bounds <int:…> to the database's integer range
    app.config.from_object(config or config_module.from_environment())
    if config is None:
        config_module.apply_environment(app)
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_template_filters(app)
    register_blueprints(app)
    register_admin(app)
    register_errorhandlers(app)
    register_commands(app)
    from .security import install as install_security_headers
    install_security_headers(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import crypto, models  # noqa: F401  (registers the tables)
    crypto.init_app(app)  # the keys for personal data at rest: production refuses to start without them
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: app.config["BABEL_DEFAULT_LOCALE"])
    limiter.init_app(app)
    login_manager.init_app(app)
    from .auth.session import init_login
    init_login(app)
    from .services.queue import init_queue
    init_queue(app)


def register_template_filters(app: Flask) -> None:
    """The one way a page shows a time: `{{ value|beijing }}` (Beijing time, to the minute)."""
    from .domain.clock import beijing
    app.add_template_filter(beijing, "beijing")  # every time a person reads: Beijing time, to the minute


def register_blueprints(app: Flask) -> None:
    from .auth.views import bp as auth_bp
    from .web import bp as web_bp
    app.register_blueprint(auth_bp)
    app.register_blueprint(web_bp)
    from .api import views as api
    from .onboarding import views as onboarding
    from .portal import views as portal
    from .public import views as public
    for feature in (onboarding, portal, api, public):
        feature.register(app)


def register_admin(app: Flask) -> None:
    from .admin.console import init_admin
    init_admin(app)


def register_errorhandlers(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]  # e.g. Allow
            return jsonify(error=code, detail=exc.description), exc.code, headers
        from flask import render_template
        return render_template("error.html", error=exc), exc.code

    from concurrent.futures import TimeoutError as WaitedTooLong

    from sqlalchemy.exc import InterfaceError, OperationalError

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(WaitedTooLong)
    def unavailable(exc: Exception):
        """The database is down or overloaded: 503, and the applicant is told to look before retrying."""
        app.logger.error("database unavailable: %s", exc)
        db.session.rollback()
        if wants_json():
            return jsonify(error="service_unavailable",
                           detail="The database is temporarily unavailable; try again shortly. A submit may "
                                  "have gone through: check the application's status before retrying."), 503
        from flask import render_template
        return render_template("error.html", error=None, unavailable=True), 503

    from sqlalchemy.exc import DataError

    @app.errorhandler(DataError)
    def unstorable_value(exc: DataError):
        """A value the database refused (out of range, too long): the request was bad, nothing was stored."""
        app.logger.warning("value refused by the database: %s", exc.orig)
        db.session.rollback()
        if wants_json():
            return jsonify(error="invalid_input", detail="A value is out of range or too long; nothing was "
                                                         "changed."), 400
        from flask import render_template
        return render_template("error.html", error=None, bad_text=True), 400

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        if wants_json():
            return jsonify(error="internal_error", detail="Internal error; nothing was changed."), 500
        from flask import render_template
        return render_template("error.html", error=None), 500


def register_commands(app: Flask) -> None:
    from .cli import register
    register(app)
