"""Queue text extraction again for strategy documents that are waiting or were interrupted."""

from django.core.management.base import BaseCommand

from strategies.services import documents_requeue_pending


class Command(BaseCommand):
    help = "Queue text extraction for strategy documents still waiting (or interrupted)."

    def handle(self, *args, **options):
        count = documents_requeue_pending()
        self.stdout.write(f"{count} document(s) queued for extraction.")
