// SIMULATOR: the "cloud" behind the simulated infrastructure provider — its clusters (loopback endpoints) and machines
// (bootstrap data booted in a sandbox whose `k8s`/`snap` calls the node agent serves). State lives in this process.
import { randomBytes } from 'node:crypto';
import { bootNode, instanceData, NodeBootError } from '@capi-ck8s/cloudinit';
import { type NodeCommand, parseStubCall } from './node-agent/commands';
import { agentSettingsPath, NodeAgentServer, nodeAgentHook, type StubAnswer, type StubCall } from './node-agent/server';
import { type Endpoint, K8sdSimulators, MachineNode, NodeCommandError, SimulatedWorkloadCluster } from './workload';

export type BootState =
  | { phase: 'booting' }
  | { phase: 'booted'; address: string | undefined; durationMs: number }
  | { phase: 'failed'; message: string }
  /** Provisioned by an earlier run of the simulator, whose nodes ended with it. */
  | { phase: 'lost' };

export interface MachineBoot {
  /** namespace/name of the SimMachine. */
  key: string;
  clusterKey: string;
  machineName: string;
  providerID: string;
  userData: string;
  kubernetesVersion: string | undefined;
}

interface SimulatedMachine {
  boot: MachineBoot;
  token: string;
  node: MachineNode;
  state: BootState;
  settled: Promise<void>;
}

export interface SimulatedCloudOptions {
  /** Default 180 s: a bootstrap starts a control plane. */
  bootTimeoutMs?: number;
}

const FAILURE_TAIL_LINES = 25;

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-FAILURE_TAIL_LINES).join('\n');
}

function ok(stdout = ''): StubAnswer {
  return { exitCode: 0, stdout, stderr: '' };
}

export class SimulatedCloud {
  private readonly clusters = new Map<string, SimulatedWorkloadCluster>();
  private readonly machines = new Map<string, SimulatedMachine>();
  private readonly machinesByToken = new Map<string, SimulatedMachine>();
  private readonly simulators = new K8sdSimulators();
  private readonly bootListeners: ((key: string) => void)[] = [];
  private agent!: NodeAgentServer;

  private constructor(private readonly options: SimulatedCloudOptions) {}

  static async start(options: SimulatedCloudOptions = {}): Promise<SimulatedCloud> {
    const cloud = new SimulatedCloud(options);
    cloud.agent = await NodeAgentServer.start((call) => cloud.serve(call));
    return cloud;
  }

  /** `listener` hears the key of every machine whose boot ends. */
  onBootSettled(listener: (key: string) => void): void {
    this.bootListeners.push(listener);
  }

  cluster(key: string): SimulatedWorkloadCluster | undefined {
    return this.clusters.get(key);
  }

  /** Registers a cluster's endpoint (idempotent; the endpoint of a known cluster never changes). */
  ensureCluster(key: string, endpoint: Endpoint): SimulatedWorkloadCluster {
    let cluster = this.clusters.get(key);
    if (!cluster) {
      cluster = new SimulatedWorkloadCluster(key, endpoint, this.simulators);
      this.clusters.set(key, cluster);
    }
    return cluster;
  }

  machineState(key: string): BootState | undefined {
    return this.machines.get(key)?.state;
  }

  machineNode(key: string): MachineNode | undefined {
    return this.machines.get(key)?.node;
  }

  /** Boots a machine once; later calls for the same key do nothing. */
  boot(boot: MachineBoot): void {
    if (this.machines.has(boot.key)) return;
    const token = randomBytes(16).toString('hex');
    const machine: SimulatedMachine = {
      boot,
      token,
      node: new MachineNode(boot.machineName, boot.providerID, boot.kubernetesVersion),
      state: { phase: 'booting' },
      settled: Promise.resolve(),
    };
    this.machines.set(boot.key, machine);
    this.machinesByToken.set(token, machine);
    machine.settled = this.run(machine).finally(() => {
      for (const listener of this.bootListeners) listener(boot.key);
    });
  }

