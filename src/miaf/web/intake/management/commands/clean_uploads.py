"""``miaf manage clean_uploads [--hours H]``: delete import upload folders abandoned for a day (for cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from miaf.web.core.uploads import remove_abandoned


class Command(BaseCommand):
    help = "Delete import upload folders (previews never confirmed) older than MIAF_UPLOAD_MAX_AGE_HOURS."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--hours", type=float, default=None, help="age in hours (default: the setting)")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        n = remove_abandoned(options["hours"])
        self.stdout.write(f"{n} upload folder(s) removed")
