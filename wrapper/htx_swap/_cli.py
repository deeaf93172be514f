"""`htx-swap`: trailing orders from a shell, or the local sandbox in the foreground.

    htx-swap trailing place      --contract-code BTC-USDT --direction buy --volume 1
                                 --callback-rate 0.01 --active-price 40000
                                 --order-price-type optimal_5 [--offset open] [--lever-rate 5]
                                 [--reduce-only | --no-reduce-only]
    htx-swap trailing list       [--contract-code BTC-USDT] [--trade-type N]
    htx-swap trailing history    [--contract-code BTC-USDT] [--status cancelled,...] [--days 7]
    htx-swap trailing cancel     --contract-code BTC-USDT [ID ...] [--from-file PATH | -]
    htx-swap trailing cancel-all --contract-code BTC-USDT [--direction buy] [--offset open]
    htx-swap sandbox [--host 127.0.0.1] [--port 8080] [--orders N] [--rate 5]

Every trailing command takes --margin-mode isolated|cross (cross: also --pair, --contract-type),
--json, --base-url or --sandbox, --rate and -v. Credentials come from HTX_ACCESS_KEY and
HTX_SECRET_KEY; the URL from --base-url, else HTX_BASE_URL, else https://api.hbdm.com.

Exit status: 0 done (every order cancelled, the order placed, the list read); 1 when any order
failed or is unresolved, a placement's outcome is unknown, a cancel-all is incomplete, or HTX
refused or stopped answering; 2 for usage, input and credential errors; 130 on Ctrl-C (after
reporting what was settled; during a placement, saying the order may exist); 141 when stdout is
closed early (as a command killed by SIGPIPE).
Errors are one line on stderr. Text from the network is printed with control characters escaped.
"""

from __future__ import annotations

import argparse
import array
import errno
import io
import json
import logging
import math
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import IO, Any, NoReturn

from . import (
    CancellationInterrupted,
    CancelResult,
    Credentials,
    HtxApiError,
    HtxAuthError,
    HtxError,
    HtxRateLimitError,
    HtxTransportError,
    HtxUnknownOutcomeError,
    InvalidRequestError,
    SwapClient,
    TrailingOrderStatus,
    __version__,
)
from ._client import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_REQUESTS_PER_SECOND,
    resolve_base_url,
)
from ._codes import HtxCode
from ._engine import Waits
from ._operations import FAMILIES
from ._placing import check_place
from ._render import (
    CHECK_BEFORE_PLACING_AGAIN,
    cancel_all_json,
    cancel_json,
    orders_json,
    placed_json,
    printable,
    unknown_outcome_json,
    write_cancel_all_table,
    write_cancel_table,
    write_orders_table,
    write_placed,
    write_unknown_outcome,
)
from ._validation import (
    CANCEL_ALL_OFFSETS,
    CONTRACT_TYPES,
    DIRECTIONS,
    MAX_HISTORY_DAYS,
    MAX_LEVER_RATE,
    MAX_ORDER_IDS_PER_REQUEST,
    ORDER_PRICE_TYPES,
    PLACE_OFFSETS,
    SORT_BY,
    TRADE_TYPES,
    SpecValues,
    normalize_order_ids,
    validate_contract_code,
)

__all__ = ["main"]

EXIT_OK = 0
EXIT_NOT_DONE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# What a shell reports for a command killed by SIGPIPE: the reader went away, not an error of ours.
EXIT_BROKEN_PIPE = 141

