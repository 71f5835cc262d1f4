"""Pages go compressed on the wire when the browser accepts it (issue 15: page weight on rural connections)."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_family_page_is_gzipped_for_a_browser_that_accepts_it(world, client_for):
    c = client_for(world.carla)
    url = reverse("registry:family_detail", args=[world.fam_ojo.pk])
    plain = c.get(url)
    packed = c.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    body = gzip.decompress(packed.content).decode()
    assert world.fam_ojo.code in body
    assert len(packed.content) < len(plain.content) / 2
    assert "Accept-Encoding" in packed["Vary"]
