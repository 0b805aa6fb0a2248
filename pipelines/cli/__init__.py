"""The ``smartcity`` command: one entry point, a sub-command per task."""

import click

from pipelines.cli.ingest import ingest, summary


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Smart-city submissions pipeline (Gerakan Menuju Smart City).

    Turns regional master plans and evaluations into a validated warehouse.
    """


main.add_command(ingest)
main.add_command(summary)
for _module, _name in (("pipelines.cli.sample", "sample"), ("pipelines.cli.region", "region")):
    try:
        main.add_command(getattr(__import__(_module, fromlist=[_name]), _name))
    except ImportError:  # pragma: no cover - while a command is being written
        pass