_HISTORY_STATES = {
    "submitted": TrailingOrderStatus.SUBMITTED,
    "failed": TrailingOrderStatus.SUBMIT_FAILED,
    "cancelled": TrailingOrderStatus.CANCELLED,
}


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line, as every other input error does."""

    json_errors = False  # the line is the JSON object of any error under --json (_say_error)

    def error(self, message: str) -> NoReturn:
        if self.json_errors:
            line = io.StringIO()
            _say_error(argparse.Namespace(json=True), line, message, EXIT_USAGE)
            self.exit(EXIT_USAGE, line.getvalue())
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _JsonErrorsParser(_Parser):
    json_errors = True


TRADE_TYPE_HELP = (
    "which orders: 0 all (default), 1 buy long, 2 sell short, 3 buy short, 4 sell long; "
    "in one-way mode 17 buy, 18 sell"
)
ENVIRONMENT_HELP = (
    f"environment: HTX_ACCESS_KEY and HTX_SECRET_KEY (the API key pair; not needed with "
    f"--sandbox), {BASE_URL_ENV} (where to send when --base-url is not given; "
    f"`htx-swap sandbox` prints all three)"
)


def _add_choice(
    parser: argparse.ArgumentParser,
    flag: str,
    values: SpecValues[Any],
    help: str | None = None,
    **options: Any,
) -> None:
    """An option whose allowed values are the spec's (``SpecValues``), read only when a value
    or the help needs them: building the parser must not load the generated client. (argparse
    lists choices in the usage unless given a metavar; the help line lists them instead.)"""
    listed = "one of %(choices)s"
    parser.add_argument(
        flag,
        choices=values,
        metavar=flag.removeprefix("--").replace("-", "_").upper(),
        help=listed if help is None else f"{help}: {listed}",
        **options,
    )


def _build_parser(*, json_errors: bool = False) -> argparse.ArgumentParser:
    """The command's parser; ``json_errors``: usage errors as JSON objects (``--json`` given)."""
    parser_class = _JsonErrorsParser if json_errors else _Parser
    parser = parser_class(
        prog="htx-swap",
        description="HTX USDT-margined swap from the shell.",
        epilog=ENVIRONMENT_HELP,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=parser_class)
    trailing = commands.add_parser("trailing", help="trailing orders", epilog=ENVIRONMENT_HELP)
    actions = trailing.add_subparsers(dest="action", required=True, parser_class=parser_class)
    common = _common_options()

    place = actions.add_parser(
        "place",
        parents=[common],
        help="place a trailing order",
        description="Place one trailing order. It is never sent twice: if its reply is lost, "
        "the command says so and lists the open orders that could be it.",
        epilog="exit status: 0 placed, 1 refused or outcome unknown, 2 usage, input, keys",
    )
    _contract_options(place, contract_type=True)
    _add_choice(place, "--direction", DIRECTIONS, required=True)
    place.add_argument("--volume", required=True, help="contracts, a whole number")
    place.add_argument("--callback-rate", required=True, help="e.g. 0.01 for 1%%; at least 0.001")
    place.add_argument("--active-price", required=True, help="the activation price")
    _add_choice(place, "--order-price-type", ORDER_PRICE_TYPES, required=True)
    _add_choice(place, "--offset", PLACE_OFFSETS)
    place.add_argument("--lever-rate", type=_bounded(1, MAX_LEVER_RATE))
    place.add_argument(
        "--dry-run",
        action="store_true",
        help="check the order and print the request body it would send; send nothing",
    )
    # Neither flag: reduce_only is left out and HTX applies its default.
    place.add_argument(
        "--reduce-only",
        action=argparse.BooleanOptionalAction,
        help="only reduce a position (sends reduce_only 1; --no-reduce-only sends 0)",
    )

    listing = actions.add_parser(
        "list",
        parents=[common],
        help="list open trailing orders",
        description="List the open trailing orders of a contract (on cross margin: of a pair, "
        "or all), page by page.",
    )
    _contract_options(listing, contract_type=False, need="required on isolated margin")
    _add_choice(listing, "--trade-type", TRADE_TYPES, help=TRADE_TYPE_HELP, type=int)

    history = actions.add_parser(
        "history",
        parents=[common],
        help="read the trailing order history",
        description="Trailing orders that ended (submitted on trigger, failed, cancelled).",
    )
    _contract_options(history, contract_type=False, need="required; on cross margin, or --pair")
    history.add_argument(
        "--status",
        type=_history_states,
        help=f"comma-separated: {', '.join(_HISTORY_STATES)} (default: all)",
    )
    _add_choice(history, "--trade-type", TRADE_TYPES, help=TRADE_TYPE_HELP, type=int)
    history.add_argument(
        "--days",
        type=_bounded(1, MAX_HISTORY_DAYS),
        help=f"how far back (default {MAX_HISTORY_DAYS})",
    )
    _add_choice(history, "--sort-by", SORT_BY)

    cancel = actions.add_parser(
        "cancel",
        parents=[common],
        help="cancel trailing orders by ID",
        description="Cancel trailing orders of one contract, any number of IDs, batched 10 per "
        "request and paced under HTX's rate limit.",
        epilog="exit status: 0 all cancelled, 1 some failed, unresolved or not sent, 2 usage, "
        "input, keys",
    )
    _contract_options(cancel, contract_type=True)
    cancel.add_argument("order_ids", nargs="*", metavar="ID", help="trailing order IDs")
    cancel.add_argument(
        "--from-file",
        metavar="PATH",
        help="read more IDs from a file ('-' for stdin), separated by spaces, commas or newlines",
    )

    cancel_all = actions.add_parser(
        "cancel-all",
        parents=[common],
        help="cancel every open trailing order of a contract",
        description="Cancel every open trailing order of a contract in one request, or only "
        "those of one direction or offset.",
        epilog="exit status: 0 done, 1 some failed or the result is incomplete, 2 usage",
    )
    _contract_options(cancel_all, contract_type=True)
    _add_choice(cancel_all, "--direction", DIRECTIONS)
    _add_choice(cancel_all, "--offset", CANCEL_ALL_OFFSETS)
    for action in (place, listing, history, cancel, cancel_all):
        action.epilog = (
            f"{action.epilog}; {ENVIRONMENT_HELP}" if action.epilog else ENVIRONMENT_HELP
        )

    sandbox = commands.add_parser(
        "sandbox",
        help="run the local HTX sandbox in the foreground",
        description="A local HTX for the trailing-order family: signature checks, strict rate "
        "limits, orders in both margin modes.",
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=_bounded(0, 65535), default=8080, help="0: a free port")
    sandbox.add_argument(
        "--orders", type=_bounded(0, 1_000_000), default=25, help="open trailing orders to seed"
    )
    sandbox.add_argument(
        "--rate",
        type=_bounded(0, 1_000_000),
        default=5,
        help="requests per second per account to each trade path, a whole number (0: unlimited)",
    )
    return parser


