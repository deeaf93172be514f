"""SwapClient needs only the runtime dependencies: aiohttp is an extra (AsyncSwapClient's
transport="aiohttp"), so the sync client neither needs it nor loads it."""

from __future__ import annotations

import subprocess
import sys

from reliability.scripted import cancel_every_one, scripted

SCRIPT = """
import sys
sys.modules["aiohttp"] = None  # as where the extra is not installed: importing it fails
from htx_swap import Credentials, SwapClient
with SwapClient(Credentials("a", "b"), base_url=sys.argv[1], max_requests_per_second=None) as c:
    assert c.transport == "h11", c.transport
    print(c.cancel_trailing_orders("BTC-USDT", ["1", "2"]).cancelled)
"""


def test_the_sync_client_cancels_without_aiohttp() -> None:
    with scripted(cancel_every_one) as server:
        finished = subprocess.run(
            [sys.executable, "-c", SCRIPT, server.base_url],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "('1', '2')\n"


def test_making_a_sync_client_loads_no_aiohttp() -> None:
    script = (
        "import sys\n"
        "from htx_swap import Credentials, SwapClient\n"
        "SwapClient(Credentials('a', 'b'), base_url='http://127.0.0.1:9').close()\n"
        "print('aiohttp' in sys.modules)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (finished.returncode, finished.stdout) == (0, "False\n"), finished.stderr
