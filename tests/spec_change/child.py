"""Run in a child interpreter whose ``htx_swap_client`` is the one regenerated from the changed
spec (PYTHONPATH puts it first): exercises the unchanged wrapper and sandbox, prints findings."""

from __future__ import annotations

import json
import sys

import httpx
import respx

import htx_sandbox
import htx_swap
import htx_swap_client
from htx_swap import Credentials, InvalidRequestError, SwapClient
from htx_swap._cli import _build_parser

BASE_URL = "https://api.hbdm.com"
ORDER = {
    "symbol": "BTC", "contract_code": "BTC-USDT", "volume": 1, "order_type": 1,
    "direction": "buy", "offset": "open", "lever_rate": 5, "order_id": 826055066114916352,
    "order_id_str": "826055066114916352", "order_source": "api", "created_at": 1616988475122,
    "order_price_type": "optimal_30", "status": 2, "callback_rate": 0.03,
    "active_price": 48888, "is_active": 0, "margin_mode": "isolated",
    "margin_account": "BTC-USDT", "reduce_only": 0, "trigger_type": "ge",
}  # fmt: skip
PLACE = {
    "direction": "buy",
    "volume": 1,
    "callback_rate": "0.01",
    "active_price": "1670",
    "offset": "open",
    "lever_rate": 5,
}


def main() -> None:
    found: dict[str, object] = {"generated_from": htx_swap_client.__file__}
    from htx_swap_client.models import OpenTrailingOrder

    found["model_has_reply_field"] = "trigger_type" in OpenTrailingOrder.__annotations__
    sent: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        if request.url.path.endswith("openorders"):
            data = {"orders": [ORDER], "total_page": 1, "current_page": 1, "total_size": 1}
        else:
            data = {"order_id": 918819679173152768, "order_id_str": "918819679173152768"}
        return httpx.Response(200, json={"status": "ok", "data": data, "ts": 1616988497109})

    keys = Credentials("access-key", "secret-key")
    # respx mocks httpx: the client sends through it.
    with respx.mock() as router, SwapClient(keys, base_url=BASE_URL, transport="httpx") as client:
        router.post(url__startswith=BASE_URL).mock(side_effect=answer)
        [order] = client.open_trailing_orders("BTC-USDT")
        found["raw_reply_field"] = order.raw.get("trigger_type")
        found["order_price_type_read"] = order.order_price_type
        placed = client.place_trailing_order(
            "BTC-USDT", order_price_type="optimal_30", params={"channel_code": "sdk"}, **PLACE
        )
        found["placed"] = placed.order_id
        found["place_body"] = json.loads(sent[-1])
        try:
            client.place_trailing_order(
                "BTC-USDT", order_price_type="optimal_5", params={"channel_kode": "x"}, **PLACE
            )
        except InvalidRequestError as error:
            found["misspelt_param"] = str(error)
        found["requests_sent"] = len(sent)
    args = _build_parser().parse_args(
        ["trailing", "place", "--contract-code", "BTC-USDT", "--direction", "buy", "--volume",
         "1", "--callback-rate", "0.01", "--active-price", "1", "--order-price-type",
         "optimal_30", "--param", "channel_code=cli"]
    )  # fmt: skip
    found["cli"] = [args.order_price_type, dict(args.param)]
    with htx_sandbox.running(rate=None, pool_rate=None) as sandbox:
        keys = Credentials(sandbox.credentials.access_key, sandbox.credentials.secret_key)
        with SwapClient(keys, base_url=sandbox.base_url) as client:
            placed = client.place_trailing_order(
                "BTC-USDT", order_price_type="optimal_5", params={"channel_code": "sdk"}, **PLACE
            )
            found["sandbox_open"] = [o.order_id for o in client.open_trailing_orders("BTC-USDT")]
            found["sandbox_placed"] = placed.order_id
    found["wrapper"] = htx_swap.__file__
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main()
