"""Traces leave the process for an OpenTelemetry collector over OTLP/HTTP when the standard
OTEL_EXPORTER_OTLP_ENDPOINT names one (deploy/compose.yaml points every process at its collector); with none set,
nothing is exported and nothing is attempted."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider

from shared.telemetry import otlp_processor


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["content-length"]))
        _Collector.received.append((self.path, body))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_):
        pass


def test_spans_reach_a_collector_over_otlp_when_an_endpoint_is_set(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
        provider = TracerProvider()
        processor = otlp_processor()
        provider.add_span_processor(processor)
        with provider.get_tracer("test").start_as_current_span("approveProject"):
            pass
        assert provider.force_flush(timeout_millis=10_000)
        [(path, body)] = _Collector.received
        request = ExportTraceServiceRequest.FromString(body)
        names = [s.name for r in request.resource_spans for scope in r.scope_spans for s in scope.spans]
        assert path == "/v1/traces" and names == ["approveProject"]
        provider.shutdown()
    finally:
        server.shutdown()
        thread.join()


def test_no_endpoint_no_exporter(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert otlp_processor() is None
