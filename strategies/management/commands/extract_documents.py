"""Queue text extraction again for strategy documents that are waiting or were interrupted."""

from django.core.management.base import BaseCommand, CommandError

from ctframework.task_queue import TaskQueueUnavailable
from strategies.services import documents_requeue_pending


class Command(BaseCommand):
    help = "Queue text extraction for strategy documents still waiting (or interrupted)."

    def handle(self, *args, **options):
        try:
            count = documents_requeue_pending()
        except TaskQueueUnavailable as exc:
            raise CommandError(f"{exc} The documents stay queued.") from None
        self.stdout.write(f"{count} document(s) queued for extraction.")
