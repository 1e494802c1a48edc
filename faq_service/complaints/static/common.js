/* What both complaint pages share: texts and the language switch, error lists, file checks and the one way
   they talk to the API (XMLHttpRequest with upload progress, no referrer). Plain JS, nothing loaded from elsewhere; text is
   only ever set with textContent. The tracking code and the secret are never put in a URL or in storage. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("complaints-config").textContent);
  var TEXTS = config.texts;
  var lang = TEXTS[config.lang] ? config.lang : "th";
  var listeners = [];
  var errorSets = [];

  function t(key, values) {
    var text = (TEXTS[lang] && TEXTS[lang][key]) || TEXTS.th[key] || key;
    if (values) {
      Object.keys(values).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    }
    return text;
  }

  function $(id) { return document.getElementById(id); }

  /* ---- language ---- */
  function formatDate(iso) {
    if (!iso) { return ""; }
    var value = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + "Z";  /* the API speaks UTC */
    var date = new Date(value);
    if (isNaN(date.getTime())) { return iso; }
    try {
      return new Intl.DateTimeFormat(lang === "th" ? "th-TH" : "en-GB",
        { dateStyle: "medium", timeStyle: "short" }).format(date);
    } catch (e) { return date.toISOString(); }
  }

  function setText(el, key, values) {
    el.setAttribute("data-i18n", key);
    if (values) { el.setAttribute("data-i18n-values", JSON.stringify(values)); }
    else { el.removeAttribute("data-i18n-values"); }
    el.textContent = t(key, values);
  }

  function setDate(el, iso) {
    el.setAttribute("datetime", iso || "");
    el.setAttribute("data-date", iso || "");
    el.textContent = formatDate(iso);
  }

  function withLang(href) {
    var url = new URL(href, window.location.href);
    url.searchParams.set("lang", lang);
    return url.pathname + url.search + url.hash;
  }

  function applyLanguage(newLang, remember) {
    lang = TEXTS[newLang] ? newLang : "th";
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      var values = el.getAttribute("data-i18n-values");
      el.textContent = t(el.getAttribute("data-i18n"), values ? JSON.parse(values) : null);
    });
    document.querySelectorAll("[data-i18n-aria-label]").forEach(function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-aria-label")));
    });
    document.querySelectorAll("[data-date]").forEach(function (el) {
      el.textContent = formatDate(el.getAttribute("data-date"));
    });
    document.querySelectorAll("a[data-keep-lang]").forEach(function (a) {
      a.setAttribute("href", withLang(a.getAttribute("href")));
    });
    document.querySelectorAll(".lang-link").forEach(function (a) {
      if (a.getAttribute("data-lang") === lang) { a.setAttribute("aria-current", "true"); }
      else { a.removeAttribute("aria-current"); }
    });
    errorSets.forEach(function (set) { set.render(); });
    listeners.forEach(function (fn) { fn(lang); });
    if (remember && window.history && window.history.replaceState) {
      /* only ?lang (and the form's kind/mode) ever sit in the URL */
      window.history.replaceState(null, "", withLang(window.location.pathname + window.location.search));
    }
  }

  /* The switch keeps what was typed: it relabels the page instead of loading it again. */
  document.querySelectorAll(".lang-link").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      applyLanguage(a.getAttribute("data-lang"), true);
    });
  });

  /* ---- errors: a summary (role=alert) with links to the fields, and a line under each field ---- */
  function fieldError(id, item) {
    var input = $(id);
    var line = $(id + "-error");
    if (!line) { return; }
    if (item) {
      line.hidden = false;
      line.textContent = item.api ? apiText(item.api) : t(item.key, item.values);
      if (input && input.tagName !== "FIELDSET") { input.setAttribute("aria-invalid", "true"); }
    } else {
      line.hidden = true;
      line.textContent = "";
      if (input) { input.removeAttribute("aria-invalid"); }
    }
  }

  function ErrorSet(summaryId) {
    this.summary = $(summaryId);
    this.items = [];
    this.fields = [];
    errorSets.push(this);
  }
  ErrorSet.prototype.set = function (items, focus) {
    var self = this;
    this.fields.forEach(function (id) { fieldError(id, null); });
    this.items = items || [];
    this.fields = this.items.filter(function (i) { return i.field; }).map(function (i) { return i.field; });
    this.render();
    if (focus && this.items.length) { this.summary.focus(); }
  };
  ErrorSet.prototype.clear = function () { this.set([]); };
  ErrorSet.prototype.render = function () {
    var summary = this.summary;
    summary.textContent = "";
    summary.classList.toggle("has-errors", this.items.length > 0);
    if (!this.items.length) { return; }
    var heading = document.createElement("p");
    heading.className = "error-title";
    heading.textContent = t("errors_heading");
    summary.appendChild(heading);
    var list = document.createElement("ul");
    var seen = {};
    this.items.forEach(function (item) {
      var text = item.api ? apiText(item.api) : t(item.key, item.values);
      if (item.field && !seen[item.field]) { seen[item.field] = true; fieldError(item.field, item); }
      var li = document.createElement("li");
      if (item.field) {
        var a = document.createElement("a");
        a.href = "#" + item.field;
        a.textContent = text;
        a.addEventListener("click", function (ev) {
          ev.preventDefault();
          var target = $(item.field);
          var focusable = target && target.tagName === "FIELDSET" ? target.querySelector("input") : target;
          if (focusable) { focusable.focus(); }
        });
        li.appendChild(a);
      } else {
        li.textContent = text;
      }
      list.appendChild(li);
    });
    summary.appendChild(list);
  };

  /* ---- the API ---- */
  function apiText(body) {
    if (body && typeof body === "object") {
      if (lang === "th" && typeof body.message_th === "string" && body.message_th) { return body.message_th; }
      if (typeof body.message === "string" && body.message) { return body.message; }
    }
    return t("err_server");
  }

  /* POST `body` (FormData or a plain object sent as JSON); resolves {status, data}, rejects on no answer.
     XMLHttpRequest rather than fetch: only it reports upload progress (onProgress(percent), 0-100). A
     same-origin XHR sends this host's cookies whatever withCredentials says; the service strips the Cookie
     header of the complaint API before anything reads it (ops/no_cookies.py). No referrer: the page's
     Referrer-Policy is no-referrer. */
  function post(url, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url, true);
      xhr.withCredentials = false;
      xhr.setRequestHeader("Accept", "application/json");
      if (onProgress && xhr.upload) {
        xhr.upload.addEventListener("progress", function (ev) {
          if (ev.lengthComputable && ev.total > 0) { onProgress(Math.floor(ev.loaded * 100 / ev.total)); }
        });
        xhr.upload.addEventListener("load", function () { onProgress(100); });
      }
      xhr.addEventListener("load", function () {
        var data = null;
        try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { data = null; }
        resolve({ status: xhr.status, data: data });
      });
      xhr.addEventListener("error", function () { reject(new Error("network")); });
      xhr.addEventListener("abort", function () { reject(new Error("aborted")); });
      xhr.addEventListener("timeout", function () { reject(new Error("timeout")); });
      if (body instanceof FormData) { xhr.send(body); }
      else {
        xhr.setRequestHeader("Content-Type", "application/json");
        xhr.send(JSON.stringify(body));
      }
    });
  }

  /* ---- the form token: signed by the service and valid for some hours. A page left open longer (a long
     report written slowly) fetches this page again, without cookies, and takes the token from it. ---- */
  var tokenAt = Date.now();

  function tokenInputs() { return document.querySelectorAll("input[name='form_token']"); }

  function formToken() {
    var current = tokenInputs()[0].value;
    if (Date.now() - tokenAt < config.tokenFreshS * 1000) { return Promise.resolve(current); }
    return fetch(config.urls.page, { credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store" })
      .then(function (res) { return res.ok ? res.text() : ""; })
      .then(function (html) {
        /* a parsed copy of this service's own page: nothing in it runs, nothing of it is shown */
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("input[name='form_token']");
        if (!fresh || !fresh.value) { return current; }
        tokenInputs().forEach(function (input) { input.value = fresh.value; });
        tokenAt = Date.now();
        return fresh.value;
      }, function () { return current; });
  }

  /* ---- files ---- */
  var TYPES = { "application/pdf": 1, "image/jpeg": 1, "image/png": 1 };
  var EXTENSIONS = /\.(pdf|jpe?g|png)$/i;

  function formatBytes(n) {
    if (n >= 1024 * 1024) { return (n / (1024 * 1024)).toFixed(1) + " MB"; }
    return Math.max(1, Math.round(n / 1024)) + " KB";
  }

  function files(input) { return input && input.files ? Array.prototype.slice.call(input.files) : []; }

  /* What is wrong with the chosen files (the API checks the bytes again, this only saves a wasted upload). */
  function fileProblems(input) {
    var list = files(input);
    var out = [];
    var limits = config.limits;
    var maxMb = Math.floor(limits.maxFileBytes / (1024 * 1024));
    if (list.length > limits.maxFiles) {
      out.push({ field: input.id, key: "err_files_count", values: { n: list.length, max_files: limits.maxFiles } });
    }
    list.forEach(function (f) {
      if (f.size > limits.maxFileBytes) {
        out.push({ field: input.id, key: "err_file_size", values: { name: f.name, max_mb: maxMb } });
      } else if (!TYPES[f.type] && !EXTENSIONS.test(f.name)) {
        out.push({ field: input.id, key: "err_file_type", values: { name: f.name } });
      }
    });
    return out;
  }

  function showChosen(input) {
    var box = $(input.id + "-chosen");
    var list = $(input.id + "-list");
    var chosen = files(input);
    list.textContent = "";
    chosen.forEach(function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + " (" + formatBytes(f.size) + ")";
      list.appendChild(li);
    });
    box.hidden = chosen.length === 0;
  }

  /* The bar (role=progressbar): how much of the request has gone, 0-100, shown and announced as a percentage. */
  function progress(parts, percent) {
    if (!parts.progress) { return; }
    var bar = parts.progress.querySelector("[role='progressbar']");
    var value = Math.max(0, Math.min(100, Math.round(percent)));
    if (String(value) === bar.getAttribute("aria-valuenow")) { return; }
    bar.setAttribute("aria-valuenow", String(value));
    bar.setAttribute("aria-valuetext", value + "%");
    bar.querySelector(".bar-fill").style.width = value + "%";  /* CSSOM, which the CSP allows */
    parts.progress.querySelector(".bar-percent").textContent = value + "%";
  }

  /* While a request is on its way: the button is off, the bar counts up and the status line says what is sent. */
  function busy(parts, on, chosen) {
    parts.button.disabled = on;
    parts.form.setAttribute("aria-busy", on ? "true" : "false");
    if (parts.progress) { parts.progress.hidden = !on; }
    if (on) {
      progress(parts, 0);
      var size = (chosen || []).reduce(function (sum, f) { return sum + f.size; }, 0);
      if (chosen && chosen.length) {
        setText(parts.status, "sending_files", { n: chosen.length, size: formatBytes(size) });
      } else {
        setText(parts.status, "sending");
      }
    } else {
      progress(parts, 100);
      parts.status.removeAttribute("data-i18n");
      parts.status.textContent = "";
    }
  }

  /* Characters left under a long text field (shown, not announced on every key). */
  function counters() {
    document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      var out = $(area.getAttribute("data-counter"));
      var update = function () {
        var max = parseInt(area.getAttribute("maxlength"), 10);
        setText(out, "chars_left", { n: Math.max(0, max - area.value.length) });
      };
      area.addEventListener("input", update);
      if (area.form) { area.form.addEventListener("reset", function () { setTimeout(update, 0); }); }
      update();
    });
  }

  function randomId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") { return c.randomUUID(); }
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  counters();

  window.ComplaintPages = {
    config: config, t: t, $: $, lang: function () { return lang; }, onLanguage: function (fn) { listeners.push(fn); },
    setText: setText, setDate: setDate, ErrorSet: ErrorSet, fieldError: fieldError, apiText: apiText, post: post,
    formToken: formToken,
    files: files, fileProblems: fileProblems, showChosen: showChosen, busy: busy, progress: progress, randomId: randomId
  };
})();
