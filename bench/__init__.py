"""Benchmark of the pipeline against a naive baseline and a floor (issue 7).

Run it with ``.venv/bin/python -m bench.run`` (see ``bench/README.md``). Not part of the test
suite: nothing here is imported by ``pipelines`` or ``tests``.
"""
