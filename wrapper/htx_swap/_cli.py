"""`htx-swap`: cancel trailing orders from a shell, or run the local sandbox.

    htx-swap trailing cancel --contract-code BTC-USDT [ID ...] [--from-file PATH | -]
                             [--json] [--base-url URL] [--sandbox]
    htx-swap sandbox [--host 127.0.0.1] [--port 8080] [--orders N] [--rate 5]

Exit status: 0 when every order was cancelled, 1 when any failed or is unresolved (or HTX stopped
answering part-way), 2 for usage, input and credential errors, 130 on Ctrl-C (after reporting what
was settled), 141 when stdout is closed early (as a command killed by SIGPIPE). Errors are one
line on stderr. Text that came from the network is printed with control characters escaped.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
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
    InvalidRequestError,
    SwapClient,
)
from ._client import DEFAULT_BASE_URL, DEFAULT_MAX_REQUESTS_PER_SECOND
from ._codes import HtxCode
from ._validation import (
    MAX_ORDER_IDS_PER_REQUEST,
    normalize_order_ids,
    validate_base_url,
    validate_contract_code,
)

__all__ = ["main"]

EXIT_OK = 0
EXIT_NOT_ALL_CANCELLED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# What a shell reports for a command killed by SIGPIPE: the reader went away, not an error of ours.
EXIT_BROKEN_PIPE = 141


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line, as every other input error does."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="htx-swap", description="HTX USDT-margined swap from the shell.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    trailing = commands.add_parser("trailing", help="trailing orders")
    trailing_commands = trailing.add_subparsers(dest="action", required=True, parser_class=_Parser)
    cancel = trailing_commands.add_parser(
        "cancel",
        help="cancel trailing orders",
        description=(
            "Cancel trailing orders of one contract, any number of IDs, batched 10 per request and "
            "paced under HTX's rate limit. Credentials come from HTX_ACCESS_KEY and HTX_SECRET_KEY."
        ),
        epilog="exit status: 0 all cancelled, 1 some failed or unresolved, 2 usage, input, keys",
    )
    cancel.add_argument("--contract-code", required=True, help="the contract, e.g. BTC-USDT")
    cancel.add_argument("order_ids", nargs="*", metavar="ID", help="trailing order IDs")
    cancel.add_argument(
        "--from-file",
        metavar="PATH",
        help="read more IDs from a file ('-' for stdin), separated by spaces, commas or newlines",
    )
    cancel.add_argument(
        "--json", action="store_true", help="print one JSON object and nothing else"
    )
    cancel.add_argument(
        "--rate",
        type=_positive_number,
        default=DEFAULT_MAX_REQUESTS_PER_SECOND,
        help=f"max requests per second (HTX's limit: {DEFAULT_MAX_REQUESTS_PER_SECOND:g})",
    )
    cancel.add_argument(
        "-v", "--verbose", action="store_true", help="log each request attempt on stderr"
    )
    target = cancel.add_mutually_exclusive_group()
    target.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"default {DEFAULT_BASE_URL}")
    cancel.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// --base-url that is not loopback (signed requests could be "
        "replayed by anyone on the path)",
    )
    target.add_argument(
        "--sandbox",
        action="store_true",
        help="cancel against an embedded local sandbox seeded with these IDs (no real orders)",
    )

    sandbox = commands.add_parser(
        "sandbox",
        help="run the local HTX sandbox in the foreground",
        description="A local HTX for this endpoint: signature checks, strict rate limit, orders.",
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
        help="requests per second per key, a whole number (0: unlimited)",
    )
    return parser


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
        order_ids.extend(text.lstrip("\ufeff").replace(",", " ").split())
    if not order_ids:
        raise InvalidRequestError("no order IDs given: pass IDs as arguments or with --from-file")
    return order_ids


@contextmanager
def _target(
    args: argparse.Namespace, order_ids: Sequence[str]
) -> Iterator[tuple[Credentials, str]]:
    """Credentials and base URL: the environment's and --base-url, or an embedded sandbox's."""
    if not args.sandbox:
        validate_base_url(args.base_url, allow_insecure_http=args.allow_insecure_http)
        yield Credentials.from_env(), args.base_url
        return
    htx_sandbox = _import_sandbox()
    with htx_sandbox.running(contract_code=args.contract_code) as sandbox:
        sandbox.control.seed_orders(args.contract_code, open=order_ids)
        keys = sandbox.credentials
        yield Credentials(keys.access_key, keys.secret_key), sandbox.base_url


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


def _progress_bar(stream: IO[str]) -> Callable[[int, int], None]:
    def show(settled: int, total: int) -> None:
        width = 30
        filled = width * settled // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {settled}/{total} orders")
        if settled == total:
            stream.write("\n")
        stream.flush()

    return show


# C0 and C1 controls (and DEL): a reply's text must not move the cursor, recolour or forge rows.
_CONTROL = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)])


def _printable(text: str) -> str:
    """Network text made safe for a terminal: control characters escaped (``\\x1b``, ``\\n``)."""
    if not any(ord(char) in _CONTROL for char in text):
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii") if ord(char) in _CONTROL else char
        for char in text
    )


def _outcomes(
    order_ids: Sequence[str], result: CancelResult
) -> Iterator[tuple[str, str, str, str]]:
    """(order ID, outcome, code, message) for each distinct ID, in input order."""
    failures = {failure.order_id: failure for failure in result.failed}
    cancelled = set(result.cancelled)
    for order_id in order_ids:
        if order_id in cancelled:
            yield order_id, "cancelled", "", ""
        elif order_id in failures:
            failure = failures[order_id]
            yield order_id, "failed", str(failure.err_code), _printable(failure.err_msg)
        else:
            yield order_id, "unresolved", "", "no definitive answer; check the order before acting"


def _print_table(order_ids: Sequence[str], result: CancelResult, out: IO[str]) -> None:
    rows = list(_outcomes(order_ids, result))
    id_width = max(len("ORDER ID"), *(len(row[0]) for row in rows))
    out.write(f"{'ORDER ID':<{id_width}}  {'OUTCOME':<10}  {'CODE':>5}  MESSAGE\n")
    for order_id, outcome, code, message in rows:
        out.write(f"{order_id:<{id_width}}  {outcome:<10}  {code:>5}  {message}".rstrip() + "\n")
    out.write(
        f"{len(rows)} orders: {len(result.cancelled)} cancelled, {len(result.failed)} failed, "
        f"{len(result.unresolved)} unresolved\n"
    )


def _print_json(result: CancelResult, out: IO[str]) -> None:
    document = {
        "cancelled": list(result.cancelled),
        "failed": [
            {"order_id": f.order_id, "err_code": f.err_code, "err_msg": f.err_msg}
            for f in result.failed
        ],
        "unresolved": list(result.unresolved),
    }
    out.write(json.dumps(document) + "\n")


def _cancel(args: argparse.Namespace, stdin: IO[str], out: IO[str], err: IO[str]) -> int:
    # Checked before credentials are read or a sandbox starts: bad input is a usage error.
    validate_contract_code(args.contract_code)
    order_ids = normalize_order_ids(_read_ids(args, stdin))
    error: HtxApiError | HtxTransportError | None = None
    interrupted = False
    if args.verbose:
        _log_attempts(err)
    with (
        _target(args, order_ids) as (credentials, base_url),
        SwapClient(
            credentials,
            base_url=base_url,
            max_requests_per_second=args.rate,
            allow_insecure_http=args.allow_insecure_http,
        ) as client,
    ):
        chunks = -(-len(order_ids) // MAX_ORDER_IDS_PER_REQUEST)
        progress = _progress_bar(err) if chunks > 1 and err.isatty() and not args.json else None
        try:
            result = client.cancel_trailing_orders(args.contract_code, order_ids, progress=progress)
        except (HtxApiError, HtxTransportError) as stopped:
            # HTX stopped answering part-way: still report every order, then the reason.
            if stopped.result is None:  # pragma: no cover - the client always attaches it
                raise
            result, error = stopped.result, stopped
        except CancellationInterrupted as interrupt:
            # Ctrl-C: what was settled is known; the rest is reported unresolved.
            result, interrupted = interrupt.result, True
        if progress is not None and len(result.cancelled) + len(result.failed) < len(order_ids):
            err.write("\n")  # the bar stopped short of the end: end its line
    if args.json:
        _print_json(result, out)
    else:
        _print_table(order_ids, result, out)
    out.flush()
    if interrupted:
        err.write("htx-swap: interrupted; orders not reported cancelled or failed are unresolved\n")
        return EXIT_INTERRUPTED
    if error is not None:
        err.write(f"htx-swap: error: {_describe(error)}\n")
        if isinstance(error, HtxAuthError) or error_code(error) == HtxCode.UNKNOWN_CONTRACT:
            return EXIT_USAGE
        return EXIT_NOT_ALL_CANCELLED
    return EXIT_OK if result.all_cancelled else EXIT_NOT_ALL_CANCELLED


def error_code(error: HtxError) -> int | None:
    """HTX's code on an error that has one."""
    return error.err_code if isinstance(error, HtxApiError) else None


