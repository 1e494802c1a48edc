/* The status page (/complaints/status): the tracking code and the secret open a report's status and its
   message thread; the complainant replies and adds evidence. The pair is kept in this script's memory
   only (sent in POST bodies, never in a URL, a cookie or web storage) and forgotten on "close". */
(function () {
  "use strict";

  var P = window.ComplaintPages;
  var $ = P.$;
  var lookup = $("lookup-form");
  var reply = $("reply-form");
  var caseBox = $("case");
  var replyEvidence = $("reply-evidence");
  var lookupErrors = new P.ErrorSet("lookup-errors");
  var replyErrors = new P.ErrorSet("reply-errors");
  /* The lookup sends two short values: no bar. */
  var lookupParts = { form: lookup, button: $("lookup-btn"), progress: null, status: $("lookup-status") };
  var replyParts = { form: reply, button: $("reply-btn"), progress: $("reply-progress"), status: $("reply-status") };
  var STATUSES = ["received", "acknowledged", "in_review", "referred", "closed"];
  var OUTCOMES = ["substantiated", "not_substantiated", "outside_remit", "withdrawn"];
  var pair = null;  /* {tracking_code, secret} while a report is open */
  var sending = false;

  /* TC-XXXX-XXXX-XXXX however it was typed (lower case, no dashes); the API reads it the same way. */
  function canonical(typed) {
    var chars = typed.toUpperCase().replace(/[\s-]/g, "");
    if (chars.indexOf("TC") === 0) { chars = chars.slice(2); }
    if (chars.length !== 12) { return typed.trim().toUpperCase(); }
    return "TC-" + chars.slice(0, 4) + "-" + chars.slice(4, 8) + "-" + chars.slice(8);
  }

  function label(el, prefix, value, known) {
    if (known.indexOf(value) >= 0) { P.setText(el, prefix + value); }
    else { el.removeAttribute("data-i18n"); el.textContent = value || ""; }
  }

  function renderThread(messages) {
    var list = $("thread");
    list.textContent = "";
    (messages || []).forEach(function (m) {
      var from = m.from === "officer" ? "officer" : "complainant";
      var li = document.createElement("li");
      li.className = "msg msg-" + from;
      var meta = document.createElement("p");
      meta.className = "msg-meta";
      var who = document.createElement("span");
      who.className = "msg-from";
      P.setText(who, "from_" + from);
      var when = document.createElement("time");
      P.setDate(when, m.at);
      meta.appendChild(who);
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(when);
      var text = document.createElement("p");
      text.className = "msg-text";
      text.textContent = m.text || "";
      li.appendChild(meta);
      li.appendChild(text);
      list.appendChild(li);
    });
    $("thread-empty").hidden = list.children.length > 0;
  }

  function render(view) {
    P.setText($("case-heading"), "case_heading", { code: pair.tracking_code });
    label($("case-status"), "status_", view.status, STATUSES);
    var help = $("case-status-help");
    if (STATUSES.indexOf(view.status) >= 0) { P.setText(help, "status_" + view.status + "_help"); }
    else { help.removeAttribute("data-i18n"); help.textContent = ""; }
    $("case-outcome-row").hidden = !view.outcome;
    label($("case-outcome"), "outcome_", view.outcome || "", OUTCOMES);
    P.setDate($("case-received"), view.received_at || "");
    P.setDate($("case-updated"), view.updated_at);
    renderThread(view.messages);
    var closed = view.status === "closed";
    reply.hidden = closed;
    $("reply-closed").hidden = !closed;
  }

  function open(view) {
    render(view);
    lookup.reset();
    $("secret").type = "password";
    lookup.hidden = true;
    caseBox.hidden = false;
    $("case-heading").focus();
  }

  function close() {
    pair = null;
    reply.reset();
    P.showChosen(replyEvidence);
    replyErrors.clear();
    $("thread").textContent = "";
    ["case-heading", "case-status", "case-status-help", "case-outcome"].forEach(function (id) {
      var el = $(id);
      el.removeAttribute("data-i18n");
      el.removeAttribute("data-i18n-values");
      el.textContent = "";
    });
    caseBox.hidden = true;
    lookup.hidden = false;
    $("tracking-code").focus();
  }

  lookup.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (sending) { return; }
    var code = canonical($("tracking-code").value);
    var secret = $("secret").value.trim();
    var found = [];
    if (!code) { found.push({ field: "tracking-code", key: "err_code" }); }
    if (!secret) { found.push({ field: "secret", key: "err_secret" }); }
    if (found.length) { lookupErrors.set(found, true); return; }
    lookupErrors.clear();
    sending = true;
    P.busy(lookupParts, true);
    P.setText(lookupParts.status, "checking");
    P.post(P.config.urls.api_status, { tracking_code: code, secret: secret }).then(function (res) {
      P.busy(lookupParts, false);
      if (res.status === 200 && res.data) {
        pair = { tracking_code: code, secret: secret };
        open(res.data);
      } else if (res.status === 404) {
        /* one answer for any wrong pair: the API's, or the page's own */
        lookupErrors.set([res.data && res.data.message ? { api: res.data } : { key: "not_found" }], true);
      } else {
        lookupErrors.set([{ api: res.data }], true);
      }
    }, function () {
      P.busy(lookupParts, false);
      lookupErrors.set([{ key: "err_network" }], true);
    }).then(function () { sending = false; });
  });

  reply.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (sending || !pair) { return; }
    var text = $("reply-text").value.trim();
    var chosen = P.files(replyEvidence);
    var found = [];
    if (!text && !chosen.length) { found.push({ field: "reply-text", key: "err_reply_empty" }); }
    found = found.concat(P.fileProblems(replyEvidence));
    if (found.length) { replyErrors.set(found, true); return; }
    replyErrors.clear();
    var data = new FormData();
    data.append("tracking_code", pair.tracking_code);
    data.append("secret", pair.secret);
    data.append("text", text);
    chosen.forEach(function (f) { data.append("evidence", f, f.name); });
    sending = true;
    P.busy(replyParts, true, chosen);
    P.formToken().then(function (token) {
      data.append("form_token", token);
      return P.post(P.config.urls.api_reply, data, function (pct) { P.progress(replyParts, pct); });
    }).then(function (res) {
      P.busy(replyParts, false);
      if (res.status === 200 && res.data) {
        reply.reset();
        P.showChosen(replyEvidence);
        render(res.data);
        P.setText(replyParts.status, "reply_sent");
      } else {
        var field = (res.status === 413 || res.status === 415) ? "reply-evidence" : null;
        replyErrors.set([{ field: field, api: res.data }], true);
      }
    }, function () {
      P.busy(replyParts, false);
      replyErrors.set([{ key: "err_network" }], true);
    }).then(function () { sending = false; });
  });

  replyEvidence.addEventListener("change", function () {
    P.showChosen(replyEvidence);
    var found = P.fileProblems(replyEvidence);
    P.fieldError("reply-evidence", found.length ? found[0] : null);
  });

  $("show-secret").addEventListener("change", function () {
    $("secret").type = this.checked ? "text" : "password";
  });

  $("close-case").addEventListener("click", close);
})();
