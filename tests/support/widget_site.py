"""Another organisation's website carrying the chat widget's one-line snippet, for browser tests of the
widget on the real stack (tests/web/test_widget.py, tests/web/test_answer_highlights.py)."""
from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUTTON_NAME = re.compile(r"ThamTob|ถาม-ตอบ")
# The shadow root of the widget, from the host page.
SHADOW = "document.querySelector('[data-thamtob-widget]').shadowRoot"


class Site:
    """Another organisation's website: a static page with the snippet (and one that frames the panel
    by hand), served on its own port of 127.0.0.1."""

    def __init__(self, port: int, faq_url: str) -> None:
        pages = {
            "/": f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>ข่าวสาร สสปน.</title>
<style>body {{ font-family: serif; color: #222; }} button {{ background: hotpink; }}</style></head>
<body><main><h1>ข่าวสารและกิจกรรม</h1><p>หน้าเว็บไซต์ของหน่วยงานที่ติดตั้งแชต</p>
<a href="#top">ลิงก์ในหน้า</a></main>
<script src="{faq_url}/widget.js" data-lang="th" defer></script></body></html>""",
            "/frame.html": f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>frame</title></head>
<body><iframe id="panel" title="panel" src="{faq_url}/widget/panel?lang=en"></iframe></body></html>""",
        }

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def panel_frame(page):
    page.wait_for_function(f"() => {SHADOW} && {SHADOW}.querySelector('iframe').src")
    for _ in range(100):
        frame = next((f for f in page.frames if "/widget/panel" in f.url), None)
        if frame is not None:
            frame.locator("#messages .msg-bot[data-welcome]").wait_for()
            return frame
        page.wait_for_timeout(100)
    raise AssertionError(f"no panel frame in {[f.url for f in page.frames]}")
