import { DestinationPolicy, isAddressOrRange } from './destination-policy';

describe(DestinationPolicy.name, () => {
  const strict = new DestinationPolicy([]);

  it.each([
    '127.0.0.1',
    '127.255.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.100.100.200',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:a00:1',
    'fd00:ec2::254',
    'fe80::1',
    'ff02::1',
    '64:ff9b::a00:1',
    '2002:a00:1::',
    '2001::1',
    '2001:db8::1',
  ])('refuses %s', (address) => {
    expect(strict.permits(address)).toBe(false);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('permits the public address %s', (address) => {
    expect(strict.permits(address)).toBe(true);
  });

  it('refuses anything that is not an IP address', () => {
    expect(strict.permits('localhost')).toBe(false);
    expect(strict.permits('')).toBe(false);
  });

  it('opens exactly what the allow-list names', () => {
    const allowing = new DestinationPolicy(['127.0.0.1', '10.20.0.0/16']);
    expect(allowing.permits('127.0.0.1')).toBe(true);
    expect(allowing.permits('127.0.0.2')).toBe(false);
    expect(allowing.permits('10.20.3.4')).toBe(true);
    expect(allowing.permits('10.21.0.1')).toBe(false);
    expect(allowing.permits('169.254.169.254')).toBe(false);
  });
});

describe('isAddressOrRange', () => {
  it.each(['', '127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'])('accepts %j', (value) => {
    expect(isAddressOrRange(value)).toBe(true);
  });
  it.each(['localhost', '10.0.0.0/33', '::1/129', '10.0.0.0/8/1', '1.2.3.4/x'])(
    'rejects %j',
    (value) => {
      expect(isAddressOrRange(value)).toBe(false);
    },
  );
});
