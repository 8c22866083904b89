"""domain.permissions: who may hold and who may hand out each permission (pure rules, no database)."""
import itertools

import pytest

from backoffice.domain.enums import AdminRole
from backoffice.domain.permissions import (
    Holder,
    Level,
    Permission,
    ceiling,
    defaults,
    grant_refusal,
    grantable,
    may_grant,
    offerable_to_new,
    revoke_refusal,
)

P = Permission
ALL = frozenset(P)
# The demo tree's paths: GZ /1/, YX /1/2/, HZ /1/3/, YX-METRO /1/2/4/, HZ-PORT /1/3/5/.
PATHS = {"GZ": "/1/", "YX": "/1/2/", "HZ": "/1/3/", "YX-METRO": "/1/2/4/", "HZ-PORT": "/1/3/5/"}
LEVELS = {"GZ": Level.CITY, "YX": Level.DISTRICT, "HZ": Level.DISTRICT, "YX-METRO": Level.UNIT,
          "HZ-PORT": Level.UNIT}


def holder(code, uid, stored=ALL, role=AdminRole.ADMIN, active=True):
    return Holder(uid, role, LEVELS[code], PATHS[code], frozenset(stored), active)


def test_nobody_grants_to_themselves():
    me = holder("GZ", 1)
    for p in P:
        assert grant_refusal(me, me, p) == "不能给自己授予权限。"
        assert revoke_refusal(me, me, p) == "不能给自己收回权限。"


def test_nobody_grants_what_they_lack():
    granter = holder("YX", 1, stored={P.MANAGE_ACCOUNTS})
    grantee = holder("YX-METRO", 2, stored=())
    assert grant_refusal(granter, grantee, P.UNMASK) == "您自己没有“可查看完整信息”权限，不能授予。"
    assert revoke_refusal(granter, holder("YX-METRO", 3, stored={P.UNMASK}), P.UNMASK) == \
        "您自己没有“可查看完整信息”权限，不能收回。"
    assert may_grant(holder("YX", 1, stored={P.MANAGE_ACCOUNTS, P.UNMASK}), grantee, P.UNMASK)


def test_without_manage_accounts_nothing_is_granted():
    granter = holder("GZ", 1, stored=ALL - {P.MANAGE_ACCOUNTS})
    for p in P:
        assert grant_refusal(granter, holder("YX", 2, stored=()), p) == "您没有管理账号的权限。"


def test_only_downward_and_inside_the_subtree():
    for up, down in (("YX", "GZ"), ("YX-METRO", "YX"), ("YX", "HZ"), ("YX", "HZ-PORT")):
        assert grant_refusal(holder(up, 1), holder(down, 2, stored=()), P.PUBLISH_NOTICE) == \
            "只能管理本单位及下级单位的账号。", (up, down)
    assert may_grant(holder("YX", 1), holder("YX", 2, stored=()), P.UNMASK)  # a colleague of the same office


def test_a_unit_union_never_grants_unmask_but_may_hold_it():
    unit = holder("YX-METRO", 1)
    colleague = holder("YX-METRO", 2, stored=())
    assert grant_refusal(unit, colleague, P.UNMASK) == "基层工会不能授予“可查看完整信息”权限。"
    assert revoke_refusal(unit, holder("YX-METRO", 3, stored={P.UNMASK}), P.UNMASK) == \
        "基层工会不能收回“可查看完整信息”权限。"
    assert may_grant(holder("YX", 9), colleague, P.UNMASK)
    assert may_grant(unit, colleague, P.CREATE_PAYMENT_BATCH)


def test_the_ceiling_of_each_role_and_level():
    assert ceiling(AdminRole.ADMIN, Level.CITY) == ALL
    assert ceiling(AdminRole.ADMIN, Level.UNIT) == ALL - {P.PUBLISH_NOTICE}
    for level in Level:
        assert ceiling(AdminRole.REVIEWER, level) == {P.UNMASK}
    reviewer = holder("YX", 2, stored=(), role=AdminRole.REVIEWER)
    assert grant_refusal(holder("GZ", 1), reviewer, P.MANAGE_ACCOUNTS) == "区（产业）工会的审核员不能拥有“可管理账号”权限。"
    assert holder("YX", 3, stored=ALL, role=AdminRole.REVIEWER).permissions == {P.UNMASK}  # rows beyond: unused


def test_a_disabled_account_uses_nothing():
    assert holder("GZ", 1, active=False).permissions == frozenset()


@pytest.mark.parametrize("granter_code,grantee_code", list(itertools.product(PATHS, PATHS)))
def test_grant_matrix_every_pair_of_levels(granter_code, grantee_code):
    """The whole matrix: a grant happens exactly when every rule allows it."""
    granter, grantee = holder(granter_code, 1), holder(grantee_code, 2, stored=())
    for p in P:
        expected = (PATHS[grantee_code].startswith(PATHS[granter_code])
                    and not (p == P.UNMASK and LEVELS[granter_code] == Level.UNIT)
                    and p in ceiling(AdminRole.ADMIN, LEVELS[grantee_code]))
        assert may_grant(granter, grantee, p) is expected, (granter_code, grantee_code, p)


def test_forms_offer_only_what_can_be_changed():
    district = holder("YX", 1, stored={P.MANAGE_ACCOUNTS, P.PUBLISH_NOTICE})
    unit_admin = holder("YX-METRO", 2, stored={P.UNMASK, P.CREATE_PAYMENT_BATCH})
    # YX may not touch unmask or payment (it lacks them); publish_notice is beyond a unit's ceiling.
    assert grantable(district, unit_admin) == [P.MANAGE_ACCOUNTS]
    assert offerable_to_new(district) == [P.MANAGE_ACCOUNTS, P.PUBLISH_NOTICE]
    assert offerable_to_new(holder("YX-METRO", 3)) == [P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH]
    assert offerable_to_new(holder("GZ", 4, stored={P.UNMASK})) == []


def test_new_accounts_start_with_their_levels_defaults_and_never_unmask():
    assert defaults(AdminRole.ADMIN, Level.CITY) == ALL - {P.UNMASK}
    assert defaults(AdminRole.ADMIN, Level.DISTRICT) == {P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH}
    assert defaults(AdminRole.ADMIN, Level.UNIT) == {P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH}
    assert all(not defaults(AdminRole.REVIEWER, level) for level in Level)
