"""Sending tasks to the broker, with a clear failure when it cannot be reached.

A task is sent once its row is committed (transaction.on_commit). When the broker is down the
row must not be left waiting for a task that was never sent: `enqueue` raises
TaskQueueUnavailable, the service marks the row failed with the exception's message, and the
view answers 503. The user is told to try again, and trying again works.
"""

from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError


class TaskQueueUnavailable(Exception):
    """The broker could not be reached; nothing was queued."""

    def __init__(self):
        super().__init__(_("The task queue is unavailable; try again in a few minutes."))


def enqueue(task, *args) -> None:
    """Queue `task(*args)`, retrying briefly (CELERY_TASK_PUBLISH_RETRY_POLICY), or raise
    TaskQueueUnavailable. Eager mode (the embedded default) runs the task here and now."""
    try:
        task.apply_async(args=args)
    except (OperationalError, RedisError, ConnectionError, TimeoutError) as exc:
        raise TaskQueueUnavailable from exc
