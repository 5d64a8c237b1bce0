import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { DestinationPolicy } from './destination-policy';
import { hostOf } from './webhook-url';

/** One message to one endpoint, as the worker claimed it. */
export interface OutgoingWebhook {
  url: string;
  /** `whsec_…` (Standard Webhooks). */
  secret: string;
  /** The `webhook-id`: the event's id, the same on every retry so receivers can de-duplicate. */
  messageId: string;
  body: string;
}

/** What one attempt came to: a status code, or an error code when no answer came. */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** A short code (`timeout`, `destination_refused`, `ECONNREFUSED`, …), never a body. */
  error: string | null;
}

export class DestinationRefusedError extends Error {
  readonly code = 'destination_refused';
}

/**
 * Sends one signed webhook. The connection is made only to an address the policy permits, checked
 * on the resolved address inside the socket's own lookup (so what is checked is what is connected
 * to); redirects are not followed (a 3xx is a failed attempt); the whole attempt is bounded by a
 * short timeout; the answer's body is discarded unread beyond what the socket already holds.
 */
export class WebhookSender {
  constructor(
    private readonly policy: DestinationPolicy,
    private readonly timeoutMs: number,
  ) {}

  async send(message: OutgoingWebhook): Promise<AttemptResult> {
    const started = Date.now();
    const done = (result: Omit<AttemptResult, 'latencyMs'>): AttemptResult => ({
      ...result,
      latencyMs: Date.now() - started,
    });
    let url: URL;
    try {
      url = new URL(message.url);
    } catch {
      return done({ ok: false, statusCode: null, error: 'invalid_url' });
    }
    const host = hostOf(url);
    // An IP literal never goes through the lookup below, so it is checked here.
    if ((isIP(host) !== 0 && !this.policy.permits(host)) || !/^https?:$/.test(url.protocol)) {
      return done({ ok: false, statusCode: null, error: 'destination_refused' });
    }
    const timestamp = new Date();
    const signature = new Webhook(message.secret).sign(message.messageId, timestamp, message.body);
    try {
      const response = await this.post(url, message.body, {
        'content-type': 'application/json',
        'user-agent': 'family-therapy-api-webhooks',
        'webhook-id': message.messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      });
      const status = response.statusCode ?? 0;
      return done({ ok: status >= 200 && status < 300, statusCode: status, error: null });
    } catch (error) {
      const code =
        error instanceof DestinationRefusedError
          ? error.code
          : ((error as NodeJS.ErrnoException).code ?? 'request_failed');
      return done({ ok: false, statusCode: null, error: code.slice(0, 64) });
    }
  }

  private post(url: URL, body: string, headers: Record<string, string>): Promise<IncomingMessage> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          lookup: this.checkedLookup,
          // A fresh connection each time: a pooled one could outlive a DNS change unchecked.
          agent: false,
          timeout: this.timeoutMs,
        },
        (response) => {
          response.resume();
          resolve(response);
        },
      );
      const deadline = setTimeout(() => outgoing.destroy(timeoutError()), this.timeoutMs);
      outgoing.on('timeout', () => outgoing.destroy(timeoutError()));
      outgoing.on('error', reject);
      outgoing.on('close', () => clearTimeout(deadline));
      outgoing.end(body);
    });
  }

  private readonly checkedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const refused = addresses.some(({ address }) => !this.policy.permits(address));
      if (refused || addresses.length === 0) {
        return callback(new DestinationRefusedError('destination refused'), '', 4);
      }
      if (options.all) {
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      }
      const [first] = addresses;
      callback(null, first!.address, first!.family);
    });
  };
}

function timeoutError(): NodeJS.ErrnoException {
  return Object.assign(new Error('webhook attempt timed out'), { code: 'timeout' });
}
