"""Who sends a letter and where to pay: the creditor's details, and accounts as printed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bridge.vocab.payref import ReferenceOptions


@dataclass(frozen=True, slots=True)
class Creditor:
    """Who sends the letter and where to pay, from the tenant's options."""

    name: str
    address: str = ""
    org_number: str = ""
    email: str = ""
    phone: str = ""
    bank_reg: str = ""  # DK registreringsnummer
    bank_account: str = ""
    iban: str = ""
    bic: str = ""
    bankgiro: str = ""  # SE
    plusgiro: str = ""  # SE
    agency: str = ""  # the collection agency, named in warnings and hand-overs
    # Structured payment references (bridge/vocab/payref.py, docs/letters.md).
    fik_creditor: str = ""  # DK: the FI creditor number of the +71 payment slip
    kid: str = ""  # NO: "mod10" for KIDs the bridge generates
    kid_length: str = ""  # NO: the fixed KID length of the agreement, if any
    ocr: str = ""  # SE: "mod10" or "mod10_length" for OCR references the bridge generates
    fi_reference: str = ""  # FI: "national" (the default), "rf" or "none"

    def references(self, country: str) -> ReferenceOptions:
        """The creditor's structured-reference settings for a letter under ``country``'s law."""
        return ReferenceOptions.from_options(
            country,
            {
                "fik_creditor": self.fik_creditor,
                "kid": self.kid,
                "kid_length": self.kid_length,
                "ocr": self.ocr,
                "fi_reference": self.fi_reference,
            },
        )

    @property
    def payable(self) -> bool:
        """Tell whether a letter can say where to pay (an account, IBAN, giro or FIK)."""
        return bool(
            self.bank_account or self.iban or self.bankgiro or self.plusgiro or self.fik_creditor
        )

    @classmethod
    def from_options(cls, name: str, options: Mapping[str, str] | None) -> Creditor:
        """Read the creditor's details from tenant options (``company_name`` overrides name)."""
        o = options or {}
        return cls(
            name=o.get("company_name", name),
            address=o.get("company_address", ""),
            org_number=o.get("company_org_number", ""),
            email=o.get("company_email", ""),
            phone=o.get("company_phone", ""),
            bank_reg=o.get("bank_reg", ""),
            bank_account=o.get("bank_account", ""),
            iban=o.get("iban", "").strip(),
            bic="".join(o.get("bic", "").split()).upper(),
            bankgiro=o.get("bankgiro", ""),
            plusgiro=o.get("plusgiro", ""),
            agency=o.get("collection_agency", ""),
            fik_creditor=o.get("fik_creditor", "").strip(),
            kid=o.get("kid", "").strip().lower(),
            kid_length=o.get("kid_length", "").strip(),
            ocr=o.get("ocr", "").strip().lower(),
            fi_reference=o.get("fi_reference", "").strip().lower(),
        )


def group_account(value: str, size: int = 4) -> str:
    """Write an IBAN in groups of four, as printed on paper."""
    compact = "".join(value.split()).upper()
    return " ".join(compact[i : i + size] for i in range(0, len(compact), size))


def national_account(country: str, value: str) -> str:
    """Format a domestic account number the way the country prints it."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if country == "NO" and len(digits) == 11:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    if country == "SE" and len(digits) in {7, 8}:
        return f"{digits[:-4]}-{digits[-4:]}"  # bankgiro
    return value.strip()
