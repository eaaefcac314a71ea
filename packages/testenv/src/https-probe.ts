import { request } from 'node:https';
import type { CertificateAndKey } from '@capi-ck8s/pki';

export interface HttpsProbeResult {
  status: number;
  body: string;
}

/** One GET over TLS with the given trust and client identity; resolves with whatever the server answered. */
export async function httpsGet(url: string, caPem: string, client?: CertificateAndKey): Promise<HttpsProbeResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', ca: caPem, cert: client?.certPem, key: client?.keyPem, timeout: 5_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
