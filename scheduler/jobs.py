"""The one place that hands work to APScheduler (through PTB's JobQueue).

Jobs are registered by a fixed name and receive no objects, only the application through the job
context, so a restart schedules the same jobs again and never duplicates one.  Errors inside a job
reach the application's error handler (PTB routes them there).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import JobQueue

TICK_JOB = "zhibu.tick"


def schedule_tick(job_queue: JobQueue[Any], callback: Callable[[Any], Coroutine[Any, Any, None]], seconds: int) -> None:
    for job in job_queue.get_jobs_by_name(TICK_JOB):
        job.schedule_removal()
    job_queue.run_repeating(callback, interval=seconds, first=1.0, name=TICK_JOB,
                            job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": seconds})
