import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

const STOP_GRACE_MS = 10_000;

/**
 * A child process that dies with us: `setpriv --pdeathsig KILL` makes the kernel kill it when the process that
 * started it exits for any reason (a crashed or killed jest worker included), so no test run leaks servers.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ManagedProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child) throw new Error(`${this.options.name} is already running`);
    const log = createWriteStream(this.options.logFile, { flags: 'a' });
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', this.options.command, ...this.options.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.options.env ?? process.env,
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.exited = once(child, 'exit').then(() => {
      this.child = undefined;
    });
    this.child = child;
  }

  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines of the process log, for error messages that explain why a start failed. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning()) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; intervalMs?: number; explain?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      const detail = options.explain ? `\n${options.explain()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${description}${reason}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Waits until a started process answers 200 on an HTTP readiness URL; fails at once, with its log, if it exits. */
export async function waitForProcessReady(process: ManagedProcess, readyUrl: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `${process.name} to become ready`,
    async () => {
      if (!process.isRunning()) throw new Error(`${process.name} exited:\n${process.logTail()}`);
      return (await fetch(readyUrl)).ok ? true : undefined;
    },
    { timeoutMs, intervalMs: 100, explain: () => process.logTail() },
  );
}
