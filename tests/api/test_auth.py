"""API keys on every operation: no key, a malformed, unknown or revoked one is a 401 before anything else
is read; a non-admin key may not move the market (403); a key acts on its user's accounts only, and
another's account or order is a 404 exactly like one that does not exist.

Run through the fast path and as stock Connexion, like the rest of tests/api; each test builds its own app
(the `client` fixture holds the local key alone), so these run the same with PAPERBROKER_API_UNDER_TEST.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from connexion import AsyncApp
from starlette.testclient import TestClient

from paperbroker.app import create_app
from tests.contract.spec import SPEC
from tests.keys import AUTH, LOCAL_KEY, local_settings

CHALLENGE = 'Bearer realm="paperbroker"'
PATH_VALUES = {"orderId": "1", "positionId": "AAPL", "symbol": "AAPL"}
OPERATIONS = [
    (method.upper(), re.sub(r"\{(\w+)\}", lambda name: PATH_VALUES[name[1]], path), operation["operationId"])
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method != "parameters"
]
"""Every operation of the contract, with its path parameters filled in."""
ORDER = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 90}
UNKNOWN_KEY = "pbk_00000000000000ff_an-unknown-but-well-formed-key-0123456789"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


class Served:
    """The app (for its `accounts`) and a client that sends no key unless a request's headers give one."""

    def __init__(self, app: AsyncApp, client: TestClient) -> None:
        self.app = app
        self.client = client

    def new_user(self, name: str) -> dict[str, str]:
        """A user holding one account of the same name; the headers that carry the user's key."""
        key = self.app.accounts.create(name).key
        assert key is not None
        return bearer(key)

    def request(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
        return self.client.request(method, path, headers=headers, **kwargs)


def serve(tmp_path: Path, fastpath: bool, **settings: Any) -> Iterator[Served]:
    app = create_app(
        local_settings(
            db=str(tmp_path / "broker.db"), market=False, fastpath=fastpath, rate_limit=0, **settings
        )
    )
    with TestClient(app, base_url="http://testserver/api/v1") as client:
        yield Served(app, client)


@pytest.fixture(params=[True, False], ids=["fastpath", "stock"])
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Served]:
    yield from serve(tmp_path, request.param)


@pytest.fixture(params=[True, False], ids=["fastpath", "stock"])
def open_served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Served]:
    """auth off: every request is the local user's."""
    yield from serve(tmp_path, request.param, auth=False)


def assert_unauthorized(response: Any, what: str) -> None:
    assert response.status_code == 401, (what, response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json", what
    assert response.headers["www-authenticate"] == CHALLENGE, what
    assert response.json()["status"] == 401, what


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": f"Basic {LOCAL_KEY}"},
        {"Authorization": LOCAL_KEY},
    ],
    ids=["none", "empty", "bearer-alone", "basic", "no-scheme"],
)
def test_every_operation_without_a_key_is_a_401_with_the_challenge(
    served: Served, headers: dict[str, str]
) -> None:
    for method, path, operation_id in OPERATIONS:
        assert_unauthorized(served.request(method, path, headers), f"{operation_id} {headers}")


@pytest.mark.parametrize(
    "key",
    [
        "not-a-key",
        LOCAL_KEY[:-1] + "!",
        LOCAL_KEY.upper(),
        "pbk_00000000000000a1_short",
        UNKNOWN_KEY,
        LOCAL_KEY[:-1] + "X",  # the local key's id with another secret
    ],
    ids=["garbage", "bad-character", "upper-case", "short-secret", "unknown", "wrong-secret"],
)
def test_every_operation_with_a_malformed_or_unknown_key_is_a_401(served: Served, key: str) -> None:
    for method, path, operation_id in OPERATIONS:
        assert_unauthorized(served.request(method, path, bearer(key)), operation_id)


def test_a_refused_request_changes_nothing(served: Served) -> None:
    assert_unauthorized(served.request("POST", "/broker/orders", {}, json=ORDER), "placeOrder")
    assert_unauthorized(
        served.request("PUT", "/sim/quotes/AAPL", bearer(UNKNOWN_KEY), json={"bid": 1, "ask": 2}), "setQuote"
    )
    assert served.request("GET", "/broker/orders", AUTH).json() == []
    assert served.request("GET", "/market/quotes?symbols=AAPL", AUTH).status_code == 404  # never quoted


def test_a_revoked_key_is_a_401_on_every_operation_and_the_users_other_key_works(served: Served) -> None:
    assert served.request("GET", "/broker/account", AUTH).status_code == 200
    other = bearer(served.app.accounts.issue_key("local"))
    assert served.app.accounts.revoke("00000000000000a1")
    for method, path, operation_id in OPERATIONS:
        assert_unauthorized(served.request(method, path, AUTH), operation_id)
    assert served.request("GET", "/broker/account", other).json()["id"] == "paper"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("PUT", "/sim/quotes/AAPL", {"bid": 99, "ask": 100}), ("POST", "/sim/reset", None)],
    ids=["setQuote", "resetAccount"],
)
def test_the_simulation_controls_need_an_admin_key(served: Served, method: str, path: str, body: Any) -> None:
    alice = served.new_user("alice")
    assert served.request("POST", "/broker/orders", alice, json=ORDER).status_code == 201
    refused = served.request(method, path, alice, json=body)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert served.request("GET", "/broker/orders", alice).json()[0]["status"] == 6  # still working
    assert served.request("GET", "/market/quotes?symbols=AAPL", alice).status_code == 404  # never quoted
    assert served.request(method, path, AUTH, json=body).status_code == 200


