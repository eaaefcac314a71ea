// Runs Debian's openssl on generated material: an independent implementation judging our certificates.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function withFiles<T>(files: Record<string, string>, run: (path: (name: string) => string) => T): T {
  const folder = mkdtempSync(join(tmpdir(), 'pki-openssl-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
    return run((name) => join(folder, name));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function openssl(args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

/** `openssl verify` of a certificate against a trusted root, with optional untrusted intermediates. */
export function opensslVerify(options: { rootPem: string; certPem: string; untrustedPem?: string; purpose?: string }) {
  const files = { 'root.pem': options.rootPem, 'cert.pem': options.certPem, 'untrusted.pem': options.untrustedPem ?? '' };
  return withFiles(files, (path) =>
    openssl([
      'verify',
      '-CAfile',
      path('root.pem'),
      ...(options.untrustedPem ? ['-untrusted', path('untrusted.pem')] : []),
      ...(options.purpose ? ['-purpose', options.purpose] : []),
      path('cert.pem'),
    ]),
  );
}

export function opensslText(certPem: string): string {
  return withFiles({ 'cert.pem': certPem }, (path) => {
    const result = openssl(['x509', '-in', path('cert.pem'), '-noout', '-text']);
    if (!result.ok) throw new Error(result.output);
    return result.output;
  });
}

/** openssl's own consistency check of a private key. */
export function opensslKeyCheck(keyPem: string): { ok: boolean; output: string } {
  return withFiles({ 'key.pem': keyPem }, (path) => openssl(['pkey', '-in', path('key.pem'), '-noout', '-check']));
}
