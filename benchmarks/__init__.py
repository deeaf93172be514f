"""htx-swap's benchmarks, run by `scripts/bench` (`make bench`): `python -m benchmarks --help`.

- `harness`: settings, a row of the table, the run's record, the statistics;
- `processes`: the sandbox and the child interpreters (this tree's code, or another revision's);
- `contenders`: every contender as data, and one interface to cancel through;
- a module per section (`overhead`, `bulk`, `cold_start`, `regenerate`, `scale`, `unlimited`,
  `construction`, `time_to_cancel`, `warm_cancel`, `listing`, `async_cost`, `shared_limits`),
  each with `run(bench) -> rows`; the sections in order are `__main__.SECTIONS`;
- `report`: the document from `report.md.tmpl` and `findings.md`, and the README's table.

Imports nothing: children run as `python -m benchmarks.<module>` start fast.
"""
