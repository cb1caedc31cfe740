"""Framework-free analysis engines.

Nothing under ``gelijk.engines`` imports Django or a Gelijk app (checked by
import-linter in CI). Engines take arrays, data frames or DuckDB relations and
return frozen dataclasses with ``to_dict()``; they do no I/O inside the maths.
"""
