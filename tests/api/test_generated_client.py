"""The published OpenAPI is usable as it is, not only valid: a client's models are generated from the
served /openapi.json with datamodel-code-generator (pinned in requirements/faq.txt) into a temporary
folder, and an integrator's few lines ask a question and send feedback on the answer with them, finding
each operation by its operationId. Nothing generated is kept."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import httpx
import pytest
from pydantic import ValidationError

from tests.support.procs import REPO, VENV_BIN


def generate(spec_path, out_path) -> None:
    done = subprocess.run([str(VENV_BIN / "datamodel-codegen"), "--input", str(spec_path), "--input-file-type",
                           "openapi", "--output", str(out_path), "--output-model-type", "pydantic_v2.BaseModel",
                           "--output-datetime-class", "AwareDatetime", "--target-python-version", "3.11",
                           "--field-constraints", "--use-annotated", "--disable-timestamp", "--formatters", "black", "isort"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def load(path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves the module's forward references through it
    spec.loader.exec_module(module)
    return module


class Client:
    """What an integrator writes around the generated models: operations found by operationId."""

    def __init__(self, base_url: str, spec: dict, models):
        self.base_url, self.models = base_url, models
        self.operations = {op["operationId"]: (method.upper(), path)
                           for path, ops in spec["paths"].items() for method, op in ops.items()}

    def call(self, operation_id: str, body) -> httpx.Response:
        method, path = self.operations[operation_id]
        return httpx.request(method, self.base_url + path, content=body.model_dump_json(exclude_none=True),
                             headers={"content-type": "application/json"}, timeout=30)


def test_a_generated_client_asks_and_sends_feedback(faq_service, tmp_path):
    served = httpx.get(f"{faq_service.url}/openapi.json")
    (tmp_path / "openapi.json").write_bytes(served.content)
    generate(tmp_path / "openapi.json", tmp_path / "thamtob_models.py")
    models = load(tmp_path / "thamtob_models.py", f"thamtob_models_{faq_service.backend}")
    client = Client(faq_service.url, served.json(), models)

    r = client.call("ask", models.AskIn(question="What is TCEB's e-mail address?", lang="en"))
    assert r.status_code == 200, r.text
    answer = models.AskOut.model_validate_json(r.content)
    assert answer.answered and answer.faq_id and answer.updated_at.utcoffset().total_seconds() == 0

    r = client.call("feedback", models.FeedbackIn(log_id=answer.log_id, helpful=True, comment="clear, thanks"))
    assert r.status_code == 204, r.text

    r = client.call("feedback", models.FeedbackIn(log_id=2_147_483_647, helpful=False))
    error = models.Error.model_validate_json(r.content)
    assert r.status_code == 404 and error.message and error.message_th

    # The models refuse, before sending, what the service would refuse.
    for bad in ({"question": ""}, {"question": "x" * 1001}, {"question": " \u200b "}, {"question": "hi", "lang": "fr"}):
        with pytest.raises(ValidationError):
            models.AskIn(**bad)
