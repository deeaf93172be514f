"""A local HTX exchange for tests: the trailing-order family over real HTTP, with faults on demand.

`import htx_sandbox` stays cheap (no Starlette, no uvicorn) so that the pytest plugin and the
CLI's `--help` don't pay for the server; `running()` and `serve()` import it when called.
"""

from htx_sandbox._credentials import DEFAULT_CREDENTIALS, Credentials
from htx_sandbox._exchange import (
    CANCEL_PATH,
    Exchange,
    RequestRecord,
    Stats,
)
from htx_sandbox._faults import Fault, FaultPlan
from htx_sandbox._operations import Operation, Pool
from htx_sandbox._orders import MarginMode, OrderState, OrderStateError, TrailingOrder
from htx_sandbox._server import Sandbox, describe, running, serve

__all__ = [
    "CANCEL_PATH",
    "DEFAULT_CREDENTIALS",
    "Credentials",
    "Exchange",
    "Fault",
    "FaultPlan",
    "MarginMode",
    "Operation",
    "OrderState",
    "OrderStateError",
    "Pool",
    "RequestRecord",
    "Sandbox",
    "Stats",
    "TrailingOrder",
    "describe",
    "running",
    "serve",
]
