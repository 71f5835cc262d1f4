"""The ``miaf`` command.

Each topic contributes its sub-commands from its own module through a ``register(subparsers)`` function
(listed in :data:`COMMAND_MODULES`); a sub-command's handler takes the parsed arguments and returns the
exit status. Bad input raises :class:`ValueError` (or a subclass) and exits with status 2 and a one-line
message, as the issues ask.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES: tuple[str, ...] = (
    "miaf.web.cli",
    "miaf.design.cli",
    "miaf.economics.cli",
    "miaf.environment.cli",
    "miaf.scaleup.cli",
    "miaf.web.intake.cli",
    "miaf.web.api.cli",
    "miaf.web.exports.cli",
    "miaf.web.evidence.cli",
    "miaf.web.scaleup.cli",
    "miaf.web.process.cli",
    "miaf.web.backup.cli",
    "miaf.web.market.cli",
    "miaf.web.trade.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="miaf",
        description="MIAF-D programme evidence: registry web app, plot design, economics, environment.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `miaf manage ...` hands everything after it to Django untouched (its own options included).
    if argv[:1] == ["manage"]:
        from miaf.web.cli import run_manage

        return run_manage(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as exc:
        message = " ".join(str(exc).split())
        print(f"miaf {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
