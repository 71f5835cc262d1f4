"""Identifier rules shared by the web forms, the XLSForms and the demo (one place per rule).

A family code is a group or place prefix of 2–12 capital letters or digits, a dash and a number of 1–6 digits:
``OJO-001`` as written by hand in the field, ``DEMO-000123`` as the demo issues them.
"""

from __future__ import annotations

import re

__all__ = ["FAMILY_CODE_REGEX", "is_family_code"]

#: The family-code pattern, in the dialect both Python's ``re`` and ODK's XPath ``regex()`` understand.
FAMILY_CODE_REGEX = r"^[A-Z0-9]{2,12}-[0-9]{1,6}$"

_FAMILY_CODE = re.compile(FAMILY_CODE_REGEX)


def is_family_code(code: str) -> bool:
    """True when ``code`` follows :data:`FAMILY_CODE_REGEX`."""
    return bool(_FAMILY_CODE.match(code or ""))
