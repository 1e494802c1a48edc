/* ThamTob web chat: plain JS, talks to Rasa's REST channel. No external loads. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("thamtob-config").textContent);
  var TEXTS = config.texts;
  /* "web": the chat page; "widget": the same page in the widget's panel on another site. */
  var SURFACE = config.surface === "widget" ? "widget" : "web";
  var WEBHOOK = config.rasaUrl.replace(/\/+$/, "") + "/webhooks/rest/webhook";
  var TIMEOUT_MS = 20000;
  var MAX_LEN = 1000;
  var LANG_KEY = "thamtob.lang";
  var SENDER_KEY = "thamtob.sender";

  var els = {
    messages: document.getElementById("messages"),
    status: document.getElementById("status"),
    form: document.getElementById("chat-form"),
    input: document.getElementById("chat-input"),
    send: document.getElementById("send-btn"),
    complaint: document.getElementById("complaint-btn"),
    newChat: document.getElementById("new-chat-btn"),
    langButtons: Array.prototype.slice.call(document.querySelectorAll(".lang-btn"))
  };

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }
  function getItem(kind, key) {
    var s = store(kind);
    try { return s ? s.getItem(key) : null; } catch (e) { return null; }
  }
  function setItem(kind, key, value) {
    var s = store(kind);
    try { if (s) { s.setItem(key, value); } } catch (e) { /* private mode: keep in memory */ }
  }

  /* In the widget the host page chose the language (data-lang); the visitor may still switch it. */
  var lang = SURFACE === "widget" ? null : getItem("localStorage", LANG_KEY);
  if (!TEXTS[lang]) { lang = config.defaultLang || "th"; }

  function t(key) { return (TEXTS[lang] && TEXTS[lang][key]) || TEXTS.th[key] || key; }

  function randomId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") { return c.randomUUID(); }
    var bytes = new Uint8Array(16);
    if (c && c.getRandomValues) { c.getRandomValues(bytes); }
    else { for (var i = 0; i < 16; i++) { bytes[i] = Math.floor(Math.random() * 256); } }
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var sender = getItem("sessionStorage", SENDER_KEY);
  if (!sender) { sender = SURFACE + "-" + randomId(); setItem("sessionStorage", SENDER_KEY, sender); }

  /* ---- language ---- */
  function applyLanguage(newLang) {
    lang = TEXTS[newLang] ? newLang : "th";
    if (SURFACE === "web") { setItem("localStorage", LANG_KEY, lang); }
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.getAttribute("data-i18n")); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (el) {
      el.setAttribute("placeholder", t(el.getAttribute("data-i18n-placeholder")));
    });
    document.querySelectorAll("[data-i18n-aria-label]").forEach(function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-aria-label")));
    });
    els.langButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-lang") === lang ? "true" : "false");
    });
  }

  /* ---- rendering ---- */
  var URL_RE = /(https?:\/\/[^\s<>"']+)/g;

  /* `text` from `start` (its offset in the whole message), with the parts inside `ranges` (sorted
     [start, end) offsets into the whole message, in UTF-16 units) in <strong>. Text nodes only: nothing
     of the message is ever parsed as HTML. */
  function appendMarked(parent, text, start, ranges) {
    var end = start + text.length;
    var at = start;
    (ranges || []).forEach(function (r) {
      var a = Math.max(r[0], at);
      var b = Math.min(r[1], end);
      if (a >= b) { return; }
      if (a > at) { parent.appendChild(document.createTextNode(text.slice(at - start, a - start))); }
      var strong = document.createElement("strong");
      strong.className = "highlight";
      strong.textContent = text.slice(a - start, b - start);
      parent.appendChild(strong);
      at = b;
    });
    if (at < end) { parent.appendChild(document.createTextNode(text.slice(at - start))); }
  }

  function appendRichText(parent, text, ranges) {
    var parts = String(text).split(URL_RE);
    var pos = 0;
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var m = part.match(/^(.*?)([.,;:!?)\]}»”]*)$/);
        var href = m ? m[1] : part;
        var trail = m ? m[2] : "";
        var a = document.createElement("a");
        a.href = href;
        appendMarked(a, href, pos, ranges);
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        var hint = document.createElement("span");
        hint.className = "visually-hidden";
        hint.textContent = " " + t("link_new_window");
        a.appendChild(hint);
        parent.appendChild(a);
        if (trail) { appendMarked(parent, trail, pos + href.length, ranges); }
      } else if (part) {
        appendMarked(parent, part, pos, ranges);
      }
      pos += part.length;
    });
  }

  /* The sentences of an answer to bold, from the reply's machine-readable part: {"text", "spans"}, where
     `text` is the answer message's exact text and `spans` [start, end) offsets into it in code points
     (docs/api.md). Only a message whose shown text is exactly `text` is marked; the offsets become
     UTF-16 units here. Anything malformed marks nothing. */
  function highlightRanges(text, highlights) {
    if (!highlights || highlights.text !== text || !Array.isArray(highlights.spans)) { return null; }
    var units = [0];
    Array.from(text).forEach(function (ch) { units.push(units[units.length - 1] + ch.length); });
    var ranges = [];
    highlights.spans.forEach(function (s) {
      if (!Array.isArray(s) || s.length !== 2 || !Number.isInteger(s[0]) || !Number.isInteger(s[1])) { return; }
      if (s[0] < 0 || s[0] >= s[1] || s[1] >= units.length) { return; }
      ranges.push([units[s[0]], units[s[1]]]);
    });
    ranges.sort(function (x, y) { return x[0] - y[0]; });
    return ranges.length ? ranges : null;
  }

  function scrollToEnd() { els.messages.scrollTop = els.messages.scrollHeight; }

  function addMessage(who, text, extraClass) {
    var div = document.createElement("div");
    div.className = "msg msg-" + who + (extraClass ? " " + extraClass : "");
    div.setAttribute("data-role", who);
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = (who === "user" ? t("you") : t("bot")) + ": ";
    div.appendChild(label);
    appendRichText(div, text);
    els.messages.appendChild(div);
    scrollToEnd();
    return div;
  }

  function addButtons(buttons, label, parent) {
    var list = document.createElement("ul");
    list.className = "quick";
    if (label) { list.setAttribute("aria-label", label); }
    buttons.forEach(function (b) {
      if (!b || (!b.title && !b.payload)) { return; }
      var li = document.createElement("li");
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title || b.payload;
      btn.setAttribute("data-payload", b.payload || b.title);
      btn.addEventListener("click", function () {
        list.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
        btn.setAttribute("aria-pressed", "true");
        send(btn.getAttribute("data-payload"), btn.textContent);
        els.input.focus();
      });
      li.appendChild(btn);
      list.appendChild(li);
    });
    if (list.children.length) { (parent || els.messages).appendChild(list); scrollToEnd(); }
    return list;
  }

  /* ---- one bot turn, one card ----
     Rasa's REST reply to one message is several messages: for an answer, the answer, "information as of
     <date>", "source: <link>" and "was this helpful?" with 👍/👎. They are shown as ONE card: the text,
     then the source link and the date in small print, then the buttons. A message holding only `custom`
     data is not shown: {"thamtob": {"outcome", "key", "log_id", "highlights"}} marks the card and names
     the answer's sentences to bold. */
  var ONE_URL = /https?:\/\/[^\s<>"']+/;
  var DATE_AT_END = /\d{1,2}\s+[^\s\d]+\s+\d{4}\s*$/;       /* 26 พ.ย. 2569 · 26 Nov 2026 */
  var FEEDBACK_PAYLOAD = /^\/(affirm|deny)\{/;

  function oneLine(text, max) { return text.indexOf("\n") < 0 && text.length <= max; }
  /* "Source: <link>": one line that is a link and a short label */
  function isSourceLine(text) {
    var m = text.match(ONE_URL);
    return Boolean(m) && oneLine(text, 400) && text.replace(m[0], "").trim().length <= 24;
  }
  function isDateLine(text) { return oneLine(text, 60) && DATE_AT_END.test(text); }

  function splitTurn(replies) {
    var turn = { body: [], sources: [], dates: [], actions: [], hint: null };
    (replies || []).forEach(function (r) {
      if (!r || typeof r !== "object") { return; }
      var text = typeof r.text === "string" ? r.text.trim() : "";
      if (!text && r.custom && typeof r.custom.text === "string") { text = r.custom.text.trim(); }
      var buttons = Array.isArray(r.buttons) ? r.buttons.filter(function (b) { return b && (b.title || b.payload); }) : [];
      if (!text && !buttons.length && !r.image) {
        if (r.custom && r.custom.thamtob && typeof r.custom.thamtob === "object") { turn.hint = r.custom.thamtob; }
        return;
      }
      if (buttons.length) {
        turn.actions.push({ text: text, buttons: buttons,
          feedback: buttons.some(function (b) { return FEEDBACK_PAYLOAD.test(String(b.payload || "")); }) });
        return;
      }
      if (!text) { turn.body.push(String(r.image)); return; }   /* a remote image: its link, not loaded */
      if (turn.body.length && !turn.actions.length && isSourceLine(text)) { turn.sources.push(text); return; }
      if (turn.body.length && !turn.actions.length && isDateLine(text)) { turn.dates.push(text); return; }
      turn.body.push(text);
    });
    return turn;
  }

  function paragraph(parent, className, text, ranges) {
    var p = document.createElement("p");
    if (className) { p.className = className; }
    appendRichText(p, text, ranges);
    parent.appendChild(p);
    return p;
  }

  function renderBotReplies(replies) {
    var turn = splitTurn(replies);
    if (!turn.body.length && !turn.actions.length) { addMessage("bot", t("error_empty"), "msg-error"); return; }
    var card = document.createElement("div");
    card.className = "msg msg-bot card";
    card.setAttribute("data-role", "bot");
    if (turn.hint && typeof turn.hint.outcome === "string") { card.setAttribute("data-outcome", turn.hint.outcome); }
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = t("bot") + ": ";
    card.appendChild(label);
    var highlights = turn.hint && typeof turn.hint.highlights === "object" ? turn.hint.highlights : null;
    turn.body.forEach(function (text) { paragraph(card, "card-text", text, highlightRanges(text, highlights)); });
    var meta = turn.sources.concat(turn.dates);
    if (meta.length) {
      var small = document.createElement("p");
      small.className = "card-meta";
      meta.forEach(function (text, i) {
        if (i) { small.appendChild(document.createTextNode(" · ")); }
        var span = document.createElement("span");
        appendRichText(span, text);
        small.appendChild(span);
      });
      card.appendChild(small);
    }
    turn.actions.forEach(function (action) {
      var box = document.createElement("div");
      box.className = action.feedback ? "card-actions card-feedback" : "card-actions";
      if (action.text) { paragraph(box, "card-prompt", action.text); }
      card.appendChild(box);
      addButtons(action.buttons, action.text, box);
    });
    els.messages.appendChild(card);
    scrollToEnd();
  }

  /* On a phone the privacy notice folds to its heading once the conversation starts (one tap reopens it). */
  var noticeFolded = false;
  function collapseNoticeOnPhones() {
    var notice = document.getElementById("notice");
    if (noticeFolded || !notice || !window.matchMedia || !window.matchMedia("(max-width: 600px)").matches) { return; }
    notice.open = false;
    noticeFolded = true;
  }

  /* ---- sending: one request at a time, in order ---- */
  var queue = Promise.resolve();
  var pending = 0;

  function setBusy(delta) {
    pending += delta;
    els.send.disabled = pending > 0;
    els.status.textContent = pending > 0 ? t("typing") : "";
  }

  function post(message) {
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS) : null;
    return fetch(WEBHOOK, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ sender: sender, message: message, metadata: { surface: SURFACE } }),
      signal: ctrl ? ctrl.signal : undefined,
      credentials: "omit",
      referrerPolicy: "no-referrer"
    }).then(function (res) {
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      return res.json();
    }).finally(function () { if (timer) { clearTimeout(timer); } });
  }

  function send(message, shownAs) {
    message = String(message || "").trim();
    if (!message) { return; }
    addMessage("user", shownAs || message);
    collapseNoticeOnPhones();
    setBusy(1);
    queue = queue.then(function () {
      return post(message).then(renderBotReplies, function () {
        addMessage("bot", t("error_unreachable"), "msg-error");
      });
    }).finally(function () { setBusy(-1); });
  }

  /* ---- wiring ---- */
  els.form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = els.input.value.trim();
    if (!text) { els.input.focus(); return; }
    if (text.length > MAX_LEN) { els.status.textContent = t("error_too_long"); return; }
    els.input.value = "";
    send(text);
    els.input.focus();
  });

  els.langButtons.forEach(function (b) {
    b.addEventListener("click", function () { applyLanguage(b.getAttribute("data-lang")); showWelcomeIfEmpty(true); });
  });

  els.complaint.addEventListener("click", function () {
    send(t("privacy_question"));
    els.input.focus();
  });

  els.newChat.addEventListener("click", function () {
    sender = SURFACE + "-" + randomId();
    setItem("sessionStorage", SENDER_KEY, sender);
    els.messages.textContent = "";
    showWelcomeIfEmpty(false);
    els.input.focus();
  });

  /* The greeting and example questions follow the page language until the visitor writes. */
  function showWelcomeIfEmpty(relabel) {
    var hasUser = els.messages.querySelector("[data-role='user']");
    if (hasUser) { return; }
    if (relabel) { els.messages.textContent = ""; }
    if (els.messages.children.length) { return; }
    var w = addMessage("bot", t("welcome"));
    w.setAttribute("data-welcome", "1");
    addButtons([1, 2, 3].map(function (i) {
      var q = t("suggestion_" + i);
      return { title: q, payload: q };
    }), t("suggestions_label"));
  }

  /* ---- in the widget's panel: Esc closes it, and the widget moves focus in (focus trap) ---- */
  function focusables() {
    return Array.prototype.filter.call(
      document.querySelectorAll("button, input, summary, a[href], [tabindex='0']"),
      function (el) { return !el.disabled && el.getClientRects().length > 0; });
  }
  if (SURFACE === "widget" && window.parent !== window) {
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { window.parent.postMessage({ type: "thamtob:close" }, "*"); }
    });
    window.addEventListener("message", function (ev) {
      if (ev.source !== window.parent || !ev.data || ev.data.type !== "thamtob:focus") { return; }
      var all = focusables();
      var target = ev.data.where === "last" ? all[all.length - 1] : (ev.data.where === "first" ? all[0] : els.input);
      if (target) { target.focus(); }
    });
  }

  applyLanguage(lang);
  showWelcomeIfEmpty(false);
})();
