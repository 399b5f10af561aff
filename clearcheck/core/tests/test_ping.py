"""The minimal JSON view (bench/checkin.py's baseline): {"ok": true}, anyone, GET only, no database.

These tests run without pytest-django's database access: any query from the view would fail them.
"""


def test_ping_answers_ok_without_touching_the_database(client):
    response = client.get("/ping")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"ok": True}


def test_ping_is_get_only(client):
    assert client.post("/ping").status_code == 405