def _common_options() -> _Parser:
    """What every trailing command takes: where to, how fast, which margin mode, which output."""
    common = _Parser(add_help=False)
    common.add_argument("--margin-mode", choices=("isolated", "cross"), default="isolated")
    common.add_argument("--json", action="store_true", help="print one JSON document only")
    common.add_argument(
        "--param",
        action="append",
        type=_param,
        metavar="NAME=VALUE",
        help="another request field the spec declares (repeatable); VALUE is read as JSON "
        'when it is JSON (1, 0.5, true, "text"), else as text',
    )
    common.add_argument(
        "--rate",
        type=_positive_number,
        default=DEFAULT_MAX_REQUESTS_PER_SECOND,
        help=f"max requests per second (HTX's limit: {DEFAULT_MAX_REQUESTS_PER_SECOND:g})",
    )
    common.add_argument(
        "--rate-limit-store",
        metavar="URL",
        default=None,
        help="redis://host:6379/0: share HTX's per-account limits with every process of the "
        "account through this Redis (default: $HTX_RATE_LIMIT_STORE, else pace this process only)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", help="log each request attempt on stderr"
    )
    target = common.add_mutually_exclusive_group()
    target.add_argument(
        "--base-url", help=f"default: ${BASE_URL_ENV} if set, else {DEFAULT_BASE_URL}"
    )
    target.add_argument(
        "--sandbox",
        action="store_true",
        help="run against an embedded local sandbox (no real orders)",
    )
    common.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// --base-url that is not loopback (signed requests could be "
        "replayed by anyone on the path)",
    )
    return common


def _contract_options(
    parser: argparse.ArgumentParser,
    *,
    contract_type: bool,
    need: str = "required; on cross margin, or --pair with --contract-type",
) -> None:
    parser.add_argument("--contract-code", help=f"e.g. BTC-USDT ({need})")
    parser.add_argument("--pair", help="cross margin: the pair instead, e.g. BTC-USDT")
    if contract_type:
        _add_choice(parser, "--contract-type", CONTRACT_TYPES, help="cross, with --pair")


