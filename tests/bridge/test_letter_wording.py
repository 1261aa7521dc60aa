"""Legal wording, tone and grammar of the letters, item by item (issue 16).

Each test renders the letter a reader in that country and language gets and asserts on its
text: what a bookkeeper or a lawyer there would check first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest

from bridge.engine.letters import compose
from bridge.store.codec import decision_dict, decision_from_dict
from bridge.vocab.domain import ActionKind, Customer, CustomerKind, Letter, StepRecord
from policies.steps import default_name, default_steps
from tests.bridge.letter_fixtures import (
    COUNTRY_OF,
    CUSTOMER,
    INVOICES,
    UPCOMING,
    creditor,
    history,
    letter,
)
from tests.policies.factories import invoice, run, snapshot

LANGS = ("da", "nb", "sv", "fi", "en")
CONSUMER = dataclasses.replace(CUSTOMER, kind=CustomerKind.CONSUMER, name="Jens Hansen")
FIRST_REMINDER = history()[:2]  # 22 January 2026, both invoices
BOTH_REMINDERS = history()[:4]  # and 1 February 2026


def _text(
    lang: str,
    action: ActionKind,
    step: int,
    country: str | None = None,
    *,
    past: Sequence[StepRecord] = (),
    customer: Customer = CUSTOMER,
    shaped: Letter | None = None,
) -> str:
    country = country or COUNTRY_OF[lang]
    return compose(
        shaped or letter(action, step, country),
        customer,
        {**INVOICES, **UPCOMING},
        creditor=creditor(country),
        lang=lang,
        country=country,
        open_invoices=INVOICES.values(),
        history=past,
    ).text


def _step(shaped: Letter, *, name: str = "", tone: str = "") -> Letter:
    """The letter as a ladder step with this name and tone would make it."""
    decisions = tuple(dataclasses.replace(d, name=name, tone=tone) for d in shaped.decisions)
    return dataclasses.replace(shaped, decisions=decisions)


def _varsel() -> list[StepRecord]:
    return [
        StepRecord(
            invoice_id=i,
            action=ActionKind.COLLECTION_WARNING,
            step=2,
            date=date(2026, 1, 20),
            deadline=date(2026, 2, 3),
        )
        for i in INVOICES
    ]


# -- Norway's betalingsoppfordring: the date interest runs from -------------------------------


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        (
            "nb",
            "Forsinkelsesrenten løper fra 20. januar 2026 (faktura 1001, 12,00 % per år) "
            "og fra 27. januar 2026 (faktura 1002, 12,00 % per år) til betaling skjer.",
        ),
        (
            "en",
            "Late-payment interest runs from 20 January 2026 (invoice 1001, 12.00 % per annum) "
            "and from 27 January 2026 (invoice 1002, 12.00 % per annum) until payment is made.",
        ),
    ],
)
def test_the_betalingsoppfordring_states_the_day_interest_runs_from(lang: str, says: str) -> None:
    demand = _text(lang, ActionKind.COLLECTION_WARNING, 3, "NO", past=_varsel())
    assert says in demand
    # The inkassovarsel (§ 9) before it has no such line.
    assert says not in _text(lang, ActionKind.COLLECTION_WARNING, 3, "NO")


def test_the_betalingsoppfordring_names_the_purring_and_the_varsel_before_it() -> None:
    demand = _text("nb", ActionKind.COLLECTION_WARNING, 3, "NO", past=[*_varsel(), *FIRST_REMINDER])
    assert (
        "Til tross for vår purring av 22. januar 2026 og vårt inkassovarsel av 20. januar 2026 "
        "har vi ikke mottatt betaling for følgende krav, som gjelder fakturerte varer og tjenester:"
    ) in demand
    assert "Kreditor: Kontorhjørnet ApS (org.nr. 87654321)." in demand


# -- Interest after a part-payment: each stretch with the capital it ran on ---------------------


@pytest.mark.parametrize(
    ("lang", "country", "lines"),
    [
        (
            "sv",
            "SE",
            (
                "- Faktura 1002 av den 12 januari 2026, förföll 26 januari 2026: "
                "fakturerat 2 500,50 kr, betalt 1 250,25 kr, återstår 1 250,25 kr",
                "- Dröjsmålsränta på faktura 1002: 2,74 kr (27 januari 2026 – 30 januari 2026, "
                "10,00 % per år på kapitalbeloppet 2 500,50 kr)",
                "- Dröjsmålsränta på faktura 1002: 3,43 kr (31 januari 2026 – 9 februari 2026, "
                "10,00 % per år på kapitalbeloppet 1 250,25 kr)",
            ),
        ),
        (
            "da",
            "DK",
            (
                "- Faktura 1002 af 12. januar 2026, forfaldt 26. januar 2026: "
                "faktureret 2.500,50 kr., betalt 1.250,25 kr., rest 1.250,25 kr.",
                "- Morarente af faktura 1002: 2,67 kr. (27. januar 2026 – 30. januar 2026, "
                "9,75 % p.a. af 2.500,50 kr.)",
                "- Morarente af faktura 1002: 3,34 kr. (31. januar 2026 – 9. februar 2026, "
                "9,75 % p.a. af 1.250,25 kr.)",
            ),
        ),
        (
            "en",
            "FI",
            (
                "- Invoice 1002 of 12 January 2026, due 26 January 2026: "
                "invoiced EUR 2,500.50, paid EUR 1,250.25, outstanding EUR 1,250.25",
                "- Late-payment interest on invoice 1002: EUR 2.88 (27 January 2026 – "
                "30 January 2026, 10.50 % per annum on EUR 2,500.50)",
            ),
        ),
    ],
)
def test_interest_after_a_part_payment_is_itemised_per_stretch_of_capital(
    lang: str, country: str, lines: tuple[str, ...]
) -> None:
    text = _text(lang, ActionKind.COLLECTION_WARNING, 3, country).replace("\u00a0", " ")
    for line in lines:
        assert line in text
    # The days that ran on the whole invoice are never priced on what is left of it.
    assert "2,74 kr (27 januari 2026 – 9 februari 2026" not in text


def test_the_stretches_add_up_to_the_interest_charged() -> None:
    shaped = letter(ActionKind.REMINDER, 2, "DK")
    charge = shaped.decisions[1].interest
    assert charge is not None
    assert len(charge.periods) == 2
    text = _text("da", ActionKind.REMINDER, 2, "DK").replace("\u00a0", " ")
    assert "2,67 kr." in text
    assert "3,34 kr." in text
    assert Decimal("2.67") + Decimal("3.34") == charge.amount


def test_an_unpaid_invoice_shows_its_date_and_amount() -> None:
    text = _text("da", ActionKind.REMINDER, 1).replace("\u00a0", " ")
    assert "- Faktura 1001 af 5. januar 2026, forfaldt 19. januar 2026: 10.000,00 kr." in text


# -- Denmark: the § 10 sentence ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        (
            "da",
            "Dette brev er et påkrav efter inkassoloven § 10. Betales beløbet ikke senest "
            "19. februar 2026, 10 dage fra dette brevs dato, overgiver vi kravet til inkasso, "
            "og det vil medføre yderligere omkostninger for dig.",
        ),
        (
            "en",
            "This letter is a demand for payment under section 10 of the Danish Debt "
            "Collection Act (inkassoloven). If the amount is not paid by 19 February 2026",
        ),
    ],
)
def test_the_danish_warning_is_a_paakrav_under_section_10_then_the_consequence(
    lang: str, says: str
) -> None:
    text = _text(lang, ActionKind.COLLECTION_WARNING, 3)
    assert says in text
    # Never the costs with "(inkassoloven § 10)" after them, as if the section allowed them.
    assert "for dig (inkassoloven § 10)" not in text


# -- Finland: one name for the warning -----------------------------------------------------------


def test_finland_calls_its_warning_maksukehotus_everywhere() -> None:
    assert default_name("FI", ActionKind.COLLECTION_WARNING) == "Maksukehotus"
    assert [s.name for s in default_steps("FI")][1] == "Maksukehotus"
    warning = _text("fi", ActionKind.COLLECTION_WARNING, 3)
    assert warning.startswith("MAKSUKEHOTUS")
    assert "- Maksukehotuksen kulu: " in warning
    handover = _text("fi", ActionKind.HANDOVER, 4, past=history())
    assert "Kirjallinen maksukehotus määräaikoineen on lähetetty" in handover
    assert "maksukehotus 3 (lasku 1001)" in handover
    hold = _text("fi", ActionKind.CREDIT_HOLD, 1)
    assert "on edennyt maksukehotukseen" in hold
    for text in (warning, handover, hold):
        assert "perintävaroitu" not in text.lower()
        assert "maksuvaatimu" not in text.lower()  # an agency's demand, not ours
    assert _text("en", ActionKind.COLLECTION_WARNING, 3, "FI").startswith(
        "PAYMENT DEMAND – MAKSUKEHOTUS"
    )


def test_finland_swedish_letters_use_finnish_law_terms() -> None:
    text = _text("sv", ActionKind.REMINDER, 2, "FI", past=FIRST_REMINDER)
    assert "- Standardersättning för indrivningskostnader, faktura 1001: " in text
    assert "Förseningsersättning" not in text  # the Swedish law's word
    assert "FO-nummer 87654321" in text
    assert "Org.nr" not in text
    warning = _text("sv", ActionKind.COLLECTION_WARNING, 3, "FI")
    assert warning.startswith("BETALNINGSUPPMANING – MAKSUKEHOTUS (lagen om indrivning")
    assert "Borgenär: Kontorhjørnet ApS (FO-nummer 87654321)." in warning
    handover = _text("sv", ActionKind.HANDOVER, 4, "FI", past=history())
    assert "(FO-nummer 12345678)" in handover
    # Under Swedish law the Swedish words stay.
    swedish = _text("sv", ActionKind.REMINDER, 2, "SE", past=FIRST_REMINDER)
    assert "- Förseningsersättning, faktura 1001: " in swedish
    assert "Org.nr 87654321" in swedish


# -- English letters under Swedish and Finnish law: creditor and basis of the claim --------------


@pytest.mark.parametrize(
    ("country", "creditor_line"),
    [
        ("SE", "Creditor: Kontorhjørnet ApS (Corporate ID no. 87654321)."),
        ("FI", "Creditor: Kontorhjørnet ApS (Business ID 87654321)."),
    ],
)
def test_english_warnings_name_the_creditor_and_the_basis_of_the_claim(
    country: str, creditor_line: str
) -> None:
    text = _text("en", ActionKind.COLLECTION_WARNING, 3, country)
    assert creditor_line in text
    assert "the following overdue claim, which is for goods and services invoiced:" in text
    # As the Swedish and Finnish versions do.
    native = _text("sv" if country == "SE" else "fi", ActionKind.COLLECTION_WARNING, 3, country)
    assert ("Borgenär: " if country == "SE" else "Velkoja: ") in native


# -- Tone and name follow the ladder step --------------------------------------------------------


def test_the_engine_gives_each_decision_its_steps_name_and_tone() -> None:
    (decision,) = run(date(2026, 1, 22), snapshot([invoice("1001")]))
    assert (decision.step, decision.name, decision.tone) == (1, "Venlig påmindelse", "friendly")
    again = decision_from_dict(decision_dict(decision))
    assert (again.name, again.tone) == ("Venlig påmindelse", "friendly")
    # A decision stored before names and tones were kept reads back without them.
    old = {k: v for k, v in decision_dict(decision).items() if k not in {"name", "tone"}}
    assert (decision_from_dict(old).name, decision_from_dict(old).tone) == ("", "")


@pytest.mark.parametrize(
    ("lang", "firm_title"),
    [
        ("da", "Rykker: fakturaer 1001 og 1002"),
        ("nb", "Purring: fakturaer 1001 og 1002"),
        ("sv", "Betalningspåminnelse: fakturor 1001 och 1002"),
        ("fi", "Maksumuistutus: laskut 1001 ja 1002"),
        ("en", "Reminder: invoices 1001 and 1002"),
    ],
)
def test_the_wording_follows_the_steps_tone_not_its_number(lang: str, firm_title: str) -> None:
    oversight = {
        "da": "forglemmelse",
        "nb": "forglemmelse",
        "sv": "förbiseende",
        "fi": "unohduksesta",
        "en": "oversight",
    }[lang]
    # Norway's first step is a firm purring: step 1, but not "surely an oversight".
    firm = _step(letter(ActionKind.REMINDER, 1, COUNTRY_OF[lang]), tone="firm")
    text = _text(lang, ActionKind.REMINDER, 1, shaped=firm)
    assert text.startswith(firm_title + "\n")
    assert oversight not in text
    # A friendly third step that charges nothing may assume an oversight.
    kind = letter(ActionKind.REMINDER, 1, COUNTRY_OF[lang])
    kind = dataclasses.replace(
        kind,
        step=3,
        decisions=tuple(dataclasses.replace(d, step=3, tone="friendly") for d in kind.decisions),
    )
    assert oversight in _text(lang, ActionKind.REMINDER, 3, shaped=kind)


@pytest.mark.parametrize("lang", LANGS)
def test_a_first_letter_that_charges_is_no_friendly_oversight(lang: str) -> None:
    # The DK ladder's step 1 is friendly; a tenant who adds a fee and interest to it charges.
    charging = _step(letter(ActionKind.REMINDER, 2, COUNTRY_OF[lang]), tone="friendly")
    charging = dataclasses.replace(
        charging,
        step=1,
        decisions=tuple(dataclasses.replace(d, step=1) for d in charging.decisions),
    )
    text = _text(lang, ActionKind.REMINDER, 1, shaped=charging).lower()
    for said in (
        "forglemmelse",
        "förbiseende",
        "unohduksesta",
        "oversight",
        "blot en venlig",
        "bare en vennlig",
        "bara en vänlig",
        "vain ystävällinen",
        "just a friendly",
    ):
        assert said not in text


def test_a_name_the_tenant_chose_is_the_title_and_a_default_name_is_the_languages_word() -> None:
    own = _step(letter(ActionKind.REMINDER, 2), name="Sidste rykker før inkasso", tone="formal")
    assert _text("da", ActionKind.REMINDER, 2, shaped=own).startswith(
        "Sidste rykker før inkasso: fakturaer 1001 og 1002\n"
    )
    default = _step(letter(ActionKind.REMINDER, 2), name="Rykker", tone="firm")
    assert _text("en", ActionKind.REMINDER, 2, shaped=default).startswith("Reminder: invoices")


# -- "Despite our reminder of ..." ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        (
            "da",
            "Trods vores rykker af 22. januar 2026 har vi",
            "Trods vores rykkere af 22. januar 2026 og 1. februar 2026 har vi",
        ),
        (
            "nb",
            "Til tross for vår purring av 22. januar 2026 har vi",
            "Til tross for våre purringer av 22. januar 2026 og 1. februar 2026 har vi",
        ),
        (
            "sv",
            "Trots vår påminnelse den 22 januari 2026 har vi",
            "Trots våra påminnelser den 22 januari 2026 och 1 februari 2026 har vi",
        ),
        (
            "fi",
            "Huolimatta 22. tammikuuta 2026 lähettämästämme maksumuistutuksesta emme",
            "Huolimatta 22. tammikuuta 2026 ja 1. helmikuuta 2026 lähettämistämme "
            "maksumuistutuksista emme",
        ),
        (
            "en",
            "Despite our reminder of 22 January 2026, we have",
            "Despite our reminders of 22 January 2026 and 1 February 2026, we have",
        ),
    ],
)
def test_earlier_reminders_are_named_with_their_dates(lang: str, one: str, two: str) -> None:
    assert one in _text(lang, ActionKind.COLLECTION_WARNING, 3, past=FIRST_REMINDER)
    assert two in _text(lang, ActionKind.COLLECTION_WARNING, 3, past=BOTH_REMINDERS)
    assert one in _text(lang, ActionKind.REMINDER, 2, past=FIRST_REMINDER)
    # No reminder went out: the letter does not pretend one did.
    alone = _text(lang, ActionKind.COLLECTION_WARNING, 3)
    for plural in ("tidligere rykkere", "tidligere purringer", "tidigare påminnelser"):
        assert plural not in alone
    assert "Aiemmista muistutuksista" not in alone
    assert "earlier reminders" not in alone


# -- Pre-due notices: future tense, plural agreement, their own subject ---------------------------


@pytest.mark.parametrize(
    ("lang", "subject", "says", "line"),
    [
        (
            "da",
            "Fakturaerne 1003 og 1004 forfalder snart",
            "at fakturaerne 1003 og 1004 forfalder til betaling",
            "- Faktura 1003 af 2. februar 2026, forfalder 16. februar 2026:",
        ),
        (
            "nb",
            "Fakturaene 1003 og 1004 forfaller snart",
            "at fakturaene 1003 og 1004 forfaller til betaling",
            "- Faktura 1003 av 2. februar 2026, forfaller 16. februar 2026:",
        ),
        (
            "sv",
            "Fakturorna 1003 och 1004 förfaller snart",
            "att fakturorna 1003 och 1004 förfaller till betalning",
            "- Faktura 1003 av den 2 februari 2026, förfaller 16 februari 2026:",
        ),
        (
            "fi",
            "Laskut 1003 ja 1004 erääntyvät pian",
            "että laskut 1003 ja 1004 erääntyvät maksettaviksi",
            "- Lasku 1003, päivätty 2. helmikuuta 2026, eräpäivä 16. helmikuuta 2026:",
        ),
        (
            "en",
            "Invoices 1003 and 1004 fall due soon",
            "that invoices 1003 and 1004 fall due for payment",
            "- Invoice 1003 of 2 February 2026, due 16 February 2026:",
        ),
    ],
)
def test_a_pre_due_notice_speaks_of_the_future_and_agrees_in_number(
    lang: str, subject: str, says: str, line: str
) -> None:
    text = _text(lang, ActionKind.PRE_DUE_NOTICE, 1)
    assert text.splitlines()[0] == subject
    assert says in text
    assert line in text
    for past in ("forfaldt", "forfalt", "förföll"):
        assert past not in text
    reminder = _text(lang, ActionKind.REMINDER, 1)
    assert reminder.splitlines()[0] != subject
    assert reminder.split(":")[0] not in subject  # the subjects start differently


@pytest.mark.parametrize(
    ("lang", "subject", "says"),
    [
        ("da", "Faktura 1003 forfalder 16. februar 2026", "at faktura 1003 forfalder til"),
        ("nb", "Faktura 1003 forfaller 16. februar 2026", "at faktura 1003 forfaller til"),
        ("sv", "Faktura 1003 förfaller den 16 februari 2026", "att faktura 1003 förfaller till"),
        ("fi", "Lasku 1003 erääntyy 16. helmikuuta 2026", "että lasku 1003 erääntyy"),
        ("en", "Invoice 1003 falls due on 16 February 2026", "that invoice 1003 falls due"),
    ],
)
def test_a_pre_due_notice_for_one_invoice_is_singular(lang: str, subject: str, says: str) -> None:
    one = letter(ActionKind.PRE_DUE_NOTICE, 1, COUNTRY_OF[lang], invoices=1)
    text = _text(lang, ActionKind.PRE_DUE_NOTICE, 1, shaped=one)
    assert text.splitlines()[0] == subject
    assert says in text


# -- Greetings -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("action", "step"),
    [
        (ActionKind.PRE_DUE_NOTICE, 1),
        (ActionKind.REMINDER, 1),
        (ActionKind.REMINDER, 2),
        (ActionKind.COLLECTION_WARNING, 3),
        (ActionKind.INTEREST_INVOICE, 1),
    ],
)
def test_a_business_is_not_greeted_by_its_company_name(
    lang: str, action: ActionKind, step: int
) -> None:
    text = _text(lang, action, step)
    for greeting in ("Kære", "Hei", "Hej", "Dear Tømrer"):
        assert f"{greeting} Tømrer" not in text
    if lang == "en":
        assert "\nDear Sir or Madam\n" in text


@pytest.mark.parametrize(
    ("lang", "greeting"),
    [
        ("da", "Kære Jens Hansen"),
        ("nb", "Hei Jens Hansen"),
        ("sv", "Hej Jens Hansen"),
        ("fi", "Hei Jens Hansen"),
        ("en", "Dear Jens Hansen"),
    ],
)
def test_a_consumer_is_greeted_by_name_but_not_with_hei_in_a_warning(
    lang: str, greeting: str
) -> None:
    assert greeting in _text(lang, ActionKind.REMINDER, 1, customer=CONSUMER)
    warning = _text(lang, ActionKind.COLLECTION_WARNING, 3, customer=CONSUMER)
    for informal in ("Hei ", "Hej "):
        assert informal not in warning


def test_finnish_names_stand_after_an_inflected_head_noun() -> None:
    hold = _text("fi", ActionKind.CREDIT_HOLD, 1)
    assert hold.startswith("Tehtävä: luottokielto – asiakas Tømrer Hansen ApS (asiakasnumero 7)")
    assert "Saatavamme asiakkaalta Tømrer Hansen ApS on edennyt" in hold
    assert "Asiakkaan Tømrer Hansen ApS saatava" not in hold
    task = _text("fi", ActionKind.TASK, 4, past=FIRST_REMINDER)
    assert "Saatavamme asiakkaalta Tømrer Hansen ApS on erääntynyt" in task
    assert "Asiakkaalla Tømrer Hansen ApS on" not in task
    handover = _text("fi", ActionKind.HANDOVER, 4, past=history())
    assert "saatavamme asiakkaalta Tømrer Hansen ApS (Y-tunnus 12345678)" in handover


# -- English -------------------------------------------------------------------------------------


def test_english_says_principal_per_annum_and_the_currency_code() -> None:
    text = _text("en", ActionKind.REMINDER, 2, "FI", past=FIRST_REMINDER)
    assert "Principal: EUR\u00a011,250.25" in text
    assert "Capital" not in text
    assert "10.50 % per annum on EUR\u00a010,000.00" in text
    assert "a year on" not in text
    assert "€" not in text
    assert "Total to pay: EUR\u00a012,037.13" in text


def test_english_keeps_the_cvr_number_apart_from_the_bank_reg_number() -> None:
    letter_text = _text("en", ActionKind.REMINDER, 2, "DK", past=FIRST_REMINDER)
    assert "- Bank reg. no. 1234, account no. 0012345678" in letter_text
    assert "CVR no. 87654321" in letter_text
    handover = _text("en", ActionKind.HANDOVER, 4, "DK", past=history())
    assert "our claim against Tømrer Hansen ApS (CVR no. 12345678)" in handover
    assert "reg. no. 12345678" not in handover


# -- Internal letters: whose claim it is ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "ours", "wrong"),
    [
        ("da", "Vores krav mod Tømrer Hansen ApS", "Tømrer Hansen ApS har et krav"),
        ("nb", "Vårt krav mot Tømrer Hansen ApS", "Tømrer Hansen ApS har et krav"),
        ("sv", "Vår fordran på Tømrer Hansen ApS", "Tømrer Hansen ApS har en fordran"),
        ("fi", "Saatavamme asiakkaalta Tømrer Hansen ApS", "Asiakkaan Tømrer Hansen ApS saatava"),
        ("en", "Our claim against Tømrer Hansen ApS", "Tømrer Hansen ApS has a claim"),
    ],
)
def test_internal_letters_say_whose_claim_it_is(lang: str, ours: str, wrong: str) -> None:
    for action, step in ((ActionKind.CREDIT_HOLD, 1), (ActionKind.TASK, 4)):
        text = _text(lang, action, step)
        assert ours in text
        assert wrong not in text
