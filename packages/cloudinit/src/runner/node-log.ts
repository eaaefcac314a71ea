// Reads the log the sandboxed node writes: NUL-terminated fields, one record after another.
//   step  <phase> <index>                   a bootcmd/runcmd entry is about to run
//   exec  <pid> <program> <argc> <args...>  a stub started
//   exit  <pid> <exit code>                 that stub finished
//   phase <phase> <exit code>               a cloud-init phase (bootcmd, write_files, runcmd) finished

export type BootPhase = 'bootcmd' | 'write_files' | 'runcmd';

export interface StubInvocation {
  readonly kind: 'invocation';
  readonly program: string;
  readonly args: readonly string[];
  /** Undefined when the stub never finished (the sandbox was killed). */
  readonly exitCode: number | undefined;
}

export interface CommandStep {
  readonly kind: 'command';
  readonly phase: 'bootcmd' | 'runcmd';
  readonly index: number;
  /** The entry as cloud-init ran it (a list entry is shown joined by spaces). */
  readonly command: string;
}

export type NodeEvent = CommandStep | StubInvocation;

export interface ParsedNodeLog {
  readonly events: readonly NodeEvent[];
  readonly phaseExitCodes: Readonly<Partial<Record<BootPhase, number>>>;
}

export type CommandLists = Readonly<Record<'bootcmd' | 'runcmd', readonly unknown[]>>;

function describeCommand(entry: unknown): string {
  if (Array.isArray(entry)) return entry.map(String).join(' ');
  return String(entry);
}

class FieldReader {
  private position = 0;
  constructor(private readonly fields: readonly string[]) {}
  get done(): boolean {
    return this.position >= this.fields.length;
  }
  next(): string {
    const field = this.fields[this.position++];
    if (field === undefined) throw new Error('node log: record cut short');
    return field;
  }
}

export function parseNodeLog(log: Buffer, commands: CommandLists): ParsedNodeLog {
  const text = log.toString('utf8');
  const reader = new FieldReader(text.length === 0 ? [] : text.slice(0, -1).split('\0'));
  const events: NodeEvent[] = [];
  const running = new Map<string, { index: number; invocation: StubInvocation }>();
  const phaseExitCodes: Partial<Record<BootPhase, number>> = {};
  while (!reader.done) {
    const kind = reader.next();
    switch (kind) {
      case 'step': {
        const phase = reader.next() as 'bootcmd' | 'runcmd';
        const index = Number(reader.next());
        events.push({ kind: 'command', phase, index, command: describeCommand(commands[phase][index]) });
        break;
      }
      case 'exec': {
        const pid = reader.next();
        const program = reader.next();
        const args = Array.from({ length: Number(reader.next()) }, () => reader.next());
        const invocation: StubInvocation = { kind: 'invocation', program, args, exitCode: undefined };
        running.set(pid, { index: events.length, invocation });
        events.push(invocation);
        break;
      }
      case 'exit': {
        const pid = reader.next();
        const exitCode = Number(reader.next());
        const started = running.get(pid);
        if (started) {
          events[started.index] = { ...started.invocation, exitCode };
          running.delete(pid);
        }
        break;
      }
      case 'phase': {
        const phase = reader.next() as BootPhase;
        phaseExitCodes[phase] = Number(reader.next());
        break;
      }
      default:
        throw new Error(`node log: unknown record kind ${JSON.stringify(kind)}`);
    }
  }
  return { events, phaseExitCodes };
}