def _param(text: str) -> tuple[str, Any]:
    """``--param NAME=VALUE``: VALUE as JSON if it is JSON, else the text itself."""
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {printable(text)!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def _bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, else a usage error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def _positive_number(text: str) -> float:
    """An argparse type: a finite number above 0 (not nan, not inf), else a usage error."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number above 0; got {text[:40]!r}")
    return value


def _history_states(text: str) -> list[TrailingOrderStatus]:
    try:
        return [_HISTORY_STATES[name.strip()] for name in text.split(",")]
    except KeyError:
        names = ", ".join(_HISTORY_STATES)
        raise argparse.ArgumentTypeError(f"expected some of {names}; got {text[:40]!r}") from None


def _contract(args: argparse.Namespace) -> dict[str, Any]:
    """The contract arguments every trailing method takes."""
    contract = {"margin_mode": args.margin_mode, "pair": args.pair}
    if hasattr(args, "contract_type"):
        contract["contract_type"] = args.contract_type
    contract["params"] = dict(args.param or ())
    return contract


def _order(args: argparse.Namespace) -> dict[str, Any]:
    """The order `trailing place` describes, as placing (and its dry run) takes it."""
    return {
        "direction": args.direction,
        "volume": args.volume,
        "callback_rate": args.callback_rate,
        "active_price": args.active_price,
        "order_price_type": args.order_price_type,
        "offset": args.offset,
        "lever_rate": args.lever_rate,
        "reduce_only": args.reduce_only,
        **_contract(args),
    }


# --- where to send, and with what ----------------------------------------------------------------


@contextmanager
def _client(args: argparse.Namespace, seed: Sequence[str] = ()) -> Iterator[SwapClient]:
    """A client for --base-url and the environment's keys, or for an embedded sandbox's."""
    if not args.sandbox:
        base_url = resolve_base_url(args.base_url, allow_insecure_http=args.allow_insecure_http)
        credentials = Credentials.from_env()
        with _open(args, credentials, base_url) as client:
            yield client
        return
    htx_sandbox = _import_sandbox()
    # Seeded with the orders to cancel, or with a mix of open orders in both margin modes.
    code = args.contract_code or args.pair or "BTC-USDT"
    with htx_sandbox.running(contract_code=code, orders=0 if seed else 5, mix=not seed) as sandbox:
        if seed:
            sandbox.control.seed_orders(code, open=seed, margin_mode=args.margin_mode)
        keys = sandbox.credentials
        with _open(args, Credentials(keys.access_key, keys.secret_key), sandbox.base_url) as client:
            yield client


def _open(args: argparse.Namespace, credentials: Credentials, base_url: str) -> SwapClient:
    return SwapClient(
        credentials,
        base_url=base_url,
        max_requests_per_second=args.rate,
        allow_insecure_http=args.allow_insecure_http,
        rate_limit_store=args.rate_limit_store,
        waits=args.waits,
    )


def _import_sandbox() -> Any:
    # htx_sandbox itself imports cheaply; the server it runs needs the optional extra.
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401

        import htx_sandbox
    except ImportError as error:
        raise InvalidRequestError(
            f"the sandbox needs its extra ({error.name} is missing): "
            "pip install 'htx-swap[sandbox]'"
        ) from error
    return htx_sandbox


# --- the trailing commands -----------------------------------------------------------------------


def _place(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    if args.dry_run:
        return _place_dry_run(args, out, err)
    with _client(args) as client:
        try:
            placed = client.place_trailing_order(args.contract_code, **_order(args))
        except HtxUnknownOutcomeError as unknown:
            if args.json:
                out.write(unknown_outcome_json(unknown))
            else:
                write_unknown_outcome(unknown, out)
            return EXIT_NOT_DONE
        except KeyboardInterrupt:
            # The request may already be on its way or applied: a bare "interrupted" would
            # suggest nothing happened, and placing again could open a second order.
            err.write(
                f"htx-swap: interrupted: the order may have been placed; "
                f"{CHECK_BEFORE_PLACING_AGAIN}\n"
            )
            return EXIT_INTERRUPTED
    if args.json:
        out.write(placed_json(placed))
    else:
        write_placed(placed, out)
    return EXIT_OK


def _place_dry_run(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """Check the order as placing would, print the request body, send nothing."""
    request = check_place(args.contract_code, **_order(args))
    path = FAMILIES[request.margin_mode].place.path
    where = (
        "an embedded sandbox"
        if args.sandbox
        else resolve_base_url(args.base_url, allow_insecure_http=args.allow_insecure_http)
    )
    err.write(f"htx-swap: dry run, nothing sent: POST {path} to {where} with this body\n")
    out.write(json.dumps(request.body().to_dict(), ensure_ascii=True) + "\n")
    return EXIT_OK


def _list(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    with _client(args) as client:
        orders = client.open_trailing_orders(
            args.contract_code, trade_type=args.trade_type, **_contract(args)
        )
        _write_orders(args, orders, out, history=False)
    return EXIT_OK


def _history(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    with _client(args) as client:
        orders = client.trailing_order_history(
            args.contract_code,
            status=args.status,
            trade_type=args.trade_type,
            days=args.days,
            sort_by=args.sort_by,
            **_contract(args),
        )
        _write_orders(args, orders, out, history=True)
    return EXIT_OK


def _write_orders(args: argparse.Namespace, orders: Any, out: IO[str], *, history: bool) -> None:
    if args.json:
        out.write(orders_json(list(orders)))  # one document: read it all first
    else:
        write_orders_table(list(orders), out, history=history)


def _cancel_all(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    with _client(args) as client:
        result = client.cancel_all_trailing_orders(
            args.contract_code, direction=args.direction, offset=args.offset, **_contract(args)
        )
    if args.json:
        out.write(cancel_all_json(result))
    else:
        write_cancel_all_table(result, out)
    return EXIT_OK if result.complete and not result.failed else EXIT_NOT_DONE


def _read_ids(args: argparse.Namespace, stdin: IO[str]) -> list[str]:
    order_ids = list(args.order_ids)
    if args.from_file is not None:
        name = "stdin" if args.from_file == "-" else args.from_file
        try:
            if args.from_file == "-":
                # Bytes when there are any: the terminal's locale must not decide what an ID is.
                raw = getattr(stdin, "buffer", None)
                text = stdin.read() if raw is None else raw.read().decode("utf-8-sig")
            else:
                # utf-8-sig: a byte order mark (as some editors write) is not part of the first ID.
                with open(args.from_file, encoding="utf-8-sig") as file:
                    text = file.read()
        except UnicodeDecodeError:
            raise InvalidRequestError(
                f"{name} is not UTF-8 text; order IDs are decimal digits separated by spaces, "
                "commas or newlines"
            ) from None
        order_ids.extend(_ids_in(text.lstrip("\ufeff"), name))
    elif not order_ids:
        raise InvalidRequestError("no order IDs given: pass IDs as arguments or with --from-file")
    return order_ids


def _ids_in(text: str, name: str) -> list[str]:
    """The IDs in a file: separated by spaces, commas or newlines, each maybe in quotes (`jq`
    without -r); or JSON: the document `trailing list --json` prints, or JSON lines (each an ID
    or an object with "order_id")."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return [token.strip("\"'") for token in stripped.replace(",", " ").split()]
    try:
        documents = [json.loads(stripped)]
    except ValueError:
        try:
            documents = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except ValueError:
            raise InvalidRequestError(
                f"{name} starts like JSON but is neither one JSON document nor JSON lines"
            ) from None
    order_ids: list[str] = []
    for document in documents:
        if isinstance(document, dict) and isinstance(document.get("orders"), list):
            document = document["orders"]  # the document `trailing list --json` prints
        for item in document if isinstance(document, list) else [document]:
            value = item.get("order_id") if isinstance(item, dict) else item
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise InvalidRequestError(
                    f'{name}: expected order IDs, or objects with an "order_id"; '
                    f"got {printable(json.dumps(item))[:60]}"
                )
            order_ids.append(str(value))
    return order_ids


