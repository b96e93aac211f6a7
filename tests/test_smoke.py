def test_health_is_public_and_reports_database(anon):
    resp = anon.get("/api/v1/health")
    assert resp.status_code == 200
    assert resp.get_json()["database"] == "ok"


def test_service_lines_lists_the_four_shipped_lines(api_as):
    resp = api_as("dispatcher").get("/api/v1/service-lines")
    assert resp.status_code == 200
    codes = {line["code"] for line in resp.get_json()}
    assert codes == {"cleaning", "maternity_nurse", "child_massage", "nanny"}
