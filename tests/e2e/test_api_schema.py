"""schemathesis drives the live API from its own OpenAPI document: no 5xx, no schema violation."""

import subprocess
import sys
from pathlib import Path

import pytest

from inventory.accounts import api_tokens
from inventory.stock import catalog

pytestmark = pytest.mark.e2e
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


def test_the_api_survives_schemathesis_and_matches_its_document(
    live_server, make_user, storeroom, point, tmp_path
):
    catalog.ensure_default_items()
    volunteer = make_user("volunteer")
    token = api_tokens.issue_token(volunteer.id, "schemathesis")
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            "25",
            "--seed",
            "20261130",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
