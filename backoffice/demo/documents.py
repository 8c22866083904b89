"""Realistic demo uploads for a few applications, rendered with the verifier's synthetic generator.

The demo world should show reviewers what the automatic checks find, so a handful of in-review applications get
phone photos of documents carrying their own name and ID number — some with a planted problem (no seal, a
mistyped ID number, a different given name, a bank card failing Luhn) — and are verified like real uploads.
"""
import datetime as dt

import numpy as np

from ..domain.enums import DocumentKind

# A planted problem per showcase application (None: everything in order).
PROBLEMS = [None, "no_seal", "id_mismatch", None, "other_name", "bad_card", None, "no_photo"]


def render_documents(seed: int, name: str, id_number: str, unit: str, card: str,
                     problem: str | None) -> dict[DocumentKind, bytes]:
    from verifier.synth import cards, common, distort, pages
    rng = np.random.default_rng(seed)
    common.set_style(rng)
    birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    female = int(id_number[16]) % 2 == 0
    printed_id = common.mutate_digits(rng, id_number, 1, keep_check=False) if problem == "id_mismatch" else id_number
    printed_name = common.same_surname_other(rng, name) if problem == "other_name" else name
    printed_card = card[:-1] + str((int(card[-1]) + 1) % 10) if problem == "bad_card" else card
    docs = {
        DocumentKind.APPLICATION_FORM: pages.application_form(
            rng, name, id_number, unit, "blank" if problem == "no_photo" else "face",
            "none" if problem == "no_seal" else "red", red_confounders=True),
        DocumentKind.ID_CARD_FRONT: cards.id_front(rng, printed_name, printed_id, female, birth),
        DocumentKind.ID_CARD_BACK: cards.id_back(rng, cards.validity_text(dt.date.today().replace(day=1)
                                                                          - dt.timedelta(days=3 * 365), 20)),
        DocumentKind.BANK_CARD: cards.bank_card(rng, printed_card),
        DocumentKind.DIPLOMA: pages.diploma(rng, name),
    }
    return {kind: distort.encode(distort.as_photo(doc, rng), rng)[0] for kind, doc in docs.items()}
