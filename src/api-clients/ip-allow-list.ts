import { isIP } from 'node:net';
import { COMMON_ERRORS } from '../common/problem/common-errors';
import { UnprocessableProblem } from '../common/problem/problem';

/**
 * Checks each entry is an address or a CIDR range PostgreSQL's `inet` accepts, naming the first
 * bad one (`ipAllowList[1]`) rather than letting the database answer with a cast error.
 */
export function assertIpAllowList(list: readonly string[] | null | undefined): void {
  list?.forEach((entry, index) => {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new UnprocessableProblem(
        COMMON_ERRORS.invalidValue,
        'The IP allow-list holds addresses or CIDR ranges only.',
        [{ field: `ipAllowList[${index}]`, message: 'must be an IP address or a CIDR range' }],
      );
    }
  });
}

/** An IPv4 client reached over an IPv6 socket shows as `::ffff:a.b.c.d`; allow-lists name `a.b.c.d`. */
export function plainIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