def _log_attempts(stream: IO[str]) -> None:
    """One stderr line per attempt, timed from the start: batching and pacing made visible."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(relativeCreated)7.0f ms  %(message)s"))
    logger = logging.getLogger("htx_swap")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _describe(error: BaseException) -> str:
    text = _printable(str(error))
    if isinstance(error, HtxRateLimitError):
        return f"{text} (rate limit outlived the retries; the orders left are unresolved)"
    if isinstance(error, HtxAuthError):
        return f"{text} (check HTX_ACCESS_KEY, HTX_SECRET_KEY and the clock)"
    return text


def _sandbox(args: argparse.Namespace, out: IO[str]) -> int:
    htx_sandbox = _import_sandbox()

    def announce(sandbox: Any) -> None:
        keys = sandbox.credentials
        out.write(
            f"HTX sandbox listening on {sandbox.base_url} (test keys, no real exchange)\n"
            f"export HTX_ACCESS_KEY={keys.access_key}\n"
            f"export HTX_SECRET_KEY={keys.secret_key}\n"
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


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command; returns the exit status (the console script exits with it)."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "sandbox":
            return _sandbox(args, out)
        return _cancel(args, stdin, out, err)
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and no one to say it to.
        _silence_stdout(out)
        return EXIT_BROKEN_PIPE
    except (InvalidRequestError, HtxAuthError) as error:
        err.write(f"htx-swap: error: {_describe(error)}\n")
        return EXIT_USAGE
    except OSError as error:
        err.write(
            f"htx-swap: error: {error.strerror or error}: {error.filename or ''}\n".rstrip() + "\n"
        )
        return EXIT_USAGE
    except HtxError as error:
        err.write(f"htx-swap: error: {_describe(error)}\n")
        return EXIT_NOT_ALL_CANCELLED
    except KeyboardInterrupt:
        err.write("htx-swap: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug of ours: still one line, and orders may be unresolved
        err.write(f"htx-swap: internal error: {type(error).__name__}: {_printable(str(error))}\n")
        return EXIT_NOT_ALL_CANCELLED


def _silence_stdout(out: IO[str]) -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    if out is sys.stdout:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
