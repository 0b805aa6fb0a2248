"""The ``smartcity`` command: one entry point, a sub-command per task."""

import click

from pipelines.cli.ingest import ingest, summary
from pipelines.cli.region import region


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Smart-city submissions pipeline (Gerakan Menuju Smart City).

    Turns regional master plans and evaluations into a validated warehouse.
    """


main.add_command(ingest)
main.add_command(summary)
main.add_command(region)
try:  # the sample generator is being written
    from pipelines.cli.sample import sample

    main.add_command(sample)
except ImportError:  # pragma: no cover
    pass
