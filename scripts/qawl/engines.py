"""Engines: run one per-document function over a stream of tasks, results in input order.

The same function runs in-process, on a local process pool (`--workers N`) or
on Ray Data (`--engine ray`). Order is fixed by the input, never by the engine,
so every engine and worker count produces the same output.
"""

from __future__ import annotations

import itertools
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

ENGINES = ("local", "ray")
RAY_BATCH_DOCUMENTS = 512
# Documents queued per worker: enough to keep every worker busy while the driver writes
# a shard, few enough to keep memory flat.
IN_FLIGHT_PER_WORKER = 32
# Documents per pool submission. The pool hands a worker only about one submission ahead,
# so with one document each a worker idles whenever the driver is slow to refill the queue.
TASKS_PER_SUBMISSION = 4


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _map_list(fn: Callable[[Task], Result], tasks: list[Task]) -> list[Result]:
    return [fn(task) for task in tasks]


def run_local(fn: Callable[[Task], Result], tasks: Iterable[Task], workers: int) -> Iterator[Result]:
    """`map(fn, tasks)` on `workers` processes, in order, with a bounded number in flight."""
    if workers <= 1:
        yield from map(fn, tasks)
        return
    in_flight: deque[Future[list[Result]]] = deque()
    limit = max(1, workers * IN_FLIGHT_PER_WORKER // TASKS_PER_SUBMISSION)
    iterator = iter(tasks)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while batch := list(itertools.islice(iterator, TASKS_PER_SUBMISSION)):
            in_flight.append(pool.submit(_map_list, fn, batch))
            if len(in_flight) >= limit:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def _apply_pickled(batch: dict[str, Any], fn: Callable[[Any], Any]) -> dict[str, Any]:
    return {"result": [pickle.dumps(fn(pickle.loads(task))) for task in batch["task"]]}


def run_ray(
    fn: Callable[[Task], Result], tasks: Iterable[Task], workers: int, address: str | None = None
) -> Iterator[Result]:
    """`map(fn, tasks)` on Ray Data, batch by batch, in order.

    Tasks travel pickled, so the function sees exactly what the local engine
    passes it. `address` joins an existing cluster; without it a local one is
    started with `workers` CPUs.
    """
    import ray

    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    iterator = iter(tasks)
    while batch := list(itertools.islice(iterator, RAY_BATCH_DOCUMENTS)):
        dataset = ray.data.from_items([{"task": pickle.dumps(task)} for task in batch])
        mapped = dataset.map_batches(_apply_pickled, fn_args=(fn,), batch_size=1, batch_format="numpy")
        for row in mapped.iter_rows():
            yield pickle.loads(row["result"])


def run(fn: Callable[[Task], Result], tasks: Iterable[Task], engine: str, workers: int, address: str | None = None) -> Iterator[Result]:
    """Dispatch to the named engine."""
    if engine == "ray":
        return run_ray(fn, tasks, workers, address)
    return run_local(fn, tasks, workers)
