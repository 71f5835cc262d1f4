"""Login forms with failed-login throttling (the site's login page and the admin's)."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from miaf.web.accounts import throttle


class ThrottledLoginMixin:
    """Refuses every attempt, even with the right password, while the account or the address is locked."""

    def clean(self):  # noqa: ANN201
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        if throttle.is_locked(username, address):
            raise forms.ValidationError(throttle.lockout_message(), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login" or any(e.code == "invalid_login" for e in exc.error_list):
                throttle.record_failure(username, address)
            raise
        throttle.record_success(username)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
