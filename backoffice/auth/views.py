"""/login, /logout and the password change page for admins."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..domain.auth import password_problems
from ..domain.redirects import local_target
from ..extensions import db, limiter
from ..services import accounts, audit
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.username.data, form.password.data, request.remote_addr)
        if result.user is not None:
            session.clear()  # a fresh session at login: no fixation
            login_user(result.user)
            if result.user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(local_target(request.args.get("next")) or url_for("admin.index"))
        flash(result.error, "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Only a POST (with its CSRF token) logs out; a GET, from a link or from another site's <img>, only asks."""
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return render_template("auth/logout.html")
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        accounts.end_sessions(user)
        audit.record("logout", actor=user, ip=request.remote_addr)
        db.session.commit()
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        from werkzeug.security import check_password_hash
        problems = password_problems(form.new.data, user.username)
        if not check_password_hash(user.password_hash, form.current.data):
            flash("当前密码不正确。", "danger")
        elif problems:
            for p in problems:
                flash(p, "danger")
        else:
            accounts.set_password(user, form.new.data)
            audit.record("password_changed", actor=user, target=user)
            db.session.commit()
            login_user(user)  # keep this session, with the new version
            flash("密码已修改。", "success")
            return redirect(url_for("admin.index"))
    return render_template("auth/change_password.html", form=form)
