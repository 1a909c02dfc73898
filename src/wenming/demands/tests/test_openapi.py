"""Every demands endpoint is in the OpenAPI schema, and describing them adds no warning."""

from django.core.management import call_command

PATHS = ["", "categories/", "inbox/", "households/", "households/{id}/visits/", "households/import/", "hotline/import/", "rates/", "rankings/",
         "rankings/export/", "{id}/", "{id}/events/", "{id}/duplicates/", "{id}/accept/", "{id}/reject/",
         "{id}/merge/", "{id}/assign/", "{id}/sign/", "{id}/reply/", "{id}/callback/", "{id}/return/",
         "{id}/return-decision/", "{id}/extension/", "{id}/extension-decision/", "{id}/urge/"]


def test_schema_documents_every_demands_call(db, tmp_path, capsys):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(out))
    warnings = [line for line in capsys.readouterr().err.splitlines() if "Warning" in line and "demands" in line]
    assert warnings == []
    text = out.read_text()
    for path in PATHS:
        assert f"/api/v1/demands/{path}:" in text, path
