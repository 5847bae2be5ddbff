/** The simulator (src/sandbox) as the benchmarks run it: started, seeded, and asked through its API. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildGroup, ROOT } from './processes.ts';

export interface Simulator {
  url: string;
  token: string;
  pid: number;
}

/** The simulator's ready line (src/sandbox/main.ts), in part. */
export interface SandboxReady {
  url: string;
  pods: number;
  startupMs: number;
}

/**
 * `npm run sandbox -- <options> --port 0 --kubeconfig <kubeconfig> --token <random>`, run as the node command that
 * script names, so that the process measured is the simulator and not npm; once it has printed its ready line.
 */
export async function startSimulator(
  children: ChildGroup,
  options: string[],
  kubeconfig: string,
  readyTimeoutMs: number,
): Promise<{ simulator: Simulator; ready: SandboxReady }> {
  const token = `bench-${process.pid}-${Date.now()}`;
  const child = children.start(
    ...sandboxCommand([...options, '--port', '0', '--kubeconfig', kubeconfig, '--token', token]),
    {},
  );
  const ready = JSON.parse((await child.waitFor(/^\{"event":"sandbox\.ready".*$/m, readyTimeoutMs))[0]) as SandboxReady;
  return { simulator: { url: ready.url, token, pid: child.pid }, ready };
}

/** A request to the simulator with its token; the JSON answer, or an error with the status and the body's start. */
export async function simulatorJson<T = unknown>(
  simulator: Simulator,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetch(`${simulator.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${simulator.token}`,
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${options.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** A seed (`--seed`) of the namespace and `nodes` Ready worker nodes of 110 pods each, as kind's nodes report themselves. */
export function seedObjects(namespace: string, nodes: number): unknown[] {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const workers = Array.from({ length: nodes }, (_, i) => {
    const name = `bench-worker-${i + 1}`;
    const resources = { cpu: '8', memory: '32874328Ki', pods: '110', 'ephemeral-storage': '102626232Ki' };
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
        creationTimestamp: now,
      },
      spec: { podCIDR: `10.244.${i + 1}.0/24` },
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
        addresses: [
          { type: 'InternalIP', address: `172.18.0.${i + 2}` },
          { type: 'Hostname', address: name },
        ],
        nodeInfo: { kubeletVersion: 'v1.35.0', containerRuntimeVersion: 'containerd://2.1.1' },
      },
    };
  });
  return [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, ...workers];
}

/** `npm run sandbox -- <extra>` as the node command the script names (package.json), so the pid is the simulator's. */
function sandboxCommand(extra: string[]): [string, string[]] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [node, ...argv] = pkg.scripts.sandbox.split(/\s+/);
  if (node !== 'node') throw new Error(`unexpected sandbox script: ${pkg.scripts.sandbox}`);
  return [process.execPath, [...argv, ...extra]];
}
