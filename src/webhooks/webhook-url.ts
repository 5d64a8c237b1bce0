import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UnprocessableProblem } from '../common/problem/problem';
import type { DestinationPolicy } from './destination-policy';
import { WEBHOOK_ERRORS } from './webhook-errors';

/** The host part of a URL as an IP literal would be written without brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function refuse(message: string): never {
  throw new UnprocessableProblem(
    WEBHOOK_ERRORS.destinationRefused,
    'The webhook URL is refused; see errors.',
    [{ field: 'url', message }],
  );
}

/**
 * Checks a URL given for an endpoint: http or https only, no credentials in it, and a host whose
 * every address the policy permits (a name is resolved now; delivery resolves it again before each
 * connection). Answers the normalised URL, or throws 422 naming `url`. The message never repeats
 * the URL, which could carry a token of the receiver's.
 */
export async function checkWebhookUrl(raw: string, policy: DestinationPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse('must use http or https');
  }
  if (url.username || url.password) return refuse('must not carry credentials');
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    if (!policy.permits(host)) return refuse('must point at a public address');
    return url.toString();
  }
  // Names that mean this machine by definition (RFC 6761) are refused without asking a resolver.
  if (/(^|\.)localhost\.?$/i.test(host)) return refuse('must point at a public address');
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return refuse('has a host name that does not resolve');
  }
  if (addresses.length === 0 || addresses.some(({ address }) => !policy.permits(address))) {
    return refuse('must point at a public address');
  }
  return url.toString();
}
