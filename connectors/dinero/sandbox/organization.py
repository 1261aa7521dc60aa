"""The Dinero sandbox's organization list and sales settings."""

from __future__ import annotations

from typing import Any

from connectors.dinero.sandbox.call import Call, pick, route
from connectors.sandbox_base import Params


@route("GET", "/v1/organizations")
def organizations(call: Call, _: Params) -> Any:
    org = {"Id": int(call.state.organization), "Name": "Sandbox ApS", "IsPro": call.state.is_pro}
    wanted = call.params.get("fields")
    return [pick(org, wanted.split(",")) if wanted else org]


@route("GET", "/v1/{org}/sales/settings")
def sales_settings(call: Call, _: Params) -> Any:
    return {
        "LinesInclVat": False,
        "UseFikCode": False,
        "DefaultAccountNumber": 1000,
        "AddVoucherAsPdfAttachment": True,
        "PaymentConditionNumberOfDays": 8,
        "PaymentConditionType": "Netto",
        **call.state.settings,
    }
