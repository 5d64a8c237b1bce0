import { BlockList, isIP } from 'node:net';

/**
 * Address ranges no webhook may reach unless the operator allows them: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), CGNAT (100.100.100.200 is a metadata address
 * too), unique-local (fd00:ec2::254), multicast, documentation, benchmarking and reserved space,
 * and the IPv6 forms that embed an IPv4 address (NAT64, 6to4, Teredo) so none of them is a way
 * around the IPv4 rules. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) need no rule of their own:
 * `BlockList` checks them against the IPv4 rules.
 */
const NON_PUBLIC: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const nonPublic = new BlockList();
for (const [network, prefix, family] of NON_PUBLIC) nonPublic.addSubnet(network, prefix, family);

/** An IP address, or a CIDR range `address/prefix`, as the allow-list variable takes them. */
export function isAddressOrRange(value: string): boolean {
  if (value === '') return true;
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/**
 * Decides which addresses a webhook may connect to: public unicast addresses, plus whatever the
 * operator allowed (`WEBHOOK_ALLOWED_PRIVATE_ADDRESSES`). Asked at registration and again for
 * each resolved address right before a connection, so DNS that changes its answer after
 * registration (rebinding) still cannot reach an internal address.
 */
export class DestinationPolicy {
  private readonly allowed = new BlockList();

  constructor(allowedPrivate: readonly string[]) {
    for (const entry of allowedPrivate) {
      const [address = '', prefix] = entry.split('/');
      const family = familyOf(address);
      if (prefix === undefined) this.allowed.addAddress(address, family);
      else this.allowed.addSubnet(address, Number(prefix), family);
    }
  }

  /** True when `address` (an IP literal) may be connected to. Anything not an IP is refused. */
  permits(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, type)) return true;
    return !nonPublic.check(address, type);
  }
}
