// Parsers for the string formats the API carries: Kubernetes versions, Go durations and snap channels.
import { parse as parseSemver } from 'semver';
import type { SemVer } from 'semver';

/** A Kubernetes version: semantic version with a leading `v` (v1.33.2, v1.34.0-rc.1). */
export function parseKubernetesVersion(version: string): SemVer | undefined {
  if (!version.startsWith('v')) return undefined;
  return parseSemver(version.slice(1)) ?? undefined;
}

const goDurationUnitsInMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go `time.Duration` string such as `1h30m` or `-1.5s` (what metav1.Duration accepts). */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.+)$/.exec(text);
  if (!match) return undefined;
  const [, sign, body = ''] = match;
  if (body === '0') return 0;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let position = 0;
  while (position < body.length) {
    part.lastIndex = position;
    const found = part.exec(body);
    if (!found) return undefined;
    const [whole, amount = '', unit = ''] = found;
    total += Number(amount) * (goDurationUnitsInMs[unit] ?? Number.NaN);
    position += whole.length;
  }
  if (position === 0 || Number.isNaN(total)) return undefined;
  return sign === '-' ? -total : total;
}

export const snapRisks = ['stable', 'candidate', 'beta', 'edge'] as const;

const snapChannelPattern = new RegExp(
  `^(?:[A-Za-z0-9][A-Za-z0-9._+-]*/)?(?:${snapRisks.join('|')})(?:/[A-Za-z0-9][A-Za-z0-9._+-]*)?$`,
);

/** `<risk>`, `<track>/<risk>` or either followed by `/<branch>`, with risk stable|candidate|beta|edge. */
export function isSnapChannel(channel: string): boolean {
  return snapChannelPattern.test(channel);
}
