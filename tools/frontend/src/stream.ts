// The live event stream (the contract's streamEvents) as a resumable connection: Server-Sent Events read
// with fetch, so it runs the same in a browser and in Node.js, parsed by eventsource-parser. Every event's
// id is kept; a dropped stream is reopened with `Last-Event-ID`, so the server sends exactly the events
// after it (or one `resync` when it cannot). Payloads stay JSON text here: decoding them into the
// frontend's types is the adapter's job.
import { createParser } from "eventsource-parser";
import type { StreamEventName, StreamEventPayloads } from "@generated/client";

/** Where the stream stands: opening (or reopening) it, reading it, or waiting to retry after it failed. */
export type StreamState = "connecting" | "connected" | "disconnected";

/** One event as the server framed it: its id, its name in the contract's `x-events`, its JSON text. */
export interface StreamMessage {
  id: string;
  event: StreamEventName;
  data: string;
}

export interface StreamOptions {
  /** The streamEvents URL, such as http://127.0.0.1:8000/api/v1/broker/events. */
  url: string;
  onMessage(message: StreamMessage): void;
  onState(state: StreamState): void;
  /**
   * The server refused the API key (401): the stream is closed for good, since asking again with the same
   * key cannot succeed. `detail` is the service's problem detail, when it sent one.
   */
  onUnauthorized?(detail: string | undefined): void;
  /** Headers sent on every request, such as `Authorization: Bearer <key>`. */
  headers?: Readonly<Record<string, string>>;
  /** Query parameters sent on every request besides `symbols`, such as `accountId`. */
  query?: Readonly<Record<string, string>>;
  /** The symbols whose `quote` events to receive. */
  symbols?: readonly string[];
  /** Resume after this event instead of starting with live events. */
  lastEventId?: string;
  /** First wait before reopening a failed stream; it doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** A stream silent for this long is presumed dead (the server sends keep-alives every 15 s by default). */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
}

const EVENT_NAMES: Record<StreamEventName, true> = {
  order: true,
  execution: true,
  position: true,
  account: true,
  pl: true,
  quote: true,
  resync: true,
};

function isEventName(name: string | undefined): name is StreamEventName {
  return name !== undefined && Object.hasOwn(EVENT_NAMES, name);
}

/** Decodes an event's JSON text as the payload type the contract's `x-events` gives its name. */
export function decodePayload<E extends StreamEventName>(_event: E, data: string): StreamEventPayloads[E] {
  return JSON.parse(data) as StreamEventPayloads[E];
}

/** The `detail` of a problem+json answer, if it has one. */
async function problemDetail(response: Response): Promise<string | undefined> {
  try {
    const problem: unknown = await response.json();
    if (typeof problem === "object" && problem !== null && "detail" in problem && typeof problem.detail === "string") {
      return problem.detail;
    }
  } catch {
    // no JSON body: the status says enough
  }
  return undefined;
}

/**
 * A stream that stays open until `close()`: reopened after every failure, resuming where it stopped; only
 * a refused API key (401) closes it for good (`onUnauthorized`).
 */
export class EventStreamConnection {
  private readonly options: StreamOptions;
  private symbols: readonly string[];
  private lastId: string | undefined;
  private state: StreamState | undefined;
  private current: AbortController | undefined;
  private closed = false;
  private reopening = false;
  private wake: (() => void) | undefined;

  constructor(options: StreamOptions) {
    this.options = options;
    this.symbols = options.symbols ?? [];
    this.lastId = options.lastEventId;
    void this.run();
  }

  /** The id of the last event received: where a reopened stream resumes. */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  /** Streams quotes of these symbols from now on (by reopening the stream, which loses nothing). */
  setSymbols(symbols: readonly string[]): void {
    const next = [...new Set(symbols)].sort();
    if (next.join(",") === [...this.symbols].sort().join(",")) return;
    this.symbols = next;
    if (this.current !== undefined) {
      this.reopening = true;
      this.current.abort();
    }
  }

  close(): void {
    this.closed = true;
    this.current?.abort();
    this.wake?.();
  }

  private setState(state: StreamState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState(state);
  }

  private async run(): Promise<void> {
    const initialRetry = this.options.retryMs ?? 250;
    let retry = initialRetry;
    this.setState("connecting");
    while (!this.closed) {
      const outcome = await this.readOnce();
      if (this.closed) break;
      if (outcome === "reopen") continue; // new symbols: the state does not flap
      if (outcome === "unauthorized") break; // the same key again would be refused again
      this.setState("disconnected");
      if (outcome === "ended") {
        retry = initialRetry; // it was open: try again at once
      } else {
        await this.sleep(retry);
        retry = Math.min(retry * 2, this.options.maxRetryMs ?? 5_000);
      }
      if (!this.closed) this.setState("connecting");
    }
    this.setState("disconnected");
  }

  /**
   * Opens the stream and reads it until it ends: "refused" if the server did not accept it, "unauthorized"
   * if it refused the key (401), "ended" if it was open and then closed or broke, "reopen" if `setSymbols`
   * closed it to open it again.
   */
  private async readOnce(): Promise<"refused" | "unauthorized" | "ended" | "reopen"> {
    const controller = new AbortController();
    this.current = controller;
    const idleTimeout = this.options.idleTimeoutMs ?? 45_000;
    let idle = setTimeout(() => controller.abort(), idleTimeout);
    const headers: Record<string, string> = { ...this.options.headers, Accept: "text/event-stream" };
    if (this.lastId !== undefined) headers["Last-Event-ID"] = this.lastId;
    const url = new URL(this.options.url);
    for (const [name, value] of Object.entries(this.options.query ?? {})) url.searchParams.set(name, value);
    if (this.symbols.length > 0) url.searchParams.set("symbols", this.symbols.join(","));
    try {
      const response = await (this.options.fetch ?? fetch)(url, { headers, signal: controller.signal });
      if (response.status === 401) {
        this.closed = true;
        this.options.onUnauthorized?.(await problemDetail(response));
        return "unauthorized";
      }
      const type = response.headers.get("content-type") ?? "";
      if (!response.ok || !type.startsWith("text/event-stream") || response.body === null) {
        await response.body?.cancel();
        return "refused";
      }
      this.setState("connected");
      const parser = createParser({
        onEvent: (message) => {
          if (message.id !== undefined) this.lastId = message.id;
          if (isEventName(message.event)) {
            this.options.onMessage({ id: message.id ?? "", event: message.event, data: message.data });
          }
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(), idleTimeout);
        parser.feed(value);
      }
      return "ended";
    } catch {
      if (this.reopening) return "reopen";
      return this.state === "connected" ? "ended" : "refused";
    } finally {
      this.reopening = false;
      clearTimeout(idle);
      this.current = undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
