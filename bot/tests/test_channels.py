"""The question log's channel of a message (actions/channels.py): Rasa's input channel plus the surface the
chat page or the widget names in the message metadata, as action_answer_faq computes it."""
import pytest
from rasa_sdk import Tracker

from actions.actions import channel_name
from actions.channels import question_channel


@pytest.mark.parametrize("input_channel, metadata, expected", [
    ("rest", {"surface": "widget"}, "widget"),
    ("rest", {"surface": "web"}, "web"),
    ("rest", None, "web"),
    ("rest", {}, "web"),
    ("rest", {"surface": "line"}, "web"),     # a page cannot claim LINE through metadata
    ("rest", {"surface": ["widget"]}, "web"),
    ("rest", "widget", "web"),                # metadata that is not an object
    ("line", None, "line"),
    ("LINE", {"surface": "widget"}, "line"),  # LINE is LINE, whatever the metadata says
    ("cmdline", None, "web"),
    (None, None, "web"),
])
def test_question_channel(input_channel, metadata, expected):
    assert question_channel(input_channel, metadata) == expected


def tracker(input_channel, metadata):
    user = {"event": "user", "text": "hi", "input_channel": input_channel, "metadata": metadata or {},
            "parse_data": {"intent": {"name": "ask_faq"}, "entities": []}}
    return Tracker("s1", {}, {"text": "hi", "intent": {"name": "ask_faq"}, "entities": [],
                              "metadata": metadata or {}}, [user], False, None, {}, "action_listen")


def test_the_action_uses_the_mapping():
    assert channel_name(tracker("rest", {"surface": "widget"})) == "widget"
    assert channel_name(tracker("rest", None)) == "web"
    assert channel_name(tracker("line", None)) == "line"