def test_an_admin_resets_the_account_it_names(served: Served) -> None:
    alice = served.new_user("alice")
    assert served.request("POST", "/broker/orders", alice, json=ORDER).status_code == 201
    assert served.request("POST", "/broker/orders", AUTH, json=ORDER).status_code == 201
    assert served.request("POST", "/sim/reset?accountId=alice", AUTH).json()["id"] == "alice"
    assert served.request("GET", "/broker/orders", alice).json() == []
    assert len(served.request("GET", "/broker/orders", AUTH).json()) == 1
    unknown = served.request("POST", "/sim/reset?accountId=nobody", AUTH)
    assert unknown.status_code == 404


def test_without_auth_every_request_is_the_local_users(open_served: Served) -> None:
    assert open_served.request("GET", "/broker/account", {}).json()["id"] == "paper"
    assert open_served.request("PUT", "/sim/quotes/AAPL", {}, json={"bid": 99, "ask": 100}).status_code == 200
    placed = open_served.request("POST", "/broker/orders", bearer(UNKNOWN_KEY), json=ORDER)
    assert placed.status_code == 201
    assert [order["id"] for order in open_served.request("GET", "/broker/orders", AUTH).json()] == [
        placed.json()["orderId"]
    ]
    assert [a["id"] for a in open_served.request("GET", "/broker/accounts", {}).json()] == ["paper"]


def test_a_key_sees_only_its_users_orders(served: Served) -> None:
    alice = served.new_user("alice")
    mine = served.request("POST", "/broker/orders", AUTH, json=ORDER).json()["orderId"]
    hers = served.request("POST", "/broker/orders", alice, json=ORDER | {"qty": 2}).json()["orderId"]
    assert [order["id"] for order in served.request("GET", "/broker/orders", alice).json()] == [hers]
    assert [order["id"] for order in served.request("GET", "/broker/orders", AUTH).json()] == [mine]
    assert served.request("GET", "/broker/orders-history", alice).json() == []
    assert served.request("GET", "/broker/account", alice).json()["id"] == "alice"


def test_a_position_and_its_executions_are_the_owners_alone(served: Served) -> None:
    alice = served.new_user("alice")
    assert served.request("PUT", "/sim/quotes/AAPL", AUTH, json={"bid": 99, "ask": 100}).status_code == 200
    market = {"symbol": "AAPL", "type": 2, "side": 1, "qty": 3}
    assert served.request("POST", "/broker/orders", AUTH, json=market).status_code == 201
    assert served.request("GET", "/broker/positions", alice).json() == []
    assert served.request("GET", "/broker/executions/AAPL", alice).json() == []
    assert served.request("POST", "/broker/positions/AAPL/close", alice).status_code == 404
    assert served.request("GET", "/broker/positions", AUTH).json()[0]["qty"] == 3


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("PUT", {"qty": 5}), ("DELETE", None)],
    ids=["getOrder", "modifyOrder", "cancelOrder"],
)
def test_another_users_order_is_a_404_exactly_like_an_unknown_one(
    served: Served, method: str, body: Any
) -> None:
    alice = served.new_user("alice")
    theirs = served.request("POST", "/broker/orders", AUTH, json=ORDER).json()["orderId"]
    refused = served.request(method, f"/broker/orders/{theirs}", alice, json=body)
    unknown = served.request(method, "/broker/orders/999999", alice, json=body)
    assert refused.status_code == unknown.status_code == 404
    assert refused.headers["content-type"] == unknown.headers["content-type"] == "application/problem+json"
    assert {k: v for k, v in refused.json().items() if k != "detail"} == {
        k: v for k, v in unknown.json().items() if k != "detail"
    }
    assert served.request("GET", f"/broker/orders/{theirs}", AUTH).json()["status"] == 6  # untouched


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/broker/account", None),
        ("GET", "/broker/orders", None),
        ("POST", "/broker/orders", ORDER),
        ("GET", "/broker/positions", None),
        ("POST", "/sim/reset", None),
    ],
)
def test_naming_another_users_account_is_a_404_like_an_account_that_does_not_exist(
    served: Served, method: str, path: str, body: Any
) -> None:
    alice = served.new_user("alice")
    refused = served.request(method, f"{path}?accountId=paper", alice, json=body)
    unknown = served.request(method, f"{path}?accountId=nobody", alice, json=body)
    expected = 403 if path.startswith("/sim/") else 404  # the controls: not an admin, whichever account
    assert refused.status_code == unknown.status_code == expected, refused.text
    assert refused.json()["title"] == unknown.json()["title"]
    assert served.request("GET", "/broker/orders", AUTH).json() == []


def test_a_user_with_two_accounts_acts_on_the_first_unless_it_names_the_other(served: Served) -> None:
    alice = served.new_user("alice")
    served.app.accounts.create("alice-b", user="alice")
    placed = served.request("POST", "/broker/orders?accountId=alice-b", alice, json=ORDER)
    assert placed.status_code == 201, placed.text
    assert served.request("GET", "/broker/orders", alice).json() == []
    in_b = served.request("GET", "/broker/orders?accountId=alice-b", alice).json()
    assert [order["id"] for order in in_b] == [placed.json()["orderId"]]
    assert served.request("GET", "/broker/account?accountId=alice-b", alice).json()["id"] == "alice-b"


def test_get_accounts_lists_the_callers_accounts_alone_the_default_first(served: Served) -> None:
    alice = served.new_user("alice")
    served.app.accounts.create("alice-b", user="alice")
    served.new_user("bob")
    listed = served.request("GET", "/broker/accounts", alice)
    assert listed.status_code == 200
    assert [account["id"] for account in listed.json()] == ["alice", "alice-b"]
    assert [account["id"] for account in served.request("GET", "/broker/accounts", AUTH).json()] == ["paper"]
