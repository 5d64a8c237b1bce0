import { retryDelayMs } from './webhook-delivery.service';

describe(retryDelayMs.name, () => {
  it('doubles with each attempt, between half and all of the step', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, 60_000, () => 1)).toBe(4000);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(retryDelayMs(40, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelayMs(40, 1000, 60_000, () => 0)).toBe(30_000);
  });
});
