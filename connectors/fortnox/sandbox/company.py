"""The Fortnox sandbox's company: its information, chart of accounts and articles (the
doctor's checks)."""

from __future__ import annotations

from typing import Any

from connectors.fortnox.sandbox.call import Call, Reply, route
from connectors.fortnox.sandbox.errors import (
    CODE_NO_ACCOUNT,
    CODE_NO_ARTICLE,
    ApiError,
)
from connectors.sandbox_base import Params

# What ``GET /3/companyinformation`` answers for the demo company (the fields of openapi.json's
# fortnox_CompanyInfo; the values are the demo's own). A state may carry its own ("company").
COMPANY_INFORMATION: dict[str, Any] = {
    "Address": "Kungsgatan 12",
    "City": "Uppsala",
    "CompanyName": "Nordkontor AB",
    "CountryCode": "SE",
    "DatabaseNumber": 581204,
    "OrganizationNumber": "556677-8899",
    "VisitAddress": "Kungsgatan 12",
    "VisitCity": "Uppsala",
    "VisitCountryCode": "SE",
    "VisitZipCode": "753 21",
    "ZipCode": "753 21",
}


@route("GET", "/companyinformation")
def company_information(call: Call, args: Params) -> Reply:
    return Reply(
        200, {"CompanyInformation": dict(call.state.get("company") or COMPANY_INFORMATION)}
    )


# A BAS chart's accounts for the charges (3590 other invoiced costs, 8313 interest income on
# receivables), without a VAT code; 3001 sales at 25 % (VAT code MP1) as a wrong choice.
DEFAULT_ACCOUNTS: dict[str, dict[str, Any]] = {
    "3001": {
        "Number": 3001,
        "Description": "Försäljning inom Sverige, 25 % moms",
        "VATCode": "MP1",
    },
    "3590": {"Number": 3590, "Description": "Övriga fakturerade kostnader", "VATCode": ""},
    "8313": {"Number": 8313, "Description": "Ränteintäkter från kundfordringar", "VATCode": ""},
}


@route("GET", "/accounts/{number}")
def get_account(call: Call, args: Params) -> Reply:
    """``GET /3/accounts/{Number}``: fortnox_AccountSingleItem (Number, Description, Active,
    VATCode, Year, ...)."""
    found = call.state.get("accounts", DEFAULT_ACCOUNTS).get(args["number"])
    if found is None:
        raise ApiError(404, "Kontot hittades inte.", CODE_NO_ACCOUNT)
    account = {"Active": True, "Year": call.today.year, **found}
    account["@url"] = f"https://api.fortnox.se/3/accounts/{account['Number']}"
    return Reply(200, {"Account": account})


@route("GET", "/articles/{number}")
def get_article(call: Call, args: Params) -> Reply:
    """``GET /3/articles/{ArticleNumber}``: fortnox_Article (ArticleNumber, Description,
    Active, VAT, SalesAccount, Type, ...)."""
    found = call.state.get("articles", {}).get(args["number"])
    if found is None:
        raise ApiError(404, "Kan inte hitta artikeln.", CODE_NO_ARTICLE)
    return Reply(200, {"Article": dict(found)})
