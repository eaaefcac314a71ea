import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { createTestNamespace, deleteTestNamespace, sharedEnvironment, waitFor } from '@capi-ck8s/testenv';

const FIXTURE = fileURLToPath(new URL('../testing/leader-fixture.ts', import.meta.url));

interface Line {
  event: 'started' | 'leading' | 'reconcile';
  identity: string;
  at: number;
  object?: string;
  leader?: boolean;
}

interface Candidate {
  identity: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

describe('leader election with three processes', () => {
  const env = sharedEnvironment();
  const kubeConfig = env.kubeConfig();
  const lines: Line[] = [];
  const candidates: Candidate[] = [];
  let namespace: string;
  const logDir = mkdtempSync(join(tmpdir(), 'runtime-leader-'));

  beforeAll(async () => {
    namespace = await createTestNamespace(kubeConfig, 'runtime-leader');
  });

  afterAll(async () => {
    for (const candidate of candidates) candidate.child.kill('SIGKILL');
    await deleteTestNamespace(kubeConfig, namespace);
    rmSync(logDir, { recursive: true, force: true });
  });

  function launch(identity: string): Candidate {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: { ...process.env, KUBECONFIG: env.kubeconfigPath, NAMESPACE: namespace, IDENTITY: identity },
      stdio: ['ignore', 'pipe', openSync(join(logDir, `${identity}.log`), 'a')],
    });
    createInterface({ input: child.stdout! }).on('line', (text) => lines.push(JSON.parse(text) as Line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const candidate = { identity, child, exited };
    candidates.push(candidate);
    return candidate;
  }

  const leaders = () => lines.filter((line) => line.event === 'leading').map((line) => line.identity);
  const logs = () => readdirSync(logDir).map((file) => `--- ${file}\n${readFileSync(join(logDir, file), 'utf8').slice(-3000)}`).join('\n');
  const waitForLeaders = (count: number, timeoutMs: number) =>
    waitFor(`${count} leadership acquisitions`, () => (leaders().length >= count ? lines.filter((l) => l.event === 'leading')[count - 1] : undefined), {
      timeoutMs,
      intervalMs: 50,
      explain: logs,
    });

  async function holder(): Promise<string | undefined> {
    const lease = await kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'leader-fixture-leader-election', namespace });
    return lease.spec?.holderIdentity;
  }

  it('lets exactly one process reconcile; a killed leader is replaced after the lease expires, a stopped one at once', async () => {
    for (const identity of ['candidate-a', 'candidate-b', 'candidate-c']) launch(identity);
    const first = await waitForLeaders(1, 60_000);
    // Give the others several retry periods to (wrongly) take over too.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(leaders()).toEqual([first.identity]);
    expect(await holder()).toBe(first.identity);

    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'work-1' } } });
    await waitFor('a reconcile of work-1', () => lines.find((line) => line.event === 'reconcile' && line.object === 'work-1'), { timeoutMs: 20_000 });

    const killedAt = Date.now();
    candidates.find((candidate) => candidate.identity === first.identity)!.child.kill('SIGKILL');
    const second = await waitForLeaders(2, 40_000);
    const takeoverAfterKillMs = second.at - killedAt;
    process.stdout.write(`leader takeover after kill -9: ${takeoverAfterKillMs} ms\n`);
    // The lease is 15 s from the last renewal the others observed; they poll every 2–4.4 s.
    expect(takeoverAfterKillMs).toBeLessThan(15_000 + 2 * 4_400);
    expect(second.identity).not.toBe(first.identity);

    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'work-2' } } });
    await waitFor('a reconcile of work-2', () => lines.find((line) => line.event === 'reconcile' && line.object === 'work-2'), { timeoutMs: 20_000 });

    const secondProcess = candidates.find((candidate) => candidate.identity === second.identity)!;
    const stoppedAt = Date.now();
    secondProcess.child.kill('SIGTERM');
    expect(await secondProcess.exited).toBe(0);
    const third = await waitForLeaders(3, 20_000);
    const takeoverAfterStopMs = third.at - stoppedAt;
    process.stdout.write(`leader takeover after clean shutdown: ${takeoverAfterStopMs} ms\n`);
    // Released at once: the last candidate only has to notice at its next retry (≤ 2.2 × 2 s).
    expect(takeoverAfterStopMs).toBeLessThan(6_000);
    expect(new Set([first.identity, second.identity, third.identity]).size).toBe(3);

    // Every reconcile ran on the process that led at that moment.
    const acquisitions = lines.filter((line) => line.event === 'leading');
    for (const reconcile of lines.filter((line) => line.event === 'reconcile')) {
      const leaderThen = acquisitions.filter((acquisition) => acquisition.at <= reconcile.at).at(-1);
      expect({ object: reconcile.object, ranOn: reconcile.identity }).toEqual({ object: reconcile.object, ranOn: leaderThen?.identity });
      expect(reconcile.leader).toBe(true);
    }
  }, 150_000);
});
