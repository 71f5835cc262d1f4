"""Locust scenario for the load test (issue 14, item 9): the demo's logins browse the app as people do.

Run by ``benchmarks/load/run_load.py`` (which starts the app, samples the ids each login may open into the
JSON file named by ``MIAF_LOAD_IDS`` and reads locust's CSV); loopback only. Three kinds of user, each logged in
through the login form with the demo password:

* coordinator (weight 2): home, family list pages, family pages, plot list and plot pages, the dashboard,
  the API's family and plot lists, a family and the indicators;
* promoter (weight 2): the same over the families of her groups;
* analyst (weight 1): the dashboard, the API's indicators and statistics, the home page (no personal data).

Every response other than 2xx counts as a failure; a user waits 1–3 s between requests (think time). When
``MIAF_LOAD_TIMES`` names a file, every request is also written there (seconds since the start, name, time in
ms, failed) for the per-minute table of ``run_load.py`` (how a cold start settles).
"""

from __future__ import annotations

import csv
import json
import os
import random
import time

from locust import HttpUser, between, events, task

IDS: dict[str, dict[str, list[int]]] = json.loads(open(os.environ["MIAF_LOAD_IDS"]).read())  # noqa: SIM115
PASSWORD = os.environ.get("MIAF_LOAD_PASSWORD", "milpa2011")
START = time.monotonic()
TIMES_FILE = open(os.environ["MIAF_LOAD_TIMES"], "w", newline="") if os.environ.get("MIAF_LOAD_TIMES") else None  # noqa: SIM115
TIMES = csv.writer(TIMES_FILE) if TIMES_FILE else None


@events.request.add_listener
def record(name: str, response_time: float, exception: BaseException | None, **_kw: object) -> None:
    if TIMES is not None:
        TIMES.writerow([f"{time.monotonic() - START:.2f}", name, f"{response_time:.1f}", int(exception is not None)])


@events.quitting.add_listener
def close_times(**_kw: object) -> None:
    if TIMES_FILE is not None:
        TIMES_FILE.close()  # written out before run_load.py reads it


class DemoUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="/accounts/login/ [GET]")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post("/accounts/login/", name="/accounts/login/ [POST]", allow_redirects=False,
                              data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                              catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"login of {self.username} failed: {r.status_code}")
        self.ids = IDS[self.username]

    def pick(self, kind: str) -> int:
        return random.choice(self.ids[kind])

    def list_page(self) -> int:
        return random.randint(1, max(1, self.ids["pages"][0]))

    def api_offset(self) -> int:
        """A random offset of the API's lists (pages of 100 rows, the API's default limit) within the scope."""
        return (self.list_page() - 1) * 50

    def get(self, path: str, name: str) -> None:
        self.client.get(path, name=name)


class Browsing(DemoUser):
    """Shared tasks of the coordinator and the promoter (people with personal-data rights)."""

    abstract = True

    @task(2)
    def home(self) -> None:
        self.get("/", "/")

    @task(3)
    def family_list(self) -> None:
        self.get(f"/familias/?page={self.list_page()}", "/familias/?page=N")

    @task(4)
    def family(self) -> None:
        self.get(f"/familias/{self.pick('families')}/", "/familias/ID/")

    @task(2)
    def plot_list(self) -> None:
        self.get(f"/parcelas/?page={self.list_page()}", "/parcelas/?page=N")

    @task(3)
    def plot(self) -> None:
        self.get(f"/parcelas/{self.pick('plots')}/", "/parcelas/ID/")

    @task(2)
    def dashboard(self) -> None:
        self.get("/tablero/", "/tablero/")

    @task(2)
    def api_families(self) -> None:
        self.get(f"/api/v1/families?offset={self.api_offset()}", "/api/v1/families?offset=N")

    @task(1)
    def api_family(self) -> None:
        self.get(f"/api/v1/families/{self.pick('families')}", "/api/v1/families/ID")

    @task(2)
    def api_plots(self) -> None:
        self.get(f"/api/v1/plots?offset={self.api_offset()}", "/api/v1/plots?offset=N")

    @task(1)
    def api_indicators(self) -> None:
        self.get("/api/v1/indicators", "/api/v1/indicators")


class Coordinator(Browsing):
    weight = 2
    username = "coordinadora"


class Promoter(Browsing):
    weight = 2
    username = "promotor"


class Analyst(DemoUser):
    weight = 1
    username = "analista"

    @task(1)
    def home(self) -> None:
        self.get("/", "/")

    @task(3)
    def dashboard(self) -> None:
        self.get("/tablero/", "/tablero/")

    @task(2)
    def api_indicators(self) -> None:
        self.get("/api/v1/indicators", "/api/v1/indicators")

    @task(2)
    def api_stats(self) -> None:
        self.get("/api/v1/stats", "/api/v1/stats")
