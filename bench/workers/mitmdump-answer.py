"""
mitmdump addon for the proxy bench: answer every request locally with {} after reading its
body (as the tool's proxy does), never forwarding it. GET /__bench_count answers how many
requests were answered, so the bench can prove none was lost.
"""
from mitmproxy import http

answered = 0


def request(flow: http.HTTPFlow) -> None:
    global answered
    if flow.request.path == "/__bench_count":
        flow.response = http.Response.make(200, str(answered).encode(), {"content-type": "text/plain"})
        return
    _ = flow.request.raw_content
    answered += 1
    flow.response = http.Response.make(200, b"{}", {"content-type": "application/json"})
