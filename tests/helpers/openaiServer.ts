/**
 * A local OpenAI-compatible server (POST /v1/chat/completions, non-streaming)
 * for driving the real ChatOpenAI client over real HTTP. Each request takes
 * the next scripted step: a reply, an HTTP error, a hang, a broken or endless body.
 * Every request is recorded (body, timing, whether the client hung up), and
 * the number in flight is tracked so tests can check a concurrency limit.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

export type Step =
  /** A completion. `content: null` with `refusal` is OpenAI's structured refusal. */
  | {
      readonly content: string | null;
      readonly refusal?: string;
      readonly finishReason?: string;
      /** Null: the response carries no usage at all. Default 10 in / 5 out. */
      readonly usage?: Usage | null;
      readonly delayMs?: number;
    }
  /** An HTTP error with OpenAI's error body. */
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly message?: string }
  /** Accept the request and never answer. */
  | { readonly hang: true }
  /** A 200 whose body is not a completion. */
  | { readonly rawBody: string }
  /** A 200 whose body never ends: a completion whose content grows until the client hangs up. */
  | { readonly endlessBody: true };

export interface RecordedRequest {
  readonly index: number;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The parsed JSON body (model, temperature, messages, max_tokens, ...). */
  readonly body: any;
  readonly receivedAt: number;
  /** When the response was fully sent, if it was. */
  finishedAt: number | null;
  /** When the client closed the connection before the response was complete, if it did. */
  closedByClientAt: number | null;
}

export const DEFAULT_USAGE: Usage = { prompt_tokens: 10, completion_tokens: 5 };

export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly steps: Step[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<OpenAiTestServer> {
    let self: OpenAiTestServer | undefined;
    const server = createServer((req, res) => void self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new OpenAiTestServer(server, `http://127.0.0.1:${port}/v1`);
    return self;
  }

  /** Queue the behaviour of the next requests, in order. */
  script(...steps: Step[]): void {
    this.steps.push(...steps);
  }

  /** Steps not yet consumed. */
  get pending(): number {
    return this.steps.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const record: RecordedRequest = {
      index: this.requests.length,
      path: req.url ?? '',
      headers: req.headers,
      body: text ? JSON.parse(text) : null,
      receivedAt: Date.now(),
      finishedAt: null,
      closedByClientAt: null,
    };
    this.requests.push(record);
    let done = false;
    const settle = () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
    res.on('finish', () => {
      record.finishedAt = Date.now();
      settle();
    });
    res.on('close', () => {
      if (!res.writableFinished) record.closedByClientAt = Date.now();
      settle();
    });

    const step = this.steps.shift();
    if (req.method !== 'POST' || record.path !== '/v1/chat/completions' || step === undefined) {
      const why = step === undefined ? `unscripted request #${record.index}` : `unexpected ${req.method} ${record.path}`;
      return sendJson(res, 500, { error: { message: why, type: 'test_server_error' } });
    }
    if ('hang' in step) return;
    if ('rawBody' in step) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(step.rawBody);
      return;
    }
    if ('endlessBody' in step) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const filler = 'z'.repeat(64 * 1024);
      let chunk = `{"id":"chatcmpl-endless","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"`;
      while (!res.destroyed) {
        await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
        chunk = filler;
      }
      return;
    }
    if ('status' in step) {
      return sendJson(res, step.status, { error: { message: step.message ?? `scripted ${step.status}`, type: 'scripted' } }, step.headers);
    }
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    if (res.destroyed) return;
    const usage = step.usage === undefined ? DEFAULT_USAGE : step.usage;
    const completion = {
      id: `chatcmpl-test-${record.index}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: record.body?.model ?? 'unknown',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: step.content, refusal: step.refusal ?? null },
          finish_reason: step.finishReason ?? 'stop',
          logprobs: null,
        },
      ],
      ...(usage === null ? {} : { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }),
    };
    sendJson(res, 200, completion);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
