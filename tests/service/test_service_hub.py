"""The hub's API: an exchange between an NGO and a bank through `chainbreaker serve`, and isolation of every route.

`HUB_ROUTES` is read by test_service_isolation's completeness check: each route here is tested below for
callers outside the partnership (404) or of the wrong kind (403).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from svc_world import PASSWORD, World, csrf_of, make_world

from chainbreaker.core.workspace import Workspace
from chainbreaker.service import accounts
from chainbreaker.sharing import protocol
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.records import BankItem, Category, SharedRecord

HUB_ROUTES = {
    ("POST", "/api/v1/hub/partnerships"),
    ("POST", "/api/v1/hub/submissions"),
    ("POST", "/api/v1/hub/submissions/{submission_id}/revoke"),
    ("GET", "/api/v1/hub/submissions/{submission_id}"),
    ("POST", "/api/v1/hub/requests"),
    ("GET", "/api/v1/hub/requests/{request_id}"),
    ("POST", "/api/v1/hub/requests/{request_id}/response"),
    ("POST", "/api/v1/hub/rfis"),
    ("POST", "/api/v1/hub/rfis/{rfi_id}/answer"),
    # the NGO's page: upload a file blinded on its own computer, withdraw a submission
    ("GET", "/hub/submit"),
    ("POST", "/hub/submit"),
    ("POST", "/hub/submissions/{submission_id}/withdraw"),
}
POLICY = SharingPolicy(min_submission=20, min_request=20, bucket=64)
EXTRA = (
    ("hub", "hannah", "hub_operator", "hub"),
    ("ngo-1", "cara", "caseworker", "ngo"),
    ("ngo-1", "cora", "coordinator", "ngo"),
    ("ngo-2", "nina", "caseworker", "ngo"),
)


@pytest.fixture(scope="module")
def hub_world(service_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> World:
    world = make_world(service_workspace, tmp_path_factory.mktemp("hubdb") / "cases.sqlite", with_cases=False)
    with world.app.state.ctx.sessions.begin() as session:
        for org, username, role, kind in EXTRA:
            accounts.add_user(session, org, username, PASSWORD, role, actor="test", org_kind=kind)
            world.keys[username] = accounts.create_api_key(session, username, actor="test")[0]
    return world


def _b64(message: protocol.Message, path: Path) -> str:
    return base64.b64encode(message.write(path).read_bytes()).decode()


def _msg(data: dict[str, object], expect: str, path: Path) -> protocol.Message:
    path.write_bytes(base64.b64decode(str(data["message"])))
    return protocol.Message.read(path, expect)


@pytest.fixture(scope="module")
def exchange(hub_world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("hubmsg")
    hannah, cara, alice = hub_world.api("hannah"), hub_world.api("cara"), hub_world.api("alice")
    made = hannah.post(
        "/api/v1/hub/partnerships",
        json={
            "id": "ngo1-banka",
            "ngo_org_id": "ngo-1",
            "bank_org_id": "bank-a",
            "purpose": "find controllers and protect survivors in programme 7",
            "min_submission": 20,
            "bucket": 64,
            "min_request": 20,
        },
    )
    assert made.status_code == 201, made.text
    phones = [f"+4479110{n:05d}" for n in range(30)]
    records = [
        SharedRecord(f"r{i}", Category.PROTECTIVE, 0.9, None, None, (("phone", p),))
        for i, p in enumerate(phones)
    ]
    sub, ngo = protocol.submit(
        records, partnership="ngo1-banka", purpose="programme 7", policy=POLICY, workers=1
    )
    up = cara.post("/api/v1/hub/submissions", json={"message": _b64(sub, tmp / "s.msg")})
    assert up.status_code == 201, up.text
    sid = sub.header["submission_id"]
    fetched = _msg(alice.get(f"/api/v1/hub/submissions/{sid}").json(), "submission", tmp / "s2.msg")
    items = [BankItem(f"P{n}", "phone", f"+4479110{n:05d}") for n in range(25, 60)]
    req, bank = protocol.request(items, fetched, purpose="case C-1", policy=POLICY, workers=1)
    sent = alice.post("/api/v1/hub/requests", json={"message": _b64(req, tmp / "q.msg")})
    assert sent.status_code == 201, sent.text
    rid = req.header["request_id"]
    pending = _msg(cara.get(f"/api/v1/hub/requests/{rid}").json(), "request", tmp / "q2.msg")
    answer = protocol.respond(pending, ngo, policy=POLICY, workers=1)
    back = cara.post(f"/api/v1/hub/requests/{rid}/response", json={"message": _b64(answer, tmp / "a.msg")})
    assert back.status_code == 200, back.text
    response = _msg(alice.get(f"/api/v1/hub/requests/{rid}").json(), "response", tmp / "a2.msg")
    found = protocol.match(fetched, response, bank, workers=1)
    assert sorted(m.party_id for m in found) == [f"P{n}" for n in range(25, 30)]
    rfi = alice.post(
        "/api/v1/hub/rfis",
        json={
            "partnership_id": "ngo1-banka",
            "handle": found[0].handle,
            "question": "Is the person safe to contact?",
        },
    )
    assert rfi.status_code == 201, rfi.text
    return {"submission_id": sid, "request_id": rid, "rfi_id": str(rfi.json()["id"])}


def test_exchange_and_rfi_through_the_service(hub_world: World, exchange: dict[str, str]) -> None:
    cara, cora = hub_world.api("cara"), hub_world.api("cora")
    url = f"/api/v1/hub/rfis/{exchange['rfi_id']}/answer"
    assert cara.post(url, json={"reveal": True, "answer": "yes"}).status_code == 403
    done = cora.post(url, json={"reveal": True, "answer": "Contact through our caseworker only."})
    assert done.status_code == 200 and done.json()["status"] == "answered"


BODIES: dict[tuple[str, str], dict[str, object] | None] = {
    ("POST", "/api/v1/hub/submissions/{submission_id}/revoke"): None,
    ("GET", "/api/v1/hub/submissions/{submission_id}"): None,
    ("GET", "/api/v1/hub/requests/{request_id}"): None,
    ("POST", "/api/v1/hub/rfis/{rfi_id}/answer"): {"reveal": False},
}


@pytest.mark.parametrize("route", sorted(BODIES), ids=lambda r: f"{r[0]} {r[1]}")
def test_outside_the_partnership_is_not_found(hub_world: World, exchange: dict[str, str], route) -> None:  # type: ignore[no-untyped-def]
    method, template = route
    path = template.format(**exchange)
    response = hub_world.api("bob").request(method, path, json=BODIES[route])
    assert response.status_code == 404, (path, response.text)


@pytest.mark.parametrize(
    ("user", "route"),
    [
        ("alice", ("POST", "/api/v1/hub/partnerships")),
        ("hannah", ("POST", "/api/v1/hub/submissions")),
        ("bob", ("POST", "/api/v1/hub/submissions")),
        ("cara", ("POST", "/api/v1/hub/requests")),
        ("bob", ("POST", "/api/v1/hub/requests/{request_id}/response")),
        ("cara", ("POST", "/api/v1/hub/rfis")),
        ("hannah", ("GET", "/api/v1/hub/submissions/{submission_id}")),
    ],
)
def test_wrong_kind_or_role_is_refused(hub_world: World, exchange: dict[str, str], user: str, route) -> None:  # type: ignore[no-untyped-def]
    method, template = route
    body = {"message": base64.b64encode(json.dumps({"type": "x"}).encode()).decode()}
    if template.endswith("partnerships"):
        body = {
            "id": "x-y-z",
            "ngo_org_id": "ngo-1",
            "bank_org_id": "bank-b",
            "purpose": "a purpose of twenty chars",
        }
    if template.endswith("rfis"):
        body = {"partnership_id": "ngo1-banka", "handle": "sub-0000000000000000#1", "question": "?"}
    response = hub_world.api(user).request(method, template.format(**exchange), json=body)
    assert response.status_code in (403, 404), (user, template, response.status_code, response.text)


def test_revocation_through_the_service(hub_world: World, exchange: dict[str, str]) -> None:
    sid = exchange["submission_id"]
    assert hub_world.api("cara").post(f"/api/v1/hub/submissions/{sid}/revoke").status_code == 200
    assert hub_world.api("alice").get(f"/api/v1/hub/submissions/{sid}").status_code == 409


def _page_submission(n: int, purpose: str = "programme 7 outreach", policy: SharingPolicy = POLICY) -> bytes:
    records = [
        SharedRecord(f"w{i}", Category.RECRUITER, 0.8, None, None, (("phone", f"+4479120{i:05d}"),))
        for i in range(n)
    ]
    message, _ = protocol.submit(records, partnership="ngo1-banka", purpose=purpose, policy=policy, workers=1)
    return json.dumps(message.header, sort_keys=True).encode() + b"\n" + message.payload


def test_ngo_page_accepts_a_blinded_file_and_refuses_clear_records(
    hub_world: World, exchange: dict[str, str]
) -> None:
    from chainbreaker.storage.sharing_models import HubSubmission

    cara = hub_world.login("cara")
    shown = cara.get("/hub/submit")
    assert (
        shown.status_code == 200 and "--partnership ngo1-banka" in shown.text and "--bucket 64" in shown.text
    )

    def upload(name: str, data: bytes):  # type: ignore[no-untyped-def]
        token = csrf_of(cara.get("/hub/submit").text)
        return cara.post(
            "/hub/submit",
            data={"csrf_token": token},
            files={"file": (name, data, "application/octet-stream")},
            follow_redirects=False,
        )

    def stored() -> int:
        with hub_world.app.state.ctx.sessions() as session:
            return len(session.query(HubSubmission).all())

    before = stored()
    clear = b"record_id,category,name,phone,phone_region\nr1,recruiter,Ana Lima,07911 123456,GB\n"
    refused = upload("records.csv", clear)
    assert refused.status_code == 422
    assert "file records.csv, row 1" in refused.text and "refused and not stored" in refused.text
    assert "Ana Lima" not in refused.text and "07911" not in refused.text
    # 5 records padded to 16 values: below the partnership's 20 values and not padded to its bucket of 64
    small = upload("small.msg", _page_submission(5, policy=SharingPolicy(min_submission=1, bucket=16)))
    assert small.status_code == 403 and "at least 20 values, padded to 64" in small.text
    named = upload("named.msg", _page_submission(30, purpose="call +44 7911 123456 first"))
    assert named.status_code == 422 and "column purpose" in named.text
    assert stored() == before

    done = upload("submission.msg", _page_submission(30))
    assert done.status_code == 303, done.text
    page = cara.get("/hub/submit").text
    assert "accepted: 64 blinded values for partnership ngo1-banka" in page
    assert stored() == before + 1
    sid = re.search(r"Submission (sub-[0-9a-f]{16}) accepted", page).group(1)  # type: ignore[union-attr]

    nina = hub_world.login("nina")  # another NGO: the submission is not hers
    token = csrf_of(nina.get("/hub/submit").text)
    assert "ngo1-banka" not in nina.get("/hub/submit").text
    outside = nina.post(
        f"/hub/submissions/{sid}/withdraw", data={"csrf_token": token}, follow_redirects=False
    )
    assert outside.status_code == 404
    bob = hub_world.login("bob")  # a bank member has no NGO page
    assert bob.get("/hub/submit").status_code == 403

    token = csrf_of(cara.get("/hub/submit").text)
    gone = cara.post(f"/hub/submissions/{sid}/withdraw", data={"csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303
    assert "withdrawn and deleted" in cara.get("/hub/submit").text
    assert hub_world.api("alice").get(f"/api/v1/hub/submissions/{sid}").status_code == 409
