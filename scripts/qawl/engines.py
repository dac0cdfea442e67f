"""Engines: run one per-document function over a stream of tasks, results in input order.

The same function runs in-process, on a local process pool (`--workers N`) or
on Ray Data (`--engine ray`). Order is fixed by the input, never by the engine,
so every engine and worker count produces the same output.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import pickle
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

Task = TypeVar("Task")
Result = TypeVar("Result")

ENGINES = ("local", "ray")
RAY_BATCH_TASKS = 128
# Ray Data batches running at once: the next one fills the cluster while the last shards of one finish
# (and while its dataset starts), so no batch waits for the slowest shard of the one before.
RAY_BATCHES_IN_FLIGHT = 2
# Tasks in flight per worker: a worker always has the next one queued, and the driver
# holds the inputs of only a few (a task is a shard of documents).
IN_FLIGHT_PER_WORKER = 3
# prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1
# Seconds between two looks at whether a worker's parent is alive, where the kernel cannot tell the worker.
PARENT_WATCH_INTERVAL = 0.5
# Seconds to wait for a Ray cluster's port to answer: Ray itself retries an unreachable address without end.
RAY_CONNECT_TIMEOUT = 10.0


class EngineUnavailable(Exception):
    """The engine cannot start: `option` (as typed on the command line) names what the user gave."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(message)


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def batched(items: Iterable[Task], size: int) -> Iterator[list[Task]]:
    """`items` in lists of `size` (the last one shorter), in order."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def in_order(executor: Executor, fn: Callable[[Task], Result], tasks: Iterable[Task], limit: int) -> Iterator[Result]:
    """`map(fn, tasks)` on `executor`, in order, with at most `limit` tasks submitted and not yet yielded."""
    in_flight: deque[Future[Result]] = deque()
    for task in tasks:
        in_flight.append(executor.submit(fn, task))
        if len(in_flight) >= limit:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


def end_with_parent(parent: int) -> None:
    """Pool initializer: end this worker as soon as `parent`, the process that started it, dies.

    A worker whose build was killed (`kill`, `kill -9`, the OOM killer) would otherwise wait
    for ever to hand its result to a parent that is gone. On Linux the kernel kills it; elsewhere a
    daemon thread watches the parent.
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except AttributeError:  # not Linux
        threading.Thread(target=_watch_parent, args=(parent,), name="qawl-parent-watch", daemon=True).start()
    else:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # died before the kernel was asked to tell us
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_WATCH_INTERVAL)
    os._exit(1)


def run_local(fn: Callable[[Task], Result], tasks: Iterable[Task], workers: int) -> Iterator[Result]:
    """`map(fn, tasks)` on `workers` processes, in order, with a bounded number in flight.

    The workers end when this process dies (`end_with_parent`). They are forked from the thread
    that iterates (Linux kills them when it ends: the pool is shut down before that).
    """
    if workers <= 1:
        yield from map(fn, tasks)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=end_with_parent, initargs=(os.getpid(),)) as pool:
        yield from in_order(pool, fn, tasks, workers * IN_FLIGHT_PER_WORKER)


class DaemonThreads(Executor):
    """Each call on a daemon thread of its own; the caller bounds how many run at once (`in_order`'s limit).

    A ThreadPoolExecutor's threads are joined at exit: an interrupted build would
    wait for the Ray batches in flight to finish before it stopped.
    """

    def submit(self, fn: Callable[..., Result], /, *args: Any, **kwargs: Any) -> Future[Result]:
        future: Future[Result] = Future()

        def call() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as error:
                    future.set_exception(error)

        threading.Thread(target=call, name="qawl-ray-batch", daemon=True).start()
        return future


def _apply_pickled(batch: dict[str, Any], fn: Callable[[Any], Any]) -> dict[str, Any]:
    return {"result": [pickle.dumps(fn(pickle.loads(task))) for task in batch["task"]]}


def connect_ray(workers: int, address: str | None) -> Any:
    """The `ray` module, connected to the cluster at `address`, or to a new local one of `workers` CPUs.

    Raises EngineUnavailable when Ray is not installed or nothing answers at `address`.
    """
    try:
        import ray
    except ImportError as error:
        raise EngineUnavailable("--engine ray", f"Ray is not installed ({error}); install the `ray` extra: pip install -e '.[ray]'") from error
    if ray.is_initialized():
        return ray
    if not address:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        return ray
    check_reachable(address)
    try:
        ray.init(address=address, log_to_driver=False)
    except ConnectionError as error:
        raise EngineUnavailable(f"--address {address}", f"cannot join the Ray cluster there: {error}") from error
    return ray


def check_reachable(address: str) -> None:
    """Raise EngineUnavailable unless something accepts a connection at a `host:port` or `ray://host:port` address.

    Other forms ("auto", "local", no port) are left to Ray.
    """
    try:
        location = urlsplit(address if "://" in address else f"//{address}")
        host, port = location.hostname, location.port
    except ValueError as error:
        raise EngineUnavailable(f"--address {address}", f"not a Ray address ({error}); expected host:port or ray://host:port") from error
    if host is None or port is None:
        return
    try:
        socket.create_connection((host, port), timeout=RAY_CONNECT_TIMEOUT).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise EngineUnavailable(f"--address {address}", f"no Ray cluster answers there ({reason}); start one with `ray start --head` or check the address") from error


def run_ray(
    fn: Callable[[Task], Result], tasks: Iterable[Task], workers: int, address: str | None = None
) -> Iterator[Result]:
    """`map(fn, tasks)` on Ray Data, in batches of RAY_BATCH_TASKS, RAY_BATCHES_IN_FLIGHT at once, in order.

    Tasks travel pickled, so the function sees exactly what the local engine
    passes it. `address` joins an existing cluster; without it a local one is
    started with `workers` CPUs.
    """
    ray = connect_ray(workers, address)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False

    def run_batch(batch: list[Task]) -> list[Result]:
        dataset = ray.data.from_items([{"task": pickle.dumps(task)} for task in batch])
        mapped = dataset.map_batches(_apply_pickled, fn_args=(fn,), batch_size=1, batch_format="numpy")
        return [pickle.loads(row["result"]) for row in mapped.iter_rows()]

    for results in in_order(DaemonThreads(), run_batch, batched(tasks, RAY_BATCH_TASKS), RAY_BATCHES_IN_FLIGHT):
        yield from results


def run(fn: Callable[[Task], Result], tasks: Iterable[Task], engine: str, workers: int, address: str | None = None) -> Iterator[Result]:
    """Dispatch to the named engine."""
    if engine == "ray":
        return run_ray(fn, tasks, workers, address)
    return run_local(fn, tasks, workers)
