import { isSnapChannel, parseGoDuration, parseKubernetesVersion } from './formats';

describe('parseGoDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['0s', 0],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['-2m', -120_000],
    ['+1s', 1_000],
    ['1us', 0.001],
    ['2µs', 0.002],
    ['.5s', 500],
  ])('reads %s as %d ms', (text, milliseconds) => {
    expect(parseGoDuration(text)).toBeCloseTo(milliseconds);
  });

  it.each(['', '1', '1d', '5 minutes', 'm', '1h 30m', 's1', '1.2.3s', '-'])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

describe('parseKubernetesVersion', () => {
  it.each([
    ['v1.33.2', [1, 33, 2]],
    ['v1.34.0-rc.1', [1, 34, 0]],
  ])('parses %s', (text, [major, minor, patch]) => {
    expect(parseKubernetesVersion(text)).toMatchObject({ major, minor, patch });
  });
  it.each(['1.33.2', 'v1.33', 'v01.33.2', 'vx'])('rejects %s', (text) => {
    expect(parseKubernetesVersion(text)).toBeUndefined();
  });
});

describe('isSnapChannel', () => {
  it.each([
    ['edge', true],
    ['1.33-classic/candidate', true],
    ['latest/beta/my-branch', true],
    ['1.33-classic', false],
    ['1.33-classic/unstable', false],
    ['', false],
  ])('%s → %s', (channel, expected) => {
    expect(isSnapChannel(channel)).toBe(expected);
  });
});
