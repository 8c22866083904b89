"""The dashboard's review times per level: computed from the history, kept in Redis for a while (a city's history
is long), warmed by the worker once per interval across all workers, and computed in place when Redis is down."""
import pytest

from backoffice.extensions import db
from backoffice.services import dashboard, housekeeping

pytestmark = pytest.mark.redis


def test_level_times_are_kept_and_warmed_once_per_interval(redis_app):
    app = redis_app()
    from backoffice.demo.seed import ensure_demo_orgs
    orgs = ensure_demo_orgs()
    db.session.commit()
    redis = app.extensions["xuebu_redis"]
    calls = []
    real = dashboard.level_waits
    dashboard.level_waits = lambda org: calls.append(org.code) or real(org)
    try:
        dashboard._median_days_per_level(orgs["YX-METRO"])
        dashboard._median_days_per_level(orgs["YX-METRO"])
        assert calls == ["YX-METRO"]  # the second answer came from Redis
        assert 0 < redis.ttl(dashboard.levels_key(orgs["YX-METRO"].id)) <= dashboard.LEVELS_TTL
        housekeeping._warm_dashboard()
        housekeeping._warm_dashboard()  # within the interval: nothing more
        assert sorted(calls[1:]) == ["GZ", "HZ", "YX"]
    finally:
        dashboard.level_waits = real  # the keys carry the test's own prefix and are removed with it


def test_with_redis_down_the_times_are_computed_in_place(redis_app, own_redis):
    app = redis_app(REDIS_URL=own_redis.url)
    from backoffice.demo.seed import ensure_demo_orgs
    orgs = ensure_demo_orgs()
    db.session.commit()
    own_redis.kill()
    assert dashboard._median_days_per_level(orgs["GZ"]) == []  # no history yet, and no error