# Without a terminal (stderr to a file or a pipe), a progress line at most this often (seconds):
# a long batch is never silent, a short one prints nothing.
PROGRESS_LINE_EVERY = 5.0


def _orders(count: int) -> str:
    return f"{count} order" if count == 1 else f"{count} orders"


def _eta(seconds: float) -> str:
    whole = max(1, round(seconds))
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60} s"


def _progress(
    stream: IO[str], clock: Callable[[], float], *, terminal: bool
) -> Callable[[int, int], None]:
    """A bar redrawn in place on a terminal; elsewhere a line every PROGRESS_LINE_EVERY s. Both
    with the time left at the pace so far."""
    started = last_line = clock()

    def show(settled: int, total: int) -> None:
        nonlocal last_line
        now = clock()
        left = ""
        if 0 < settled < total:
            left = f", ETA {_eta((now - started) / settled * (total - settled))}"
        if terminal:
            width = 30
            filled = width * settled // total
            bar = f"[{'#' * filled}{'.' * (width - filled)}]"
            # \x1b[K clears what a longer ETA left on the line.
            stream.write(f"\r{bar} {settled}/{_orders(total)}{left}\x1b[K")
            if settled == total:
                stream.write("\n")
        elif now - last_line >= PROGRESS_LINE_EVERY and settled < total:
            last_line = now
            stream.write(f"htx-swap: {settled}/{_orders(total)} settled{left}\n")
        stream.flush()

    return show


