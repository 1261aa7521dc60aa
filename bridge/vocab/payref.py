"""Structured payment references and the creditor's payment options (docs/letters.md).

A structured reference lets the creditor's bank match a payment to its invoice without a person
reading the message field. Each country has its own:

- Denmark: FIK, the +71 payment slip (``+71<payment id+creditor number<``): a 15-digit payment
  id whose last digit is a mod-10 (Luhn) check digit, and the creditor's 8-digit FI creditor
  number (option ``fik_creditor``).
- Norway: KID, digits with a mod-10 (Luhn) check digit, on an account with a KID agreement
  (option ``kid = mod10``, optionally ``kid_length``).
- Sweden: OCR for Bankgiro or Plusgiro, digits with a mod-10 (Luhn) check digit, optionally
  with a length digit before it (option ``ocr = mod10`` or ``mod10_length``).
- Finland: the national reference (viitenumero) with its 7-3-1 check digit, or the
  international RF reference (ISO 11649) around it (option ``fi_reference = national``, ``rf``
  or ``none``).

A reference is generated from the invoice number alone, the same every time. The invoice number
must be digits (spaces, hyphens, dots and slashes are dropped); an invoice number with letters
gets no FIK, KID or OCR (the letter asks for the invoice number instead), and in Finland gets an
RF reference, which may hold letters. A reference the source system already assigned to the
invoice (Fortnox's OCR, Tripletex's KID) is used as it is.

Check digits come from python-stdnum: ``stdnum.luhn`` for FIK, KID and OCR,
``stdnum.iso7064.mod_97_10`` and ``stdnum.iso11649`` for RF. stdnum has no Finnish national
reference, so its 7-3-1 check digit is computed here (and tested against published examples).
IBAN and BIC are checked with schwifty when the settings are loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import iso11649, luhn
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

FIK_PAYMENT_ID_LENGTH: Final[int] = 15
KID_LENGTH: Final[tuple[int, int]] = (2, 25)
OCR_LENGTH: Final[tuple[int, int]] = (2, 25)
# The national reference: 4-20 digits with the check digit; leading zeros do not count.
FI_LENGTH: Final[tuple[int, int]] = (4, 20)
RF_BODY_MAX: Final[int] = 21

_SEPARATORS: Final = re.compile(r"[\s\-./]")
_DIGITS: Final = re.compile(r"\d+")
_ALNUM: Final = re.compile(r"[0-9A-Z]+")

# Option values, per option.
KID_ALGORITHMS: Final[tuple[str, ...]] = ("mod10",)
OCR_KINDS: Final[tuple[str, ...]] = ("mod10", "mod10_length")
FI_KINDS: Final[tuple[str, ...]] = ("national", "rf", "none")


@dataclass(frozen=True, slots=True)
class Reference:
    """One invoice's structured payment reference.

    ``scheme`` is ``fik``, ``kid``, ``ocr``, ``fi`` (national) or ``rf``; ``value`` the
    reference as the payer types it (for FIK the payment id alone), ``display`` as printed (for
    FIK the whole code line ``+71<...+...<``, for RF in groups of four).
    """

    scheme: str
    value: str
    display: str
    source: str = "bridge"  # "bridge" when generated, "system" when the source system gave it


def _digits(number: str) -> str | None:
    """The invoice number as digits, separators dropped; None when it holds anything else."""
    compact = _SEPARATORS.sub("", number)
    return compact if _DIGITS.fullmatch(compact) else None


# -- generators ---------------------------------------------------------------------------------


def fik_payment_id(invoice_number: str) -> str | None:
    """The 15-digit payment id of a +71 FIK: 14 digits of invoice number, then a Luhn digit.

    The invoice number is zero-padded on the left (leading zeros are not significant: "042" and
    "42" give the same id). None when it has letters or more than 14 digits.
    """
    digits = _digits(invoice_number)
    if digits is None or len(digits.lstrip("0") or "0") > FIK_PAYMENT_ID_LENGTH - 1:
        return None
    body = digits.lstrip("0").rjust(FIK_PAYMENT_ID_LENGTH - 1, "0")
    return luhn.validate(body + luhn.calc_check_digit(body))


def fik_line(payment_id: str, creditor: str) -> str:
    """The code line of a +71 payment slip, as the payer types it into the net bank."""
    return f"+71<{payment_id}+{creditor}<"


def kid(invoice_number: str, length: int | None = None) -> str | None:
    """A Norwegian KID with a mod-10 (Luhn) check digit.

    The invoice number's digits as they are (leading zeros kept), zero-padded on the left to
    ``length`` when the KID agreement fixes one. None when it has letters, or does not fit.
    """
    digits = _digits(invoice_number)
    if digits is None:
        return None
    if length is not None:
        if len(digits) > length - 1:
            return None
        digits = digits.rjust(length - 1, "0")
    low, high = KID_LENGTH
    if not low <= len(digits) + 1 <= high:
        return None
    return luhn.validate(digits + luhn.calc_check_digit(digits))


def ocr(invoice_number: str, *, length_digit: bool = False) -> str | None:
    """A Swedish OCR reference (Bankgiro, Plusgiro) with a mod-10 (Luhn) check digit.

    With ``length_digit`` the reference's total length (mod 10) goes before the check digit
    ("variabel längdkontroll"). Leading zeros are kept. None when the invoice number has letters
    or the reference would be longer than 25 digits.
    """
    digits = _digits(invoice_number)
    if digits is None:
        return None
    if length_digit:
        digits += str((len(digits) + 2) % 10)
    low, high = OCR_LENGTH
    if not low <= len(digits) + 1 <= high:
        return None
    return luhn.validate(digits + luhn.calc_check_digit(digits))


def fi_check_digit(base: str) -> str:
    """The 7-3-1 check digit of a Finnish national reference (weights from the right)."""
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return str(-total % 10)


def fi_is_valid(reference: str) -> bool:
    """Tell whether ``reference`` is a valid Finnish national reference (spaces allowed)."""
    compact = reference.replace(" ", "").lstrip("0")
    low, high = FI_LENGTH
    return (
        bool(_DIGITS.fullmatch(compact))
        and low <= len(compact) <= high
        and fi_check_digit(compact[:-1]) == compact[-1]
    )


def fi_national(invoice_number: str) -> str | None:
    """A Finnish national reference: the invoice number, then its 7-3-1 check digit.

    Leading zeros do not count in Finland and are dropped. None when the invoice number has
    letters, fewer than 3 significant digits or more than 19.
    """
    digits = _digits(invoice_number)
    if digits is None:
        return None
    base = digits.lstrip("0")
    low, high = FI_LENGTH
    if not low <= len(base) + 1 <= high:
        return None
    return base + fi_check_digit(base)


def fi_format(reference: str) -> str:
    """Print a national reference in groups of five from the right, as Finnish banks do."""
    groups: list[str] = []
    rest = reference
    while rest:
        groups.insert(0, rest[-5:])
        rest = rest[:-5]
    return " ".join(groups)


def rf(body: str) -> str | None:
    """An RF creditor reference (ISO 11649) around ``body`` (letters and digits, up to 21).

    Separators are dropped and letters upper-cased. None when anything else remains.
    """
    compact = _SEPARATORS.sub("", body).upper()
    if not compact or len(compact) > RF_BODY_MAX or not _ALNUM.fullmatch(compact):
        return None
    return iso11649.validate("RF" + mod_97_10.calc_check_digits(compact + "RF") + compact)


# -- the creditor's choice ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferenceOptions:
    """What the tenant's options say about structured references (read once per tenant)."""

    country: str
    fik_creditor: str = ""
    kid: str = ""
    kid_length: int | None = None
    ocr: str = ""
    fi_reference: str = "national"

    @classmethod
    def from_options(cls, country: str, options: Mapping[str, str] | None) -> ReferenceOptions:
        """Read the options (already checked by :func:`check_options` at settings load)."""
        o = options or {}
        length = o.get("kid_length", "").strip()
        return cls(
            country=country.upper(),
            fik_creditor=o.get("fik_creditor", "").strip(),
            kid=o.get("kid", "").strip().lower(),
            kid_length=int(length) if length.isdigit() else None,
            ocr=o.get("ocr", "").strip().lower(),
            fi_reference=o.get("fi_reference", "").strip().lower() or "national",
        )

    def generate(self, invoice_number: str) -> Reference | None:
        """The reference the bridge gives an invoice; None where the country's scheme is off."""
        if self.country == "DK" and self.fik_creditor:
            payment_id = fik_payment_id(invoice_number)
            if payment_id:
                return Reference("fik", payment_id, fik_line(payment_id, self.fik_creditor))
        elif self.country == "NO" and self.kid:
            value = kid(invoice_number, self.kid_length)
            if value:
                return Reference("kid", value, value)
        elif self.country == "SE" and self.ocr:
            value = ocr(invoice_number, length_digit=self.ocr == "mod10_length")
            if value:
                return Reference("ocr", value, value)
        elif self.country == "FI" and self.fi_reference != "none":
            national = fi_national(invoice_number)
            if national and self.fi_reference == "national":
                return Reference("fi", national, fi_format(national))
            # An RF reference wraps the national one where there is one (Finnish banks convert
            # between the two), else the invoice number itself, letters and all.
            value = rf(national or invoice_number)
            if value:
                return Reference("rf", value, iso11649.format(value))
        return None

    def given(self, value: str | None) -> Reference | None:
        """Take the reference the source system assigned (digits, or an RF in Finland)."""
        compact = "".join((value or "").split()).upper()
        if not compact:
            return None
        if self.country == "FI" and iso11649.is_valid(compact):
            return Reference("rf", compact, iso11649.format(compact), source="system")
        if not _DIGITS.fullmatch(compact):
            return None
        match self.country:
            case "DK" if self.fik_creditor and len(compact) == FIK_PAYMENT_ID_LENGTH:
                return Reference(
                    "fik", compact, fik_line(compact, self.fik_creditor), source="system"
                )
            case "NO":
                return Reference("kid", compact, compact, source="system")
            case "SE":
                return Reference("ocr", compact, compact, source="system")
            case "FI" if fi_is_valid(compact):
                national = compact.lstrip("0")
                return Reference("fi", national, fi_format(national), source="system")
        return None

    def reference(self, invoice_number: str, given: str | None = None) -> Reference | None:
        """The invoice's reference: the source system's when it has one, else the bridge's."""
        return self.given(given) or self.generate(invoice_number)


