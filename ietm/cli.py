"""The `ietm` command: one group, thin subcommands loaded on demand, errors turned into one line each.

Exit codes: 0 success; 1 checks found errors; 2 usage error; 3 unreadable or hostile input; 4 settings,
schema or trust store missing or wrong; 5 unknown code or path; 6 refused by the rules; 130 interrupted.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable

import click

from ietm import __version__
from ietm.errors import IetmError

#: subcommand name -> "module:attribute"; modules load only when their command runs, so start-up stays fast
COMMANDS: dict[str, str] = {
    "ls": "ietm.catalog.commands:ls",
    "show": "ietm.catalog.commands:show",
    "scan": "ietm.catalog.commands:scan",
    "validate": "ietm.check.commands:validate",
    "serve": "ietm.web.commands:serve",
    "index": "ietm.index.commands:index",
    "search": "ietm.index.commands:search",
    "publish": "ietm.publish.commands:publish",
    "pdf": "ietm.paper.commands:pdf",
    "brex": "ietm.check.integrity_commands:brex",
    "refs": "ietm.check.integrity_commands:refs",
    "completeness": "ietm.check.integrity_commands:completeness",
    "check": "ietm.check.integrity_commands:check",
    "user": "ietm.accounts.commands:user",
    "applic": "ietm.applic.commands:applic",
    "instance": "ietm.applic.commands:instance",
    "new": "ietm.author.commands:new",
    "upissue": "ietm.author.commands:upissue",
    "pki": "ietm.sign.commands:pki",
    "sign": "ietm.sign.commands:sign",
    "release": "ietm.sign.commands:release",
    "verify": "ietm.sign.commands:verify",
    "audit": "ietm.sign.commands:audit",
    "cert": "ietm.sign.cert_commands:cert",
    "import": "ietm.ingest.commands:import_",
    "register": "ietm.sign.register_commands:register",
    "ul": "ietm.sign.ul_commands:ul",
    "deliver": "ietm.deliver.commands:deliver",
    "verify-delivery": "ietm.deliver.commands:verify_delivery",
    "apply-update": "ietm.deliver.commands:apply_update",
    "deliveries": "ietm.deliver.commands:deliveries",
    "orders": "ietm.orders.commands:orders",
}

FORMATS = ("text", "json")


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The same `--format` everywhere: text for people, json (and junit for checks) for machines."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices or FORMATS), default="text", show_default=True,
        help="Output format: text for people, json (or junit) for machines.",
    )


quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only the summary; the exit code tells.")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ietm")
def cli() -> None:
    """ietm: check, index, view, publish and sign S1000D technical manuals (IETM).

    A CSDB is a folder of S1000D files (data modules, publication modules, DML, ICNs ...).
    Commands that take a CSDB default to the current folder; `ietm serve` defaults to the sample manual.
    """


def main(argv: list[str] | None = None) -> None:
    try:
        rv = cli.main(args=argv, prog_name="ietm", standalone_mode=False)
    except IetmError as exc:
        from ietm.i18n import localise, terminal_language

        where = exc.where()
        click.echo(f"ERROR: {where + ': ' if where else ''}{localise(exc.message, terminal_language())}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("ERROR: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("ERROR: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    # commands end with ctx.exit(code) to fail; click hands that code back here
    sys.exit(rv if isinstance(rv, int) else 0)