def _cancel(args: argparse.Namespace, stdin: IO[str], out: IO[str], err: IO[str]) -> int:
    # Checked before credentials are read or a sandbox starts: bad input is a usage error.
    if args.margin_mode == "isolated":
        validate_contract_code(args.contract_code)
    given = _read_ids(args, stdin)
    if not given:  # an empty file or pipe (`trailing list` found nothing open): nothing to do
        if args.json:
            out.write(cancel_json(CancelResult()))
        source = "stdin" if args.from_file == "-" else args.from_file
        err.write(f"htx-swap: nothing to cancel: no order IDs in {source}\n")
        return EXIT_OK
    order_ids = normalize_order_ids(given)
    error: HtxApiError | HtxTransportError | None = None
    interrupted = False
    with _client(args, seed=order_ids) as client:
        chunks = -(-len(order_ids) // MAX_ORDER_IDS_PER_REQUEST)
        clock = time.monotonic if args.waits is None else args.waits.monotonic
        terminal = err.isatty()
        shown = chunks > 1 and not args.json
        progress = _progress(err, clock, terminal=terminal) if shown else None
        try:
            result = client.cancel_trailing_orders(
                args.contract_code, order_ids, progress=progress, **_contract(args)
            )
        except (HtxApiError, HtxTransportError) as stopped:
            # HTX stopped answering part-way: still report every order, then the reason.
            if stopped.result is None:  # pragma: no cover - the client always attaches it
                raise
            result, error = stopped.result, stopped
        except CancellationInterrupted as interrupt:
            # Ctrl-C: what was settled is known; the rest is reported unresolved.
            result, interrupted = interrupt.result, True
        if (
            terminal
            and progress is not None
            and len(result.cancelled) + len(result.failed) < len(order_ids)
        ):
            err.write("\n")  # the bar stopped short of the end: end its line
    if args.json:
        out.write(cancel_json(result))
    else:
        write_cancel_table(order_ids, result, out)
    out.flush()
    if interrupted:
        err.write(
            "htx-swap: interrupted; unresolved orders may or may not have been cancelled, "
            "orders not sent were not touched\n"
        )
        return EXIT_INTERRUPTED
    if error is not None:
        return _report(args, err, error)
    return EXIT_OK if result.all_cancelled else EXIT_NOT_DONE


def _report(args: argparse.Namespace, err: IO[str], error: HtxError) -> int:
    """The error on stderr (a JSON object with --json); returns the exit status it means."""
    status = EXIT_USAGE if _is_usage_error(error) else EXIT_NOT_DONE
    return _say_error(args, err, _describe(error), status, error)


def _say_error(
    args: argparse.Namespace,
    err: IO[str],
    message: str,
    status: int,
    error: BaseException | None = None,
) -> int:
    if getattr(args, "json", False):
        err.write(
            json.dumps(
                {
                    "error": message,
                    "kind": type(error).__name__ if error is not None else None,
                    "err_code": getattr(error, "err_code", None),
                    "exit_status": status,
                },
                ensure_ascii=True,
            )
            + "\n"
        )
    else:
        err.write(f"htx-swap: error: {message}\n")
    return status


def _is_usage_error(error: HtxError) -> bool:
    """Refused keys and unknown contracts: what the user must fix, like bad input."""
    if isinstance(error, InvalidRequestError | HtxAuthError):
        return True
    return isinstance(error, HtxApiError) and error.err_code == HtxCode.CONTRACT_NOT_FOUND


def _log_attempts(stream: IO[str]) -> None:
    """One stderr line per attempt, timed from the start: batching and pacing made visible."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Escaping("%(relativeCreated)7.0f ms  %(message)s"))
    logger = logging.getLogger("htx_swap")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


# The library's parameter names, as this command's flags: a message names what the user typed.
_FLAGS = re.compile(
    r"\b(contract_code|contract_type|callback_rate|active_price|order_price_type|lever_rate"
    r"|reduce_only|trade_type|sort_by)\b"
    r"|^(volume|offset|direction|pair|days|status)\b"
    r"|(?<=, or )pair\b"
)
_ORDER_ID_POSITION = re.compile(r"\border_ids\[(\d+)\]")


def _flags(text: str) -> str:
    """``volume must be...`` as ``--volume must be...``; ``order_ids[1]`` as ``ID 2``."""
    text = _ORDER_ID_POSITION.sub(lambda found: f"ID {int(found[1]) + 1}", text)
    return _FLAGS.sub(lambda found: "--" + found[0].replace("_", "-"), text)


class _Escaping(logging.Formatter):
    """Log lines carry network text (HTX's ``err_msg``): escaped as everything printed is."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


_warnings_handler: logging.Handler | None = None


def _log_warnings(stream: IO[str], *, verbose: bool, as_json: bool = False) -> None:
    """Warnings (of any logger) on stderr, escaped: without a handler of ours, Python's
    fallback would print them raw. With ``verbose``, htx_swap's go through ``_log_attempts``;
    with ``as_json`` none is printed (stderr holds one JSON object; the document says what a
    warning would, such as an incomplete cancel-all)."""
    global _warnings_handler
    root = logging.getLogger()
    if _warnings_handler is not None:  # main() run again in one process: one handler
        root.removeHandler(_warnings_handler)
    _warnings_handler = logging.NullHandler() if as_json else logging.StreamHandler(stream)
    _warnings_handler.setLevel(logging.WARNING)
    _warnings_handler.setFormatter(_Escaping("%(message)s"))
    if verbose:
        _warnings_handler.addFilter(lambda record: not record.name.startswith("htx_swap"))
    root.addHandler(_warnings_handler)


def _describe(error: BaseException) -> str:
    text = printable(str(error))
    if isinstance(error, InvalidRequestError):
        text = _flags(text)
    if isinstance(error, HtxRateLimitError):
        return f"{text} (rate limit outlived the retries; wait before trying again)"
    if isinstance(error, HtxAuthError):
        return f"{text} (check HTX_ACCESS_KEY, HTX_SECRET_KEY and the clock)"
    return text


# --- the sandbox ---------------------------------------------------------------------------------


def _sandbox(args: argparse.Namespace, out: IO[str]) -> int:
    htx_sandbox = _import_sandbox()

    def announce(sandbox: Any) -> None:
        keys = sandbox.credentials
        out.write(
            f"HTX sandbox listening on {sandbox.base_url} (test keys, no real exchange)\n"
            f"export HTX_ACCESS_KEY={keys.access_key}\n"
            f"export HTX_SECRET_KEY={keys.secret_key}\n"
            f"export {BASE_URL_ENV}={sandbox.base_url}\n"
            f"{len(sandbox.order_ids)} open trailing orders on {sandbox.contract_code}: "
            f"{' '.join(sandbox.order_ids)}\n"
        )
        for mode, code, ids in sandbox.mix_orders():  # other contracts, both margin modes
            out.write(f"{len(ids)} open {mode} trailing orders on {code}: {' '.join(ids)}\n")
        out.write("Ctrl-C to stop.\n")
        out.flush()

    rate = None if args.rate == 0 else float(args.rate)
    # Ctrl-C is how a foreground server is meant to stop: not an error.
    with suppress(KeyboardInterrupt):
        htx_sandbox.serve(
            host=args.host, port=args.port, orders=args.orders, rate=rate, announce=announce
        )
    return EXIT_OK


# --- main ----------------------------------------------------------------------------------------

_TRAILING: dict[str, Callable[[argparse.Namespace, IO[str], IO[str]], int]] = {
    "place": _place,
    "list": _list,
    "history": _history,
    "cancel-all": _cancel_all,
}


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    waits: Waits | None = None,
) -> int:
    """Run the command; returns the exit status (the console script exits with it).

    ``waits`` is the clients' clock and sleep (tests pass one on virtual time)."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    argv = sys.argv[1:] if argv is None else list(argv)
    # Read before parsing, so that a usage error is JSON too (options end at a bare `--`); any
    # abbreviation argparse takes for --json counts (no other option starts with --j).
    options = argv[: argv.index("--")] if "--" in argv else argv
    json_errors = any(len(arg) > 2 and "--json".startswith(arg) for arg in options)
    parser = _build_parser(json_errors=json_errors)
    args = parser.parse_args(argv)
    args.waits = waits
    if args.command == "trailing" and args.margin_mode == "isolated" and not args.contract_code:
        parser.error("--contract-code is required on isolated margin")
    try:
        if args.command == "sandbox":
            return _sandbox(args, out)
        _log_warnings(err, verbose=args.verbose, as_json=bool(getattr(args, "json", False)))
        if args.verbose:
            _log_attempts(err)
        if args.action == "cancel":
            status = _cancel(args, stdin, out, err)
        else:
            status = _TRAILING[args.action](args, out, err)
        _delivered(out)
        return status
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and no one to say it to.
        _silence_stdout(out)
        return EXIT_BROKEN_PIPE
    except HtxError as error:
        return _report(args, err, error)
    except OSError as error:
        message = f"{error.strerror or error}: {error.filename or ''}".rstrip().rstrip(":")
        return _say_error(args, err, message, EXIT_USAGE, error)
    except KeyboardInterrupt:
        err.write("htx-swap: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug of ours: still one line, and orders may be unresolved
        err.write(f"htx-swap: internal error: {type(error).__name__}: {printable(str(error))}\n")
        return EXIT_NOT_DONE


# How long the command waits for a pipe's reader to take what it wrote (``_delivered``).
_DELIVERY_WAIT = 5.0


def _delivered(out: IO[str]) -> None:
    """Wait until a pipe's reader has read everything written, or raise BrokenPipeError if it
    went away first (``| head -c 100``).

    A document shorter than the pipe's buffer is accepted whole by one write, so without this
    check a reader that stops part-way leaves no trace and the command exits 0. Only pipes are
    watched (not terminals or files), only where the system reports a pipe's unread bytes, and
    for at most ``_DELIVERY_WAIT`` seconds: a reader that reads only once the command has
    exited (``Popen(...).wait()`` before reading) must not wait for ever.
    """
    out.flush()
    try:
        descriptor = out.fileno()
        if not stat.S_ISFIFO(os.fstat(descriptor).st_mode):
            return
        import fcntl
        import select
        import termios
    except (AttributeError, OSError, ValueError, ImportError):  # not a real file: a test's
        return
    poller = select.poll()
    poller.register(descriptor, select.POLLERR | select.POLLHUP)
    unread = array.array("i", [0])
    give_up = time.monotonic() + _DELIVERY_WAIT
    while time.monotonic() < give_up:
        try:
            fcntl.ioctl(descriptor, termios.FIONREAD, unread)
        except OSError:
            return  # the system can't say what is unread: nothing more to check
        if unread[0] == 0:
            return  # all read (the reader may have gone since: it had everything)
        if any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(20)):
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def _silence_stdout(out: IO[str]) -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    if out is sys.stdout:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
