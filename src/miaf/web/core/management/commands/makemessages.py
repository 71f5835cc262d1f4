"""``makemessages`` that also sees the project's short aliases of the translation functions.

Several modules import ``gettext_lazy as _l`` (or ``_lazy``) and ``gettext as _t`` to keep lines short; xgettext
only knows ``_``, ``gettext`` and friends, so without these keywords their strings never reach the catalogue and
stay Spanish in the English interface.
"""

from __future__ import annotations

from django.core.management.commands.makemessages import Command as MakeMessagesCommand

#: The aliases used in this project (``tests/web/test_i18n.py`` checks that no other alias is imported).
ALIASES = ("_l", "_lazy", "_t")


class Command(MakeMessagesCommand):
    xgettext_options = MakeMessagesCommand.xgettext_options + [f"--keyword={a}" for a in ALIASES]
