// The bus's only envelope of its own: when OpenTelemetry is on, a message crossing Redis carries
// the W3C traceparent of the span that published it, so the receiving server process continues
// the same trace. Bus messages are JSON text and never start with the record separator (U+001E),
// so a traced message is told apart by its first character:
//   U+001E <traceparent> U+001E <message>
// Only the traceparent travels (version, trace id, span id, flags: no baggage, no tracestate),
// so nothing but random ids is added to what Redis carries.

const SEPARATOR = "\u001e";
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const TRACEPARENT_LENGTH = 55;

/** The message with its traceparent in front; a malformed traceparent is left out. */
export function closeTraceEnvelope(traceparent: string, message: string): string {
  return TRACEPARENT.test(traceparent) ? `${SEPARATOR}${traceparent}${SEPARATOR}${message}` : message;
}

/** The message without its envelope, and the traceparent it carried (if any and well-formed). */
export function openTraceEnvelope(text: string): { readonly message: string; readonly trace?: string } {
  if (text.charCodeAt(0) !== 0x1e || text.charAt(TRACEPARENT_LENGTH + 1) !== SEPARATOR) return { message: text };
  const trace = text.slice(1, TRACEPARENT_LENGTH + 1);
  const message = text.slice(TRACEPARENT_LENGTH + 2);
  return TRACEPARENT.test(trace) ? { message, trace } : { message };
}