  private async run(machine: SimulatedMachine): Promise<void> {
    const started = performance.now();
    try {
      const result = await bootNode({
        userData: machine.boot.userData,
        instanceData: instanceData(machine.boot.machineName),
        hooks: { k8s: nodeAgentHook(), snap: nodeAgentHook() },
        initialFiles: { [agentSettingsPath]: JSON.stringify({ url: this.agent.url, token: machine.token, timeoutSeconds: 170 }) },
        shareNetwork: true,
        timeoutMs: this.options.bootTimeoutMs ?? 180_000,
      });
      // Like cloud-init, the runner carries on past a failed phase and reports it; for the machine it is a failed boot.
      const failed = Object.entries(result.phaseExitCodes).filter(([, code]) => code !== 0);
      if (failed.length > 0) {
        const phases = failed.map(([phase, code]) => `${phase} exited with ${String(code)}`).join(', ');
        machine.state = { phase: 'failed', message: tail(`${result.output}\n${phases}`) };
        return;
      }
      machine.state = { phase: 'booted', address: machine.node.address, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const text = error instanceof NodeBootError ? error.message : String(error);
      machine.state = { phase: 'failed', message: tail(text) };
    }
  }

  /** The machine is deleted: its boot is waited for, then its node stops. */
  async deleteMachine(key: string): Promise<void> {
    const machine = this.machines.get(key);
    if (!machine) return;
    await machine.settled;
    await this.clusters.get(machine.boot.clusterKey)?.stopNode(machine.node);
    this.machines.delete(key);
    this.machinesByToken.delete(machine.token);
  }

  async deleteCluster(key: string): Promise<void> {
    for (const [machineKey, machine] of this.machines) {
      if (machine.boot.clusterKey === key) await this.deleteMachine(machineKey);
    }
    await this.clusters.get(key)?.stop();
    this.clusters.delete(key);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.machines.values()].map((machine) => machine.settled));
    for (const key of [...this.clusters.keys()]) await this.deleteCluster(key);
    await this.agent.stop();
    await this.simulators.stop();
  }

  private async serve(call: StubCall): Promise<StubAnswer> {
    const machine = this.machinesByToken.get(call.token);
    if (!machine) return { exitCode: 1, stdout: '', stderr: 'simulated node agent: unknown machine\n' };
    try {
      return await this.perform(machine, parseStubCall(call.program, call.args), call);
    } catch (error) {
      if (error instanceof NodeCommandError) return { exitCode: 1, stdout: '', stderr: `Error: ${error.message}\n` };
      throw error;
    }
  }

  private clusterOf(machine: SimulatedMachine): SimulatedWorkloadCluster {
    const cluster = this.clusters.get(machine.boot.clusterKey);
    if (!cluster) throw new NodeCommandError(`the machine's cluster ${machine.boot.clusterKey} has no simulated infrastructure`);
    return cluster;
  }

  private fileOf(call: StubCall, path: string | undefined): string {
    const content = path === undefined ? undefined : call.files.get(path);
    if (content === undefined) throw new NodeCommandError(`${path ?? '--file'}: no such file on the node`);
    return content.toString('utf8');
  }

  private async perform(machine: SimulatedMachine, command: NodeCommand, call: StubCall): Promise<StubAnswer> {
    const node = machine.node;
    switch (command.kind) {
      case 'bootstrap':
        return ok(
          await this.clusterOf(machine).bootstrap(node, {
            name: command.name ?? call.hostname,
            address: command.address,
            configText: this.fileOf(call, command.configFile),
          }),
        );
      case 'join-cluster':
        return ok(await this.clusterOf(machine).join(node, { name: command.name ?? call.hostname, token: command.token }));
      case 'set-auth-token':
        this.clusterOf(machine).setAuthToken(command.token);
        return ok();
      case 'set-node-token':
        if (!node.k8sd) throw new NodeCommandError('set-node-token: the node is not part of a cluster');
        node.k8sd.nodeToken = command.token;
        return ok();
      case 'kubectl':
        return this.clusterOf(machine).kubectl(command.args, call.files, call.stdin);
      case 'version':
        return ok(`${node.version}\n`);
      default:
        return this.performSnap(node, command);
    }
  }

  private performSnap(node: MachineNode, command: NodeCommand): StubAnswer {
    switch (command.kind) {
      case 'snap-install':
        node.snaps.set(command.snap, command.source);
        return ok(`${command.snap} installed (simulated)\n`);
      case 'snap-list':
        return node.snaps.has(command.snap)
          ? ok(`Name  Version\n${command.snap}  ${command.snap === 'k8s' ? node.version : 'simulated'}\n`)
          : { exitCode: 1, stdout: '', stderr: `error: no matching snaps installed\n` };
      case 'snap-accepted':
        return ok();
      case 'unsupported':
        return { exitCode: 1, stdout: '', stderr: `simulated node agent: ${command.reason}\n` };
      default:
        return { exitCode: 1, stdout: '', stderr: `simulated node agent: ${command.kind} is not a snap command\n` };
    }
  }
}
