"""Fixtures the complaint desk tests share."""
from __future__ import annotations

import pytest

from tests.complaints.desk_support import start_mailbox


@pytest.fixture(scope="module")
def mailbox():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 collecting the officers' notifications."""
    box, controller = start_mailbox()
    yield box
    controller.stop()
