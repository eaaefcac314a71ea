import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { Clock, Timer } from '../clock';

export interface ServingCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertWatcherOptions {
  certDir: string;
  certName?: string;
  keyName?: string;
  clock: Clock;
  logger: Logger;
  /** controller-runtime polls every 10 s besides reacting to file events (Secret volumes swap a symlink). */
  pollIntervalMs?: number;
  onRead?: (ok: boolean) => void;
}

/**
 * Keeps the serving certificate in step with files in a directory. Mounted Secrets are updated by swapping a
 * `..data` symlink, which some file watchers miss, so it also polls; a pair that does not load (e.g. the key was
 * written but not yet the certificate) is ignored until the next change.
 */
export class CertWatcher {
  private current: ServingCertificate | undefined;
  private watcher: FSWatcher | undefined;
  private poll: Timer | undefined;
  private readonly listeners: ((certificate: ServingCertificate) => void)[] = [];
  private reading: Promise<void> | undefined;

  constructor(private readonly options: CertWatcherOptions) {}

  /** Reads the pair once (throwing if it is unusable) and starts watching for changes. */
  async start(): Promise<ServingCertificate> {
    const first = await this.readPair();
    this.current = first;
    this.watcher = watch(this.options.certDir, () => void this.refresh());
    this.watcher.on('error', (error) => this.options.logger.warn({ err: error }, 'certificate directory watch failed; polling only'));
    this.schedulePoll();
    return first;
  }

  onChange(listener: (certificate: ServingCertificate) => void): void {
    this.listeners.push(listener);
  }

  stop(): void {
    this.watcher?.close();
    this.poll?.cancel();
  }

  /** Re-reads the files now; resolves after listeners have seen a change, if there was one. */
  refresh(): Promise<void> {
    this.reading ??= this.reread().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private schedulePoll(): void {
    this.poll = this.options.clock.setTimer(() => {
      void this.refresh();
      this.schedulePoll();
    }, this.options.pollIntervalMs ?? 10_000);
  }

  private async reread(): Promise<void> {
    let next: ServingCertificate;
    try {
      next = await this.readPair();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'serving certificate not reloaded');
      return;
    }
    if (next.certPem === this.current?.certPem && next.keyPem === this.current.keyPem) return;
    this.current = next;
    this.options.logger.info({ certDir: this.options.certDir }, 'serving certificate reloaded');
    for (const listener of this.listeners) listener(next);
  }

  private async readPair(): Promise<ServingCertificate> {
    const { certDir, certName = 'tls.crt', keyName = 'tls.key', onRead } = this.options;
    try {
      const [certPem, keyPem] = await Promise.all([readFile(join(certDir, certName), 'utf8'), readFile(join(certDir, keyName), 'utf8')]);
      // Throws when the key does not match the certificate or either is malformed.
      createSecureContext({ cert: certPem, key: keyPem });
      onRead?.(true);
      return { certPem, keyPem };
    } catch (error) {
      onRead?.(false);
      throw error;
    }
  }
}
