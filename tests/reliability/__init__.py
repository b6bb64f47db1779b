"""The reliability and security suite: faults, bombs, attacks, fuzzing and load.

Each test records what it measured; `python -m tests.reliability.report` renders those figures
into docs/reliability.md.
"""
