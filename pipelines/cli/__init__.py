"""The ``smartcity`` command: one entry point, a sub-command per task.

Sub-commands are imported when they are run (or listed by ``--help``), so ``smartcity
ingest`` does not pay for the spreadsheet writers of ``smartcity sample`` and the nightly
start stays short.
"""

import importlib

import click

#: sub-command -> "module:attribute" under pipelines.cli, in the order --help lists them
COMMANDS = {
    "ingest": "ingest:ingest",
    "summary": "ingest:summary",
    "region": "region:region",
    "template": "officers:template",
    "feedback": "officers:feedback",
    "status": "officers:status",
    "sample": "sample:sample",
    "report": "report:report",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(f"pipelines.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Smart-city submissions pipeline (Gerakan Menuju Smart City).

    Turns regional master plans and evaluations into a validated warehouse.
    """
