"""Screening through the API and the page, and CSV uploads as background jobs (bad input included)."""

from __future__ import annotations

import inspect
import time

import pytest
from svc_world import World, csrf_of, make_world

from chainbreaker.core.workspace import Workspace
from chainbreaker.screening.features import compare_names
from chainbreaker.storage.service_models import ScreeningJob


def test_screen_one_name_with_per_feature_explanations(world: World) -> None:
    response = world.api("alice").post(
        "/api/v1/screening", json={"name": "Victor Bout", "schema": "Person", "birth_date": "1967-01-13"}
    )
    assert response.status_code == 200
    body = response.json()
    top = body["matches"][0]
    assert top["entity_id"] == "test_list-1001" and top["score"] >= body["threshold"]
    features = {f["name"]: f for f in top["features"]}
    assert features["birth_date"]["score"] == 1.0
    assert features["name"]["explanation"] == inspect.getdoc(compare_names)  # the feature's own docstring
    assert top["algorithm"] == body["algorithm"]


@pytest.mark.parametrize(
    "payload",
    [
        {"name": ""},
        {"name": "x" * 501},
        {"name": "Bout", "birth_date": "13/01/1967"},
        {"name": "Bout", "limit": 0},
        {"name": "Bout", "schema": "Dog"},
        {"nome": "Bout"},
    ],
)
def test_bad_screening_requests_are_422(world: World, payload: dict) -> None:
    assert world.api("alice").post("/api/v1/screening", json=payload).status_code == 422


def test_control_characters_are_a_clear_error(world: World) -> None:
    response = world.api("alice").post("/api/v1/screening", json={"name": "\x00\x01"})
    assert response.status_code == 422


def test_screening_page_shows_explanations(world: World) -> None:
    client = world.login("alice")
    token = csrf_of(client.get("/screening").text)
    page = client.post("/screening", data={"name": "Viktor Bout", "csrf_token": token})
    assert page.status_code == 200
    assert "Viktor Anatolyevich Bout" in page.text and "What it compares" in page.text


def _wait(world: World, job_id: str) -> dict:
    client = world.api("alice")
    for _ in range(200):
        job = client.get(f"/api/v1/screening/jobs/{job_id}").json()
        if job["status"] in ("finished", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_csv_upload_runs_as_a_job_and_counts_rejects(world: World) -> None:
    csv_text = "query_id,name,schema,date_of_birth\nq1,Viktor Bout,Person,1967-01-13\nq2,,,\nq3,Fazenda Boa Vista,,\n"
    response = world.api("alice").post(
        "/api/v1/screening/jobs", files={"file": ("names.csv", csv_text, "text/csv")}
    )
    assert response.status_code == 202
    job = _wait(world, response.json()["id"])
    assert job["status"] == "finished" and job["total"] == 3 and job["rejected"] == 1 and job["done"] == 3
    results = world.api("alice").get(f"/api/v1/screening/jobs/{job['id']}/results")
    assert results.status_code == 200 and results.headers["content-type"].startswith("text/csv")
    lines = results.text.strip().splitlines()
    assert lines[0].startswith("query_id,query_name,entity_id,entity_name,dataset,source_id,score")
    assert any("test_list-1001" in line for line in lines[1:])
    rejects = world.api("alice").get(f"/api/v1/screening/jobs/{job['id']}/rejects").text
    assert "q2" in rejects and "empty name" in rejects


def _jobs(world: World) -> int:
    with world.app.state.ctx.sessions() as session:
        return session.query(ScreeningJob).count()


@pytest.mark.parametrize(
    ("filename", "content", "media", "status", "message"),
    [
        ("names.xlsx", b"PK\x03\x04", "application/vnd.ms-excel", 415, "only .csv"),
        ("names.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", 415, "not CSV"),
        ("names.csv", b"", "text/csv", 422, "empty"),
        ("names.csv", b"query_id,nom\nq1,Bout\n", "text/csv", 422, "no 'name' column"),
        ("names.csv", b"query_id,name\nq1,Bout,extra\n", "text/csv", 422, "row 2"),
        ("names.csv", b'name\n"unterminated\n', "text/csv", 422, "malformed"),
        ("names.csv", "name\nJos\xe9\n".encode("latin-1"), "text/csv", 422, "UTF-8"),
        ("names.csv", b"name,colour\nBout,red\n", "text/csv", 422, "unknown column"),
        ("names.csv", b"query_id,name\n", "text/csv", 422, "no rows"),
    ],
)
def test_bad_uploads_get_clear_4xx_and_leave_nothing(
    world: World, filename: str, content: bytes, media: str, status: int, message: str
) -> None:
    before = _jobs(world)
    response = world.api("alice").post("/api/v1/screening/jobs", files={"file": (filename, content, media)})
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
    assert _jobs(world) == before


def test_oversized_upload_is_413(service_workspace: Workspace, tmp_path) -> None:
    small = make_world(
        service_workspace, tmp_path / "c.sqlite", with_cases=False, max_upload_bytes=1000, max_upload_rows=3
    )
    client = small.api("alice")
    big = b"name\n" + b"Viktor Bout\n" * 200
    assert (
        client.post("/api/v1/screening/jobs", files={"file": ("n.csv", big, "text/csv")}).status_code == 413
    )
    many = b"name\n" + b"A B\n" * 4
    response = client.post("/api/v1/screening/jobs", files={"file": ("n.csv", many, "text/csv")})
    assert response.status_code == 413 and "more than 3 rows" in response.json()["detail"]
    assert not list((service_workspace.root / "service" / "jobs").glob("**/*.part"))
    huge = client.post(
        "/api/v1/screening/jobs", files={"file": ("n.csv", b"name\n" + b"x" * 200_000, "text/csv")}
    )
    assert huge.status_code == 413 and "larger than" in huge.json()["detail"]
    assert "content-security-policy" in huge.headers  # refused at the door, still with the headers


def test_upload_through_the_page_shows_progress_then_results(world: World) -> None:
    client = world.login("alice")
    token = csrf_of(client.get("/screening").text)
    response = client.post(
        "/screening/upload",
        data={"csrf_token": token},
        files={"file": ("names.csv", b"name\nViktor Bout\n", "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_id = response.headers["location"].rsplit("/", 1)[1]
    _wait(world, job_id)
    page = client.get(response.headers["location"]).text
    assert "<progress" in page and f"/api/v1/screening/jobs/{job_id}/results" in page


def test_results_are_not_served_before_the_job_finished(world: World) -> None:
    from chainbreaker.service.jobs import JobRunner

    runner: JobRunner = world.app.state.ctx.jobs
    with world.app.state.ctx.sessions.begin() as session:
        session.add(
            ScreeningJob(
                id="f" * 32,
                org_id="bank-a",
                user_id=1,
                status="running",
                filename="x.csv",
                total=1,
                done=0,
                rejected=0,
                hits=0,
            )
        )
    assert world.api("alice").get(f"/api/v1/screening/jobs/{'f' * 32}/results").status_code == 409
    assert runner.result_path("bank-a", "f" * 32).exists() is False
