"""Public pages: the 公示 list and the objection form."""
