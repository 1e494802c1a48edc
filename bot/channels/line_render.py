"""One Rasa turn's bot messages → LINE message objects (at most 5, LINE's limit for one reply or push).

- An answer (the responses utter_faq_answer_in_thai/_english, utter_faq_answer, utter_faq_updated,
  utter_faq_source, utter_ask_feedback, as actions/actions.py sends them) becomes ONE Flex bubble: the
  answer, then the source link and the "information as of" date in small print, then 👍/👎 as postback
  buttons whose data is the Rasa payload (/affirm{"log_id": 3}).
- Any other message is a text message; its buttons ("did you mean" questions, the complaint intake's
  choices, the greeting's report button) become quick replies on the last message, each a postback whose
  data is the button's payload (/ask_question{"faq_id": 7}) and whose displayText is the full title.
  A quick-reply label holds at most 20 characters (grapheme clusters, as LINE counts them): a longer
  title is cut between words (Thai words from PyThaiNLP's tokenizer), never inside one.
- A message holding only a `custom` part (data for the web chat page) has nothing for LINE: dropped.
Links in text messages open in LINE's in-app browser (LINE links URLs in text by itself).
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional

import regex

try:  # PyThaiNLP is in Rasa's virtualenv (the Thai tokenizer uses it); spaces are the fallback
    from pythainlp.tokenize import word_tokenize
except ImportError:  # pragma: no cover - only without PyThaiNLP
    word_tokenize = None

MAX_MESSAGES = 5            # per reply or push
MAX_QUICK_REPLIES = 13
QUICK_REPLY_LABEL = 20      # grapheme clusters
FLEX_BUTTON_LABEL = 40
POSTBACK_TEXT = 300         # data and displayText
TEXT_CHUNK = 2500           # code points: at most 5000 UTF-16 units, LINE's limit for a text message
ALT_TEXT = 400
MAX_BUBBLE_BYTES = 30_000   # LINE: a bubble's JSON is at most 30 KB
MAX_URI = 1000
ELLIPSIS = "…"

ANSWER_STARTS = {"utter_faq_answer_in_thai", "utter_faq_answer_in_english", "utter_faq_answer"}
ANSWER_PARTS = ANSWER_STARTS | {"utter_faq_updated", "utter_faq_source", "utter_ask_feedback"}
THAI = regex.compile(r"[\u0E00-\u0E7F]")
GRAPHEME = regex.compile(r"\X")


def graphemes(text: str) -> List[str]:
    return GRAPHEME.findall(text)


def words(text: str) -> List[str]:
    """The text in pieces that may end a label: Thai words (PyThaiNLP newmm), else space-separated runs,
    with the whitespace kept as pieces of its own."""
    if word_tokenize is not None and THAI.search(text):
        return word_tokenize(text, engine="newmm", keep_whitespace=True)
    return regex.split(r"(\s+)", text)


def fit(text: str, limit: int) -> str:
    """`text` in at most `limit` grapheme clusters: whole if it fits, else whole words and an ellipsis.
    Only a first word longer than the limit is cut, and then between grapheme clusters."""
    text = " ".join(text.split())
    if len(graphemes(text)) <= limit:
        return text
    kept = ""
    for piece in words(text):
        if len(graphemes(kept + piece)) > limit - 1:
            break
        kept += piece
    kept = kept.rstrip()
    if not kept:
        kept = "".join(graphemes(text)[: limit - 1])
    return kept + ELLIPSIS


def postback(title: str, payload: str, label_limit: int) -> Optional[Dict[str, Any]]:
    """A postback action carrying the Rasa payload; None when the payload is longer than LINE takes."""
    if not payload or len(payload) > POSTBACK_TEXT or not title.strip():
        return None
    return {"type": "postback", "label": fit(title, label_limit), "data": payload,
            "displayText": fit(title, POSTBACK_TEXT)}


def text_messages(text: str) -> List[Dict[str, Any]]:
    text = text.strip()
    return [{"type": "text", "text": text[i:i + TEXT_CHUNK]} for i in range(0, len(text), TEXT_CHUNK)]


def web_link(url: Any) -> Optional[str]:
    if isinstance(url, str) and regex.match(r"^https?://[^\s]+$", url) and len(url) <= MAX_URI:
        return url
    return None


def small(text: str, **extra: Any) -> Dict[str, Any]:
    return {"type": "text", "text": text, "size": "xs", "color": "#8c8c8c", "wrap": True, **extra}


def answer_bubble(parts: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The answer group as one Flex message (text messages if the bubble would exceed LINE's 30 KB)."""
    notes, answer, fine_print, buttons, prompt = [], "", [], [], None
    for part in parts:
        action, text = part.get("utter_action"), (part.get("text") or "").strip()
        if action in ("utter_faq_answer_in_thai", "utter_faq_answer_in_english"):
            notes.append(small(text))
        elif action == "utter_faq_answer":
            answer = text
        elif action == "utter_faq_source":
            link = web_link(part.get("source_url"))
            fine_print.insert(0, small(text, color="#1a73e8", decoration="underline",
                                       action={"type": "uri", "label": "source", "uri": link}) if link else small(text))
        elif action == "utter_faq_updated":
            fine_print.append(small(text))
        elif action == "utter_ask_feedback":
            prompt = text or None
            buttons = [b for b in (postback(str(btn.get("title") or ""), str(btn.get("payload") or ""),
                                            FLEX_BUTTON_LABEL) for btn in part.get("buttons") or []) if b]
    body = notes + [{"type": "text", "text": answer or " ", "wrap": True}]
    if fine_print:
        body += [{"type": "separator", "margin": "md"}, *fine_print]
    bubble: Dict[str, Any] = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "sm",
                                                         "contents": body}}
    if buttons:
        footer = ([small(prompt)] if prompt else []) + [{
            "type": "box", "layout": "horizontal", "spacing": "sm",
            "contents": [{"type": "button", "style": "secondary", "height": "sm", "action": b} for b in buttons]}]
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}
    if len(json.dumps(bubble, ensure_ascii=False).encode("utf-8")) <= MAX_BUBBLE_BYTES:
        alt = fit(answer or prompt or "…", ALT_TEXT)
        return [{"type": "flex", "altText": alt, "contents": bubble}]
    # Too large for a bubble: the same parts as plain messages, the buttons as quick replies.
    return render_plain(parts)


