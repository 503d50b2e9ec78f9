"""Spans cost nothing where nothing exports them, and the trace context travels all the same."""
from __future__ import annotations

from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider

from shared.telemetry import WhenExported


def test_without_an_exporter_spans_are_not_recorded_but_the_trace_context_still_travels():
    sampler = WhenExported()
    tracer = TracerProvider(sampler=sampler).get_tracer("test")
    with tracer.start_as_current_span("gateway /graphql") as span:
        assert not span.is_recording() and span.get_span_context().is_valid
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        assert carrier["traceparent"].split("-")[1] == format(span.get_span_context().trace_id, "032x")
    sampler.exporting = True
    with tracer.start_as_current_span("gateway /graphql") as span:
        assert span.is_recording()