# -- checking the options when the settings load ---------------------------------------------------


def _choice(options: Mapping[str, str], name: str, allowed: tuple[str, ...], why: str) -> str:
    value = options.get(name, "").strip().lower()
    if value and value not in allowed:
        raise ValueError(
            f"tenant option {name!r} must be one of {', '.join(allowed)}, not {value!r}{why}"
        )
    return value


def check_options(options: Mapping[str, str]) -> None:
    """Check the payment options of one tenant; a bad one is a ValueError naming the option."""
    iban = options.get("iban", "").strip()
    if iban:
        try:
            IBAN(iban)
        except SchwiftyException as exc:
            raise ValueError(
                f"tenant option 'iban' is not a valid IBAN ({iban!r}: {exc})"
            ) from None
    bic = options.get("bic", "").strip()
    if bic:
        try:
            BIC(bic)
        except SchwiftyException as exc:
            raise ValueError(f"tenant option 'bic' is not a valid BIC ({bic!r}: {exc})") from None
    creditor = options.get("fik_creditor", "").strip()
    if creditor and not re.fullmatch(r"\d{8}", creditor):
        raise ValueError(
            f"tenant option 'fik_creditor' must be the 8-digit FI creditor number, not {creditor!r}"
        )
    _choice(
        options,
        "kid",
        KID_ALGORITHMS,
        " (mod-11 KIDs: let the source system assign them, the bridge prints them as they are)",
    )
    length = options.get("kid_length", "").strip()
    if length:
        low, high = KID_LENGTH
        if not length.isdigit() or not low <= int(length) <= high:
            raise ValueError(
                f"tenant option 'kid_length' must be a whole number {low}-{high}, not {length!r}"
            )
    _choice(options, "ocr", OCR_KINDS, "")
    _choice(options, "fi_reference", FI_KINDS, "")


def compact_iban(value: str) -> str:
    """An IBAN without spaces, upper-cased (as schwifty reads it)."""
    return IBAN(value).compact if value.strip() else ""


def is_valid_reference(reference: Reference) -> bool:
    """Check a reference's check digit (stdnum where it has the algorithm)."""
    try:
        if reference.scheme == "rf":
            return bool(iso11649.validate(reference.value))
        if reference.scheme == "fi":
            return fi_is_valid(reference.value)
        return bool(luhn.validate(reference.value))
    except ValidationError:
        return False
