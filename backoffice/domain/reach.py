"""What each level of the union tree may do in the console (menus and buttons follow this; the services enforce
ownership themselves). One place, so the security work's permission table can replace it whole."""

CITY = "city"


def can_publish_notices(org_kind: str, role: str) -> bool:
    """公示 is published by the city union that runs the programme."""
    return role == "admin" and org_kind == CITY


def can_create_payments(org_kind: str, role: str, owns_funding_line: bool = False) -> bool:
    """发放批次: the city pays the subsidy; a lower level pays only its own matching subsidy (配套补助)."""
    return role == "admin" and (org_kind == CITY or owns_funding_line)
