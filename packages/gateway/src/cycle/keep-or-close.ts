// Keep or close: the last step of the request cycle, as one decision. HTTP/1.1 keeps a
// connection for the next request unless something says otherwise (RFC 9112 §9.3); this lists
// everything that can say otherwise. It is asked twice: when the response head is written (so the
// head can say `Connection: close`) and when the response is complete (things change in between:
// the client may shut its side, the server may start closing, the body may be read to its end).

/**
 * Request body bytes the server will read and drop to keep a connection whose app answered
 * without reading them, as node:http does (it has no bound); past this many, it closes instead.
 * The body idle timeout bounds the time (SECURITY.md).
 */
export const MAX_DISCARD = 1024 * 1024;

/** What the decision looks at, gathered by the connection. */
export interface ConnectionFacts {
  /** The client asked to keep the connection: HTTP/1.1 without `close`, or 1.0 with `keep-alive`. */
  clientKeepsAlive: boolean;
  /** The server is shutting down (close() was called). */
  serverClosing: boolean;
  /** This request was the last the server allows on one connection (maxRequestsPerConnection). */
  lastAllowed: boolean;
  /** The client shut its side of the connection. */
  clientEnded: boolean;
  /** The response is framed by closing the connection (HTTP/1.0 without a length). */
  framedByClose: boolean;
  /** Request body bytes not yet read: 0 when none are left, -2 when chunked (unknown), else the count. */
  bodyLeft: number;
  /** The client is waiting for a 100 Continue we have not sent before it sends the body. */
  awaitingContinue: boolean;
}

export const KEEP = 0;
/** Read the rest of the request body and drop it, then serve the next request. */
export const DISCARD_BODY_THEN_KEEP = 1;
export const CLOSE = 2;
export type KeepOrClose = typeof KEEP | typeof DISCARD_BODY_THEN_KEEP | typeof CLOSE;

export function keepOrClose(facts: ConnectionFacts): KeepOrClose {
  if (!facts.clientKeepsAlive || facts.serverClosing || facts.lastAllowed || facts.clientEnded || facts.framedByClose) {
    return CLOSE;
  }
  if (facts.bodyLeft === 0) return KEEP;
  // The app answered without reading the whole body. The bytes must be read before the next
  // request can be, which is worth it for a bounded amount, and never for a body the client will
  // not send until we say 100 Continue (it would wait for us, and we for it).
  if (facts.awaitingContinue) return CLOSE;
  return facts.bodyLeft === -2 || facts.bodyLeft <= MAX_DISCARD ? DISCARD_BODY_THEN_KEEP : CLOSE;
}
