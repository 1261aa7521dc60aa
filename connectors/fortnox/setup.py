"""What in a Fortnox company would make our drafts wrong, checked ahead by `doctor`.

- The integration's scopes allow every call the connector makes. Fortnox grants scopes per
  resource (developer docs, "Scopes"): ``invoice`` for /3/invoices, ``customer`` for
  /3/customers, ``payment`` for /3/invoicepayments, ``bookkeeping`` for /3/accounts,
  ``article`` for /3/articles and ``noxfinansinvoice`` for /3/noxfinansinvoices (openapi.json:
  "Scope of your application registered to Fortnox must contain Invoice Noxfinans"). The token
  answer names the scopes granted (``"scope": "article invoice settings customer ..."``,
  recorded in authentication/valid_request.yml).
- The accounts the rows name exist, are active and carry no VAT code: a fee, interest and
  compensation are outside the scope of VAT (writer.py posts them with VAT 0), so an account
  with a VAT code would report them as taxable sales. ``GET /3/accounts/{Number}``: ``Active``,
  ``VATCode``.
- The articles named by ``fee_article``/``interest_article`` exist, are active and carry VAT
  0 (``GET /3/articles/{ArticleNumber}``: ``Active``, ``VAT``).

Each failed finding names the tenant option (or the Fortnox setting) that fixes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bridge.vocab.domain import Mode
from bridge.vocab.errors import AuthError, NotFound
from connectors.fortnox import writer
from connectors.fortnox.client import FortnoxClient

Finding = tuple[bool, str]

# What each scope is needed for, in the order the connector uses them.
READ_WRITE_SCOPES = {
    "invoice": "read invoices and write the drafts (/3/invoices)",
    "customer": "read customers (/3/customers)",
    "payment": "read invoice payments (/3/invoicepayments)",
    "bookkeeping": "check the accounts the drafts book to (/3/accounts)",
}
ARTICLE_SCOPE = "article"
# Optional: the company's DatabaseNumber, which binds the tenant to its company (docs/store.md).
COMPANY_SCOPE = "companyinformation"
FINANS_SCOPE = "noxfinansinvoice"


def required_scopes(
    rows: writer.RowSettings, mode: Mode, options: Mapping[str, str]
) -> dict[str, str]:
    """Each scope the connector's requests need, with what for."""
    out = dict(READ_WRITE_SCOPES)
    if rows.fee_article or rows.interest_article:
        out[ARTICLE_SCOPE] = "check the articles on the rows (/3/articles)"
    # Hand-overs go to Fortnox Finans only in autonomous mode, when the tenant chose it
    # (handover_via = system; bridge/engine/channels.py).
    if mode is Mode.AUTONOMOUS and options.get("handover_via", "").strip() == "system":
        out[FINANS_SCOPE] = "hand claims to Fortnox Finans (/3/noxfinansinvoices)"
    return out


def setup_checks(
    client: FortnoxClient,
    rows: writer.RowSettings,
    options: Mapping[str, str],
    mode: Mode,
    granted: frozenset[str] | None,
) -> list[Finding]:
    """Run every check; vendor errors other than a missing item or a refusal propagate."""
    out = [_scopes(required_scopes(rows, mode, options), granted)]
    if granted is not None and COMPANY_SCOPE not in granted:
        out.append(
            (
                True,
                "the integration lacks the optional scope companyinformation: the tenant is not "
                "bound to its Fortnox company, so a tenant renamed in the env file is not "
                "recognised (docs/store.md); add it in the developer portal to have it checked",
            )
        )
    for account, named in _accounts(rows, options).items():
        out.append(_account(client, account, named))
    for option, article in (
        ("fee_article", rows.fee_article),
        ("interest_article", rows.interest_article),
    ):
        if article:
            out.append(_article(client, article, option))
    return out


def _scopes(needed: Mapping[str, str], granted: frozenset[str] | None) -> Finding:
    if granted is None:
        return True, (
            "Fortnox's token answer named no scopes, so they cannot be checked ahead; a call "
            "outside them is refused with 403, which names the scope"
        )
    missing = [s for s in needed if s not in granted]
    if not missing:
        return True, f"the integration's scopes allow every call: {', '.join(needed)}"
    why = "; ".join(f"{s} to {needed[s]}" for s in missing)
    fixes = [
        "add the scopes to the integration in Fortnox's developer portal and authorise it again"
    ]
    if ARTICLE_SCOPE in missing:
        fixes.append("or unset fee_article and interest_article")
    if FINANS_SCOPE in missing:
        fixes.append("or unset handover_via (hand-overs then go to the agency as a case file)")
    return False, f"the integration lacks the scope {', '.join(missing)} ({why}): {' '.join(fixes)}"


def _accounts(rows: writer.RowSettings, options: Mapping[str, str]) -> dict[int, list[str]]:
    """Each account the rows use, with the options naming it (unset ones follow their default)."""
    chosen = {
        "fee_account": rows.fee_account,
        "interest_account": rows.interest_account,
        "compensation_account": rows.compensation_account,
        "text_account": rows.text_account,
    }
    out: dict[int, list[str]] = {}
    for option, account in chosen.items():
        # An unset text_account follows fee_account: setting fee_account fixes both.
        if option == "text_account" and "text_account" not in options:
            out.setdefault(account, [])
            if account != rows.fee_account:
                out[account].append(option)
            continue
        out.setdefault(account, []).append(option)
    return {a: n or ["fee_account"] for a, n in out.items()}


def _account(client: FortnoxClient, number: int, named: list[str]) -> Finding:
    fix = " or ".join(named)
    try:
        item = client.account(number)
    except NotFound:
        return False, f"account {number} does not exist in Fortnox's chart: create it or set {fix}"
    except AuthError:
        return False, (
            f"Fortnox refused to show account {number}: give the integration the bookkeeping "
            "scope to let doctor check it"
        )
    if item.get("Active") is False:
        return False, f"account {number} is inactive in Fortnox: activate it or set {fix}"
    code = item.get("VATCode")
    carries = isinstance(code, str) and code.strip() != ""
    # Text rows carry no amount, so only the accounts of charges must be VAT-free.
    charged = [n for n in named if n != "text_account"]
    if carries and charged:
        return False, (
            f"account {number} carries VAT code {code}: fees, interest and compensation are "
            f"outside the scope of VAT; use an account without a VAT code or set "
            f"{' or '.join(charged)}"
        )
    name = item.get("Description")
    label = f" {name!r}" if isinstance(name, str) and name else ""
    tail = "carries no VAT code" if not carries else f"carries VAT code {code} (text rows only)"
    return True, f"account {number}{label} ({', '.join(named)}) exists and {tail}"


def _article(client: FortnoxClient, number: str, option: str) -> Finding:
    try:
        item = client.article(number)
    except NotFound:
        return False, f"article {number} does not exist in Fortnox: create it or unset {option}"
    except AuthError:
        return False, (
            f"Fortnox refused to show article {number}: give the integration the article scope "
            f"or unset {option}"
        )
    if item.get("Active") is False:
        return False, f"article {number} is inactive in Fortnox: activate it or unset {option}"
    rate = _rate(item.get("VAT"))
    if rate is None or rate != 0:
        shown = "an unknown rate" if rate is None else f"{rate.normalize():f} %"
        return False, (
            f"article {number} carries VAT ({shown}): set its VAT to 0 in Fortnox or unset {option}"
        )
    return True, f"article {number} ({option}) exists and carries VAT 0"


def _rate(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
