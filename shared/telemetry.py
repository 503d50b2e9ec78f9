"""OpenTelemetry set-up: one tracer provider per process; W3C trace context in HTTP and AMQP headers."""
from __future__ import annotations

import json
import logging
import os
import sys

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Decision, ParentBased, Sampler, SamplingResult
from opentelemetry.trace import get_current_span

_configured = False
# Our own spans cover every request, commit and message; FastAPI's own (on by default once a provider is set)
# would record each request twice. `FastAPI(telemetry=NO_FRAMEWORK_TELEMETRY)`.
NO_FRAMEWORK_TELEMETRY = {"tracing": False, "metrics": False, "logs": False}


class WhenExported(Sampler):
    """Spans are recorded only while the process has somewhere to send them; then parent-based, always on.

    With no exporter (the embedded default, a process without a collector) every span is a non-recording one: the
    trace context still travels in HTTP and AMQP headers and logs still carry trace ids, but no span is built,
    timed or kept per request. Give every process of a deployment the same collector, as deploy/ does: a process
    without one marks its context unsampled, and those after it follow."""

    def __init__(self) -> None:
        self.exporting = False
        self.sampler = ParentBased(ALWAYS_ON)

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None) -> SamplingResult:
        if not self.exporting:
            parent = get_current_span(parent_context).get_span_context()
            return SamplingResult(Decision.DROP, None, parent.trace_state if parent.is_valid else None)
        return self.sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"WhenExported{{{self.sampler.get_description()}}}"


_sampler = WhenExported()


def setup_telemetry(service_name: str, *, console: bool = False, exporter: SpanExporter | None = None) -> None:
    """Install the process's tracer provider once; later calls only add the exporter they are given."""
    global _configured
    provider = trace.get_tracer_provider()
    if not _configured:
        provider = TracerProvider(resource=Resource.create({"service.name": service_name}), sampler=_sampler)
        trace.set_tracer_provider(provider)
        _configured = True
        if (otlp := otlp_processor()) is not None:
            provider.add_span_processor(otlp)
            _sampler.exporting = True
    if console:
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        _sampler.exporting = True
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        _sampler.exporting = True


def otlp_processor() -> BatchSpanProcessor | None:
    """Spans batched to an OpenTelemetry collector over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names one, as the standard variables say; none otherwise."""
    if not (os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter())


def inject_context() -> dict[str, str]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def extract_context(carrier: dict[str, str]):
    return propagate.extract(carrier)


class JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        span = trace.get_current_span().get_span_context()
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if span.is_valid:
            entry["trace_id"] = format(span.trace_id, "032x")
            entry["span_id"] = format(span.span_id, "016x")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(*, json_logs: bool, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter() if json_logs else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per subgraph fetch is noise
