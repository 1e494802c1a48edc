/* ThamTob chat widget for other websites:
 *   <script src="https://HOST/widget.js" data-lang="th" defer></script>
 * adds a floating chat button that opens the chat in a panel: our chat page in a frame (HOST/widget/panel).
 * Everything the widget adds lives in a shadow root, so the page's CSS and ours stay apart. It asks HOST for
 * its texts first (/widget/config): HOST answers only the sites in THAMTOB_WIDGET_ORIGINS, and elsewhere no
 * button appears. The widget stores nothing on the page; the panel keeps its conversation id in its own
 * sessionStorage. Plain JS, no external loads. */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[src$='/widget.js']");
  if (!script || window.thamtobWidget) { return; }
  window.thamtobWidget = true;

  var lang = script.getAttribute("data-lang") === "en" ? "en" : "th";
  var configUrl = new URL("widget/config?lang=" + lang, script.src).href;
  var panelUrl = new URL("widget/panel?lang=" + lang, script.src).href;
  var styleUrl = new URL("static/widget.css", script.src).href;
  var panelOrigin = new URL(panelUrl).origin;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  function build(config) {
    var texts = config.texts;
    var host = el("div", { "data-thamtob-widget": "" });
    var root = host.attachShadow({ mode: "open" });
    var style = el("link", { rel: "stylesheet", href: styleUrl });
    root.appendChild(style);

    var launcher = el("button", { type: "button", "class": "launcher", "aria-haspopup": "dialog",
                                  "aria-expanded": "false", "aria-controls": "thamtob-panel", lang: lang });
    launcher.appendChild(icon());
    launcher.appendChild(el("span", {}, texts.widget_button));

    var panel = el("div", { id: "thamtob-panel", "class": "panel", role: "dialog", "aria-modal": "true",
                            "aria-labelledby": "thamtob-title", lang: lang });
    panel.hidden = true;
    var start = el("span", { "class": "sentinel", tabindex: "0" });
    var end = el("span", { "class": "sentinel", tabindex: "0" });
    var bar = el("div", { "class": "bar" });
    var title = el("h2", { id: "thamtob-title" }, texts.widget_title);
    var close = el("button", { type: "button", "class": "close", "aria-label": texts.widget_close });
    close.appendChild(el("span", { "aria-hidden": "true" }, "\u00d7"));
    bar.appendChild(title);
    bar.appendChild(close);
    var frame = el("iframe", { title: texts.widget_frame_title, referrerpolicy: "no-referrer" });
    panel.appendChild(start);
    panel.appendChild(bar);
    panel.appendChild(frame);
    panel.appendChild(end);
    root.appendChild(launcher);
    root.appendChild(panel);

    var isOpen = false;
    var wantFocus = null;

    /* Focus inside the frame: the frame element first (the parent may do that), then the panel page
       moves it to the chat input, or its first or last control. */
    function focusPanel(where) {
      wantFocus = where;
      frame.focus();
      if (frame.contentWindow) { frame.contentWindow.postMessage({ type: "thamtob:focus", where: where }, panelOrigin); }
    }
    frame.addEventListener("load", function () {
      if (isOpen && wantFocus) { focusPanel(wantFocus); }
    });

    function open() {
      if (!frame.getAttribute("src")) { frame.setAttribute("src", panelUrl); }  /* loaded on first open only */
      panel.hidden = false;
      isOpen = true;
      launcher.setAttribute("aria-expanded", "true");
      host.setAttribute("data-open", "");
      focusPanel("input");
    }
    function shut() {
      if (!isOpen) { return; }
      panel.hidden = true;
      isOpen = false;
      wantFocus = null;
      launcher.setAttribute("aria-expanded", "false");
      host.removeAttribute("data-open");
      launcher.focus();
    }

    launcher.addEventListener("click", function () { if (isOpen) { shut(); } else { open(); } });
    close.addEventListener("click", shut);
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); shut(); }
    });
    /* The focus trap: Tab past the frame's last control comes back to the close button, Shift+Tab before
       the close button goes to the frame's last control; focus moved elsewhere on the page comes back. */
    start.addEventListener("focus", function () { focusPanel("last"); });
    end.addEventListener("focus", function () { close.focus(); });
    document.addEventListener("focusin", function (ev) {
      if (isOpen && ev.target !== host) { close.focus(); }
    });
    window.addEventListener("message", function (ev) {
      if (ev.source !== frame.contentWindow || ev.origin !== panelOrigin || !ev.data) { return; }
      if (ev.data.type === "thamtob:close") { shut(); }
    });

    /* Shown once its stylesheet is in: never an unstyled button on the page. */
    host.hidden = true;
    style.addEventListener("load", function () { host.hidden = false; });
    style.addEventListener("error", function () { host.hidden = false; });
    document.body.appendChild(host);
  }

  fetch(configUrl, { mode: "cors", credentials: "omit", headers: { "Accept": "application/json" } })
    .then(function (res) {
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      return res.json();
    })
    .then(build, function (err) {
      if (window.console) {
        console.warn("ThamTob widget: not enabled for " + window.location.origin +
                     " (add it to THAMTOB_WIDGET_ORIGINS on " + panelOrigin + "): " + err.message);
      }
    });
})();
