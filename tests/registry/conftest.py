"""Registry fixtures: the shared persona world, plus the intake world (for imports that edit a family)."""

from tests.api.conftest import api_as, tokens  # noqa: F401
from tests.intake.conftest import intake_world  # noqa: F401
