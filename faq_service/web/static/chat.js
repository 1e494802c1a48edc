/* ThamTob web chat: plain JS, talks to Rasa's REST channel. No external loads. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("thamtob-config").textContent);
  var TEXTS = config.texts;
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

  var lang = getItem("localStorage", LANG_KEY);
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
  if (!sender) { sender = "web-" + randomId(); setItem("sessionStorage", SENDER_KEY, sender); }

  /* ---- language ---- */
  function applyLanguage(newLang) {
    lang = TEXTS[newLang] ? newLang : "th";
    setItem("localStorage", LANG_KEY, lang);
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

  function appendRichText(parent, text) {
    var parts = String(text).split(URL_RE);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var m = part.match(/^(.*?)([.,;:!?)\]}»”]*)$/);
        var href = m ? m[1] : part;
        var trail = m ? m[2] : "";
        var a = document.createElement("a");
        a.href = href;
        a.textContent = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        var hint = document.createElement("span");
        hint.className = "visually-hidden";
        hint.textContent = " " + t("link_new_window");
        a.appendChild(hint);
        parent.appendChild(a);
        if (trail) { parent.appendChild(document.createTextNode(trail)); }
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
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

  function addButtons(buttons, label) {
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
    if (list.children.length) { els.messages.appendChild(list); scrollToEnd(); }
    return list;
  }

  function renderBotReplies(replies) {
    var shown = 0;
    (replies || []).forEach(function (r) {
      if (!r) { return; }
      var text = r.text || (r.custom && typeof r.custom.text === "string" ? r.custom.text : "");
      if (text) { addMessage("bot", text); shown++; }
      if (Array.isArray(r.buttons) && r.buttons.length) { addButtons(r.buttons); shown++; }
      if (r.image && !text) {
        /* images may be remote: show a link instead of loading it */
        addMessage("bot", r.image); shown++;
      }
    });
    if (!shown) { addMessage("bot", t("error_empty"), "msg-error"); }
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
      body: JSON.stringify({ sender: sender, message: message }),
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
    sender = "web-" + randomId();
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

  applyLanguage(lang);
  showWelcomeIfEmpty(false);
})();
