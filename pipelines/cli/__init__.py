"""The ``smartcity`` command: one entry point, a sub-command per task."""

import click

from pipelines.cli.ingest import ingest, summary
from pipelines.cli.officers import feedback, status, template
from pipelines.cli.region import region
from pipelines.cli.report import report
from pipelines.cli.sample import sample


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Smart-city submissions pipeline (Gerakan Menuju Smart City).

    Turns regional master plans and evaluations into a validated warehouse.
    """


main.add_command(ingest)
main.add_command(summary)
main.add_command(region)
main.add_command(template)
main.add_command(feedback)
main.add_command(status)
main.add_command(sample)
main.add_command(report)
