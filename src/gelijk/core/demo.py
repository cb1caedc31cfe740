"""Demo data: each app registers a seeder; `gelijk demo` and `make run` call them in order.

Seeders must be idempotent (a second run neither fails nor duplicates) and deterministic
for a given seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeder:
    name: str
    func: Callable[[int], dict]
    order: int


SEEDERS: dict[str, Seeder] = {}


def register(name: str, order: int = 100):
    def decorator(func: Callable[[int], dict]):
        SEEDERS[name] = Seeder(name, func, order)
        return func

    return decorator


def seed_all(seed: int = 2026, only: list[str] | None = None) -> dict[str, dict]:
    results = {}
    for seeder in sorted(SEEDERS.values(), key=lambda s: (s.order, s.name)):
        if only and seeder.name not in only:
            continue
        results[seeder.name] = seeder.func(seed)
    return results