def render_plain(parts: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    items: List[Dict[str, Any]] = []
    for part in parts:
        if part.get("text"):
            out += text_messages(part["text"])
        items += quick_items(part.get("buttons") or [])
    return attach_quick_replies(out, items)


def quick_items(buttons: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    actions = (postback(str(b.get("title") or ""), str(b.get("payload") or ""), QUICK_REPLY_LABEL)
               for b in buttons if isinstance(b, dict))
    return [{"type": "action", "action": a} for a in actions if a]


def attach_quick_replies(out: List[Dict[str, Any]], items: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """LINE shows the quick replies of the last message object only."""
    if items:
        if not out:
            out = [{"type": "text", "text": "…"}]
        out[-1] = {**out[-1], "quickReply": {"items": items[:MAX_QUICK_REPLIES]}}
    return out


def within_limit(out: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """At most MAX_MESSAGES: the text of the messages past the fourth joined into the fifth."""
    if len(out) <= MAX_MESSAGES:
        return out
    head, tail = out[: MAX_MESSAGES - 1], out[MAX_MESSAGES - 1:]
    quick = next((m["quickReply"] for m in reversed(tail) if "quickReply" in m), None)
    joined = "\n\n".join(m.get("text") or m.get("altText") or "" for m in tail).strip()
    last: Dict[str, Any] = {"type": "text", "text": joined[:TEXT_CHUNK] or "…"}
    if quick:
        last["quickReply"] = quick
    return head + [last]


def render(bot_messages: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """LINE message objects for one turn's bot messages (as Rasa's output channel receives them)."""
    parts = [m for m in bot_messages if m.get("text") or m.get("buttons")]  # custom-only parts: none
    out: List[Dict[str, Any]] = []
    items: List[Dict[str, Any]] = []
    i = 0
    while i < len(parts):
        if parts[i].get("utter_action") in ANSWER_STARTS:
            group, seen_answer = [], False
            while i < len(parts) and parts[i].get("utter_action") in ANSWER_PARTS:
                if parts[i].get("utter_action") in ANSWER_STARTS and seen_answer:
                    break  # a second answer in the same turn gets its own bubble
                seen_answer = seen_answer or parts[i].get("utter_action") == "utter_faq_answer"
                group.append(parts[i])
                i += 1
            rendered = answer_bubble(group)
            items += [q for m in rendered for q in (m.pop("quickReply", {}) or {}).get("items", [])]
            out += rendered
            continue
        part = parts[i]
        if part.get("text"):
            out += text_messages(part["text"])
        items += quick_items(part.get("buttons") or [])
        i += 1
    return within_limit(attach_quick_replies(out, items))
