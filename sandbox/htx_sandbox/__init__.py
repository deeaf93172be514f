"""A local HTX exchange for tests: `swap_track_cancel` over real HTTP, with faults on demand.

`import htx_sandbox` stays cheap (no Starlette, no uvicorn) so that the pytest plugin and the
CLI's `--help` don't pay for the server; `running()` and `serve()` import it when called.
"""

from htx_sandbox._credentials import DEFAULT_CREDENTIALS, Credentials
from htx_sandbox._exchange import (
    CANCEL_PATH,
    Exchange,
    OrderState,
    RequestRecord,
    Stats,
)
from htx_sandbox._faults import Fault, FaultPlan
from htx_sandbox._server import Sandbox, describe, running, serve

__all__ = [
    "CANCEL_PATH",
    "DEFAULT_CREDENTIALS",
    "Credentials",
    "Exchange",
    "Fault",
    "FaultPlan",
    "OrderState",
    "RequestRecord",
    "Sandbox",
    "Stats",
    "describe",
    "running",
    "serve",
]
