"""The LINE channel's parts that need no server: the webhook signature (on LINE's documented example),
the user pseudonym, settings, quick-reply labels and how one turn's messages are laid out for LINE."""
from __future__ import annotations

import json

import pytest
import regex

from bot.channels.line_render import fit, render
from bot.channels.line_security import sender_id, signature, signature_ok
from bot.channels.line_settings import LineConfigError, load_settings

# LINE's worked example ("Signature verification procedure", developers.line.biz, Verify webhook signature):
# the body of a Verify request, the channel secret and the x-line-signature LINE sent with it.
LINE_BODY = b'{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}'
LINE_SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
LINE_SIGNATURE = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs="


def test_lines_documented_signature_example():
    assert signature(LINE_BODY, LINE_SECRET) == LINE_SIGNATURE
    assert signature_ok(LINE_BODY, LINE_SIGNATURE, LINE_SECRET)


@pytest.mark.parametrize("body,header,secret", [
    (LINE_BODY, None, LINE_SECRET),                                   # missing
    (LINE_BODY, "", LINE_SECRET),
    (LINE_BODY, LINE_SIGNATURE, "0" * 32),                            # another channel's secret
    (LINE_BODY.replace(b"[]", b"[ ]"), LINE_SIGNATURE, LINE_SECRET),  # body changed by one byte
    (json.dumps(json.loads(LINE_BODY)).encode(), LINE_SIGNATURE, LINE_SECRET),  # re-serialised
    (LINE_BODY, LINE_SIGNATURE[:-2], LINE_SECRET),
    (LINE_BODY, "ก" * 44, LINE_SECRET),                               # not even ASCII
])
def test_a_wrong_or_missing_signature_fails(body, header, secret):
    assert not signature_ok(body, header, secret)


def test_sender_id_is_a_keyed_hash_never_the_user_id():
    user = "U4af4980629" + "0" * 22
    one, other = sender_id(user, "k" * 32), sender_id(user, "q" * 32)
    assert one.startswith("line-") and user not in one and len(one) == 69
    assert one == sender_id(user, "k" * 32) and one != other


def test_settings_off_without_credentials_and_one_line_errors():
    assert not load_settings({}).enabled
    with pytest.raises(LineConfigError, match="LINE_CHANNEL_ACCESS_TOKEN"):
        load_settings({"LINE_CHANNEL_SECRET": "s"})
    with pytest.raises(LineConfigError, match="LINE_USER_HASH_KEY"):
        load_settings({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
    env = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "LINE_USER_HASH_KEY": "x" * 16}
    s = load_settings(env)
    assert s.enabled and s.api_base_url == "https://api.line.me" and s.rate_user.requests == 20
    with pytest.raises(LineConfigError, match="LINE_RATE_USER"):
        load_settings({**env, "LINE_RATE_USER": "fast"})
    with pytest.raises(LineConfigError, match="LINE_API_BASE_URL"):
        load_settings({**env, "LINE_API_BASE_URL": "api.line.me"})


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


@pytest.mark.parametrize("title", [
    "ขอคู่มือการขอรับการสนับสนุน MEGA EVENT ได้ที่ไหน",
    "สสปน. มีช่องทางร้องเรียนการทุจริตอย่างไรบ้าง",
    "What was TCEB's ITA score for fiscal year 2562?",
    "การสนับสนุนการจัดประชุมนานาชาติ",
])
def test_quick_reply_labels_fit_and_end_between_words(title):
    label = fit(title, 20)
    assert graphemes(label) <= 20 and label.endswith("…")
    kept = label[:-1].rstrip()
    assert title.startswith(kept)
    rest = title[len(kept):]
    # the cut is at a word boundary: PyThaiNLP's words (or a space) put together give back the label
    from pythainlp.tokenize import word_tokenize
    words = word_tokenize(title, engine="newmm", keep_whitespace=True)
    prefixes = {"".join(words[:i]).rstrip() for i in range(len(words) + 1)}
    assert kept in prefixes, (kept, rest, words)


def test_short_titles_stay_whole():
    assert fit("👍 มีประโยชน์", 20) == "👍 มีประโยชน์"


def answer_turn(lang: str = "en") -> list:
    return [
        {"text": "TCEB supports MEGA EVENTS.", "utter_action": "utter_faq_answer"},
        {"text": "Information as of 3 Dec 2026", "utter_action": "utter_faq_updated"},
        {"text": "Source: https://www.businesseventsthailand.com/x", "utter_action": "utter_faq_source",
         "source_url": "https://www.businesseventsthailand.com/x"},
        {"text": "Was this answer helpful?", "utter_action": "utter_ask_feedback",
         "buttons": [{"title": "👍 Yes", "payload": '/affirm{"log_id": 3}'},
                     {"title": "👎 No", "payload": '/deny{"log_id": 3}'}]},
        {"custom": {"thamtob": {"kind": "answer", "log_id": 3}}},
    ]


def test_an_answer_is_one_flex_bubble():
    out = render(answer_turn())
    assert len(out) == 1 and out[0]["type"] == "flex"
    bubble = out[0]["contents"]
    body = json.dumps(bubble["body"], ensure_ascii=False)
    assert body.index("MEGA EVENTS") < body.index("Source:") and "Information as of 3 Dec 2026" in body
    link = [c for c in bubble["body"]["contents"] if c.get("action")][0]
    assert link["action"] == {"type": "uri", "label": "source", "uri": "https://www.businesseventsthailand.com/x"}
    actions = [c["action"] for c in bubble["footer"]["contents"][-1]["contents"]]
    assert [a["data"] for a in actions] == ['/affirm{"log_id": 3}', '/deny{"log_id": 3}']
    assert all(a["type"] == "postback" and a["displayText"] for a in actions)
    assert "thamtob" not in json.dumps(out)


def test_did_you_mean_becomes_quick_replies_with_the_full_question():
    question = "ขอคู่มือการขอรับการสนับสนุน MEGA EVENT ได้ที่ไหน"
    out = render([{"text": "หมายถึงคำถามเหล่านี้หรือเปล่าครับ", "utter_action": "utter_did_you_mean",
                   "buttons": [{"title": question, "payload": '/ask_question{"faq_id": 7}'},
                               {"title": "x", "payload": "/" + "y" * 400}]}])  # over LINE's 300: left out
    assert len(out) == 1 and out[0]["type"] == "text"
    items = out[0]["quickReply"]["items"]
    assert len(items) == 1
    action = items[0]["action"]
    assert action["data"] == '/ask_question{"faq_id": 7}' and action["displayText"] == question
    assert graphemes(action["label"]) <= 20


def test_custom_only_messages_and_empty_turns_send_nothing():
    assert render([{"custom": {"thamtob": {}}}]) == []


def test_never_more_than_five_messages():
    out = render([{"text": f"line {i}"} for i in range(8)])
    assert len(out) == 5 and "line 7" in out[-1]["text"]


def test_an_event_id_is_taken_once_until_it_expires():
    import asyncio

    from bot.channels.line_seen import SeenEvents

    now = [1000.0]
    seen = SeenEvents(ttl_s=60, clock=lambda: now[0])

    async def run():
        assert await seen.first_time("01J00000000000000000000001")
        assert not await seen.first_time("01J00000000000000000000001")   # redelivered: same id
        assert await seen.first_time("01J00000000000000000000002")
        assert await seen.first_time(None) and await seen.first_time(None)  # no id: nothing to compare
        now[0] += 61
        assert await seen.first_time("01J00000000000000000000001")       # forgotten after the expiry
    asyncio.run(run())
