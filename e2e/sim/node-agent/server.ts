// SIMULATOR: the HTTP end of the node agent. Hooks in the node sandboxes POST each `k8s`/`snap` call here (see
// hook.py); the answer is the stub's output and exit code.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubCall {
  /** Names the machine: each boot gets its own. */
  token: string;
  program: string;
  args: string[];
  hostname: string;
  /** Node files named by the arguments, by path. */
  files: Map<string, Buffer>;
  stdin: Buffer;
}

export interface StubAnswer {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const hookText = readFileSync(new URL('hook.py', import.meta.url), 'utf8');

/** The executable the node runner plugs into the `k8s` and `snap` stubs. */
export function nodeAgentHook(): string {
  return hookText;
}

/** Where the hook finds the agent: a file placed on the node before it boots. */
export const agentSettingsPath = '/etc/capi-ck8s-sim/node-agent.json';

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Reads a hook's request, naming the field that is wrong. */
export function parseStubRequest(body: string): StubCall {
  const raw = JSON.parse(body) as Record<string, unknown>;
  for (const field of ['token', 'program', 'hostname', 'stdin']) {
    if (typeof raw[field] !== 'string') throw new Error(`stub call: ${field} must be a string`);
  }
  if (!isStringArray(raw['args'])) throw new Error('stub call: args must be a list of strings');
  const files = raw['files'];
  if (typeof files !== 'object' || files === null || !Object.values(files).every((value) => typeof value === 'string')) {
    throw new Error('stub call: files must map paths to base64 text');
  }
  return {
    token: raw['token'] as string,
    program: raw['program'] as string,
    args: raw['args'],
    hostname: raw['hostname'] as string,
    files: new Map(Object.entries(files as Record<string, string>).map(([path, content]) => [path, Buffer.from(content, 'base64')])),
    stdin: Buffer.from(raw['stdin'] as string, 'base64'),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class NodeAgentServer {
  private constructor(private readonly server: Server) {}

  static async start(handle: (call: StubCall) => Promise<StubAnswer>): Promise<NodeAgentServer> {
    const server = createServer((request, response) => {
      void (async () => {
        let answer: StubAnswer;
        try {
          answer = await handle(parseStubRequest(await readBody(request)));
        } catch (error) {
          answer = { exitCode: 1, stdout: '', stderr: `${(error as Error).message}\n` };
        }
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
      })();
    });
    // A bootstrap starts a whole control plane before it answers.
    server.requestTimeout = 0;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new NodeAgentServer(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/calls`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
