"""A stand-in for the Anthropic Messages API on 127.0.0.1, for driving the real Claude Code CLI in tests.

The fake model is scripted: on the main conversation (a request whose `tools` offer `Bash`) it proposes the
scripted Bash commands one per turn, then ends the turn with a short text. Which command comes next is derived
from the request itself (how many tool results the conversation already holds), so a retried request gets the
same answer. Every other request (titles, quota checks, token counting, anything unknown) gets a plain, quick
answer. Every request is logged with its path and body; the tool results Claude Code sends back are collected
in `tool_results`.

    with FakeAnthropic(["aws s3 ls"]) as api:
        run claude with ANTHROPIC_BASE_URL=api.url
        api.tool_results[0]["is_error"], tool_result_text(api.tool_results[0])
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

TOOL_NAME = "Bash"


@dataclass
class Request:
    """One request as the fake API received it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or the raw text when it is not JSON, or None
    answer: str = ""  # what the fake answered: "tool_use", "text", "count_tokens", "empty", ...
    at: float = field(default_factory=time.time)


def _ident(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def tool_result_text(block: dict[str, Any]) -> str:
    """The text of a tool_result block, whose content is a string or a list of content blocks."""
    content = block.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, list):
        return [block for block in content if isinstance(block, dict)]
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return []


def _offers_tool(body: dict[str, Any], name: str) -> bool:
    return any(isinstance(tool, dict) and tool.get("name") == name for tool in body.get("tools") or [])


class FakeAnthropic:
    """The fake API server. `commands` are the Bash commands the fake model proposes, one per turn."""

    def __init__(self, commands: str | Sequence[str] = (), final_text: str = "Done.",
                 description: str = "Run the command") -> None:
        self.commands = [commands] if isinstance(commands, str) else list(commands)
        self.final_text = final_text
        self.description = description
        self.requests: list[Request] = []
        self.tool_results: list[dict[str, Any]] = []
        self.tool_uses: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._seen_results: set[str] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeAnthropic:
        fake = self

        class Handler(_Handler):
            api = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="fake-anthropic", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection ------------------------------------------------------------------------------

    def log_text(self) -> str:
        """Every request, one line each: method, path, what was answered, and a short view of the body."""
        lines = []
        for r in self.requests:
            body = r.body
            if isinstance(body, dict):
                summary = {k: body.get(k) for k in ("model", "stream", "max_tokens") if k in body}
                summary["tools"] = len(body.get("tools") or [])
                summary["messages"] = len(body.get("messages") or [])
            else:
                summary = str(body)[:200]
            lines.append(f"{r.method} {r.path}{'?' + r.query if r.query else ''} -> {r.answer} {summary}")
        return "\n".join(lines)

    # -- the model -------------------------------------------------------------------------------

    def reply(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """(kind, message) for a Messages API request: the scripted tool call, or a text."""
        model = body.get("model") or "claude-fake"
        messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
        results = [block for m in messages if m.get("role") == "user"
                   for block in _blocks(m) if block.get("type") == "tool_result"]
        if results and _offers_tool(body, TOOL_NAME):
            with self._lock:
                for block in results:
                    key = str(block.get("tool_use_id"))
                    if key not in self._seen_results:
                        self._seen_results.add(key)
                        self.tool_results.append(block)
        if _offers_tool(body, TOOL_NAME) and len(results) < len(self.commands):
            turn = len(results)
            tool_input = {"command": self.commands[turn], "description": self.description}
            block = {"type": "tool_use", "id": "toolu_01" + uuid.uuid4().hex[:22], "name": TOOL_NAME,
                     "input": tool_input}
            with self._lock:
                self.tool_uses.append(block)
            return "tool_use", _message(model, [block], "tool_use")
        text = self.final_text if _offers_tool(body, TOOL_NAME) else "OK"
        return "text", _message(model, [{"type": "text", "text": text}], "end_turn")


def _message(model: str, content: list[dict[str, Any]], stop_reason: str) -> dict[str, Any]:
    return {"id": _ident("msg_01"), "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 8, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0}}


def _sse(message: dict[str, Any]) -> bytes:
    """The server-sent events that stream `message`, as the Messages API sends them."""
    events: list[tuple[str, dict[str, Any]]] = []
    start = dict(message, content=[], stop_reason=None, stop_sequence=None,
                 usage=dict(message["usage"], output_tokens=1))
    events.append(("message_start", {"type": "message_start", "message": start}))
    for index, block in enumerate(message["content"]):
        if block["type"] == "tool_use":
            events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": dict(block, input={})}))
            text = json.dumps(block["input"])
            cut = len(text) // 2  # two deltas, as the real API splits partial JSON anywhere
            for part in (text[:cut], text[cut:]):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": index,
                                                       "delta": {"type": "input_json_delta", "partial_json": part}}))
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                                   "content_block": {"type": "text", "text": ""}}))
            events.append(("content_block_delta", {"type": "content_block_delta", "index": index,
                                                   "delta": {"type": "text_delta", "text": block["text"]}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                                     "usage": {"output_tokens": message["usage"]["output_tokens"]}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)


class _Handler(BaseHTTPRequestHandler):
    api: FakeAnthropic
    protocol_version = "HTTP/1.1"  # keep-alive, every answer with a Content-Length
    timeout = 30  # an idle keep-alive connection never holds a thread for long

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the requests are recorded instead
        pass

    def _record(self) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        request = Request(self.command, parts.path, parts.query, {k.lower(): v for k, v in self.headers.items()},
                          body)
        with self.api._lock:
            self.api.requests.append(request)
        return request

    def _send(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("request-id", _ident("req_01"))
        if content_type == "text/event-stream":
            self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def do_POST(self) -> None:
        request = self._record()
        body = request.body if isinstance(request.body, dict) else {}
        try:
            if request.path.rstrip("/").endswith("/v1/messages/count_tokens"):
                request.answer = "count_tokens"
                self._json(200, {"input_tokens": 42})
            elif request.path.rstrip("/").endswith("/v1/messages"):
                kind, message = self.api.reply(body)
                request.answer = kind + (" (stream)" if body.get("stream") else " (json)")
                if body.get("stream"):
                    self._send(200, _sse(message), "text/event-stream")
                else:
                    self._json(200, message)
            else:
                request.answer = "empty"
                self._json(200, {})
        except Exception as error:  # never leave the client hanging
            request.answer = f"error {error!r}"
            self._json(500, {"type": "error", "error": {"type": "api_error", "message": repr(error)}})

    def do_GET(self) -> None:
        request = self._record()
        if request.path.rstrip("/").endswith("/v1/models"):
            request.answer = "models"
            self._json(200, {"data": [], "has_more": False, "first_id": None, "last_id": None})
        else:
            request.answer = "not found"
            self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": "not found"}})

    def do_HEAD(self) -> None:
        request = self._record()
        request.answer = "head"
        self._send(200, b"")

    do_PUT = do_PATCH = do_DELETE = do_POST
