/* The report form (/complaints): checks what it can, sends everything in one multipart POST (XMLHttpRequest,
   so the bar shows how much has gone), and shows the tracking code and the secret once. */
(function () {
  "use strict";

  var P = window.ComplaintPages;
  var $ = P.$;
  var form = $("complaint-form");
  var you = $("you-group");
  var evidence = $("evidence");
  var errors = new P.ErrorSet("form-errors");
  var parts = { form: form, button: $("submit-btn"), progress: $("submit-progress"), status: $("submit-status") };
  /* One key per loaded form: sending twice (a double click, a retry after a lost answer) gets one answer. */
  var idempotencyKey = P.randomId();
  var sending = false;

  function checked(name) {
    var el = form.querySelector("input[name='" + name + "']:checked");
    return el ? el.value : "";
  }

  function value(id) { return $(id).value.trim(); }

  /* Named mode asks for a name and a way to reply; confidential mode hides, disables and empties them. */
  function applyMode() {
    var named = checked("mode") === "named";
    you.hidden = !named;
    you.disabled = !named;
    if (!named) {
      $("name").value = "";
      $("contact").value = "";
      P.fieldError("name", null);
      P.fieldError("contact", null);
    }
  }

  function problems() {
    var out = [];
    var limits = P.config.limits.fields;
    if (!checked("kind")) { out.push({ field: "kind-group", key: "err_kind" }); }
    if (!checked("mode")) { out.push({ field: "mode-group", key: "err_mode" }); }
    if (!value("description")) { out.push({ field: "description", key: "err_description" }); }
    ["description", "when", "where", "concerned"].forEach(function (id) {
      if (value(id).length > limits[id]) {
        out.push({ field: id, key: "err_too_long", values: { field: P.t(id + "_label"), max: limits[id] } });
      }
    });
    if (checked("mode") === "named") {
      if (!value("name")) { out.push({ field: "name", key: "err_name" }); }
      if (!value("contact")) { out.push({ field: "contact", key: "err_contact" }); }
    }
    return out.concat(P.fileProblems(evidence));
  }

  function body(token) {
    var data = new FormData();
    var mode = checked("mode");
    data.append("kind", checked("kind"));
    data.append("mode", mode);
    data.append("description", value("description"));
    ["when", "where", "concerned"].forEach(function (id) { if (value(id)) { data.append(id, value(id)); } });
    if (mode === "named") {
      data.append("name", value("name"));
      data.append("contact", value("contact"));
    }
    data.append("lang", P.lang());
    data.append("idempotency_key", idempotencyKey);
    data.append("website", $("website").value);
    data.append("form_token", token);
    P.files(evidence).forEach(function (f) { data.append("evidence", f, f.name); });
    return data;
  }

  function showReceipt(receipt, mode) {
    $("done-code").textContent = receipt.tracking_code;
    $("done-secret").textContent = receipt.secret;
    P.setText($("done-note"), mode === "named" ? "done_named" : "done_confidential");
    /* What was typed leaves the page; the codes stay on screen until it is closed. */
    form.reset();
    P.showChosen(evidence);
    form.hidden = true;
    errors.clear();
    $("done").hidden = false;
    $("done-heading").focus();
  }

  function refused(res) {
    var field = (res.status === 413 || res.status === 415) ? "evidence" : null;
    errors.set([{ field: field, api: res.data }], true);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (sending) { return; }
    var found = problems();
    if (found.length) { errors.set(found, true); return; }
    errors.clear();
    var mode = checked("mode");
    sending = true;
    P.busy(parts, true, P.files(evidence));
    P.formToken().then(function (token) {
      return P.post(P.config.urls.api_submit, body(token), function (pct) { P.progress(parts, pct); });
    }).then(function (res) {
      P.busy(parts, false);
      if (res.status === 201 && res.data && res.data.tracking_code) { showReceipt(res.data, mode); }
      else { refused(res); }
    }, function () {
      P.busy(parts, false);
      errors.set([{ key: "err_network" }], true);
    }).then(function () { sending = false; });
  });

  form.querySelectorAll("input[name='mode']").forEach(function (r) { r.addEventListener("change", applyMode); });

  evidence.addEventListener("change", function () {
    P.showChosen(evidence);
    var found = P.fileProblems(evidence);
    P.fieldError("evidence", found.length ? found[0] : null);
  });

  $("copy-btn").addEventListener("click", function () {
    var text = $("done-code").textContent + "\n" + $("done-secret").textContent;
    var status = $("copy-status");
    var done = function () { P.setText(status, "done_copied"); };
    var failed = function () { P.setText(status, "done_copy_failed"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  });

  applyMode();
})();
