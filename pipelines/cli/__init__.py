"""The ``smartcity`` command: one entry point, a sub-command per task."""

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Smart-city submissions pipeline (Gerakan Menuju Smart City).

    Turns regional master plans and evaluations into a validated warehouse.
    """
