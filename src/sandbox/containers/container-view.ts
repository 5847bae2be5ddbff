import type { KubeContainer, KubeEnvVar, KubePod } from '../../common/kube/kube-objects.js';
import { containerSpec } from './pod-containers.js';

/**
 * What a process exec'd into a simulated container sees: its environment and a small read-only file system built
 * from the pod. Nothing here touches the host.
 */

/** The programs of the simulated image, all in /bin (the sandbox shell implements each of them). */
export const BINARIES: readonly string[] = [
  'bash',
  'cat',
  'clear',
  'echo',
  'env',
  'false',
  'hostname',
  'id',
  'ls',
  'printf',
  'pwd',
  'sh',
  'size',
  'sleep',
  'true',
  'uname',
  'whoami',
  'yes',
];

/** $PATH of the image; a program is found through any of these directories. */
export const PATH_DIRS: readonly string[] = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
];

export const KERNEL_RELEASE = '6.6.0-podapi-sandbox';

export type FsNode = { kind: 'file'; content: string } | { kind: 'dir' } | { kind: 'program'; name: string };

/** A read-only tree of files. */
export class SimulatedFs {
  private readonly nodes = new Map<string, FsNode>([['/', { kind: 'dir' }]]);

  addFile(path: string, content: string): this {
    this.addParents(path);
    this.nodes.set(path, { kind: 'file', content });
    return this;
  }

  addDir(path: string): this {
    this.addParents(path);
    this.nodes.set(path, { kind: 'dir' });
    return this;
  }

  addProgram(path: string, name: string): this {
    this.addParents(path);
    this.nodes.set(path, { kind: 'program', name });
    return this;
  }

  lookup(path: string): FsNode | undefined {
    return this.nodes.get(normalizePath(path, '/'));
  }

  /** Names directly inside a directory, sorted; undefined when it is not a directory. */
  list(dir: string): string[] | undefined {
    const path = normalizePath(dir, '/');
    if (this.nodes.get(path)?.kind !== 'dir') return undefined;
    const prefix = path === '/' ? '/' : `${path}/`;
    const names: string[] = [];
    for (const key of this.nodes.keys()) {
      if (key !== path && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) {
        names.push(key.slice(prefix.length));
      }
    }
    return names.sort();
  }

  private addParents(path: string): void {
    const segments = path.split('/').filter(Boolean);
    for (let i = 1; i < segments.length; i++) {
      const parent = `/${segments.slice(0, i).join('/')}`;
      if (!this.nodes.has(parent)) this.nodes.set(parent, { kind: 'dir' });
    }
  }
}

/** An absolute path with `.`/`..` resolved, relative paths taken from `cwd`. */
export function normalizePath(path: string, cwd: string): string {
  const segments: string[] = [];
  for (const segment of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

export interface ContainerView {
  hostname: string;
  /** The process environment at exec, in the order `env` prints it. */
  env: [string, string][];
  fs: SimulatedFs;
  tty: boolean;
}

const SERVICE_HOST = '10.96.0.1';
const CLUSTER_DNS = '10.96.0.10';

/**
 * The view from inside `container` of `pod`: environment as the kubelet and containerd set it up (PATH, HOSTNAME,
 * TERM for a TTY, the container's `env`, the service links of the `kubernetes` service, HOME), and files such as
 * /etc/hostname, /etc/hosts, /etc/resolv.conf, /etc/os-release, /proc/version and the service account namespace.
 */
export function containerView(pod: KubePod, container: string, tty: boolean): ContainerView {
  const podName = pod.metadata.name ?? '';
  const namespace = pod.metadata.namespace ?? 'default';
  const podIP = pod.status?.podIP ?? '';
  const spec = containerSpec(pod, container);

  const env: [string, string][] = [
    ['PATH', PATH_DIRS.join(':')],
    ['HOSTNAME', podName],
  ];
  if (tty) env.push(['TERM', 'xterm']);
  for (const variable of spec?.env ?? []) {
    const value = envValue(variable, pod);
    if (value !== undefined) env.push([variable.name, value]);
  }
  env.push(
    ['KUBERNETES_SERVICE_HOST', SERVICE_HOST],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', `tcp://${SERVICE_HOST}:443`],
    ['KUBERNETES_PORT_443_TCP', `tcp://${SERVICE_HOST}:443`],
    ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
    ['KUBERNETES_PORT_443_TCP_PORT', '443'],
    ['KUBERNETES_PORT_443_TCP_ADDR', SERVICE_HOST],
    ['HOME', '/root'],
  );

  const fs = new SimulatedFs()
    .addDir('/dev')
    .addFile('/dev/null', '')
    .addDir('/home')
    .addDir('/root')
    .addDir('/tmp')
    .addDir('/usr/bin')
    .addDir('/usr/local/bin')
    .addDir('/sbin')
    .addDir('/var/log')
    .addFile('/etc/hostname', `${podName}\n`)
    .addFile('/etc/hosts', hostsFile(podName, podIP))
    .addFile(
      '/etc/resolv.conf',
      `search ${namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${CLUSTER_DNS}\noptions ndots:5\n`,
    )
    .addFile('/etc/os-release', OS_RELEASE)
    .addFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n')
    .addFile('/proc/version', `Linux version ${KERNEL_RELEASE} (sandbox@podapi.dev) #1 SMP PREEMPT_DYNAMIC\n`)
    .addFile('/var/run/secrets/kubernetes.io/serviceaccount/namespace', namespace);
  const argv = processArgs(spec);
  if (argv.length > 0) fs.addFile('/proc/1/cmdline', `${argv.join('\0')}\0`);
  for (const name of BINARIES) fs.addProgram(`/bin/${name}`, name);
  fs.addProgram('/usr/bin/env', 'env');
  return { hostname: podName, env, fs, tty };
}

const OS_RELEASE = [
  'NAME="Pod API Sandbox"',
  'ID=podapi-sandbox',
  'VERSION_ID=1',
  'PRETTY_NAME="Pod API Sandbox (simulated container)"',
  'HOME_URL="https://podapi.dev/"',
  '',
].join('\n');

/** The kubelet-managed /etc/hosts (pkg/kubelet/kubelet_pods.go `managedHostsFileContent`). */
function hostsFile(podName: string, podIP: string): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (podIP) lines.push(`${podIP}\t${podName}`);
  return `${lines.join('\n')}\n`;
}

/** A literal value, or the downward-API fields a simulator can answer; secrets and config maps are not resolved. */
function envValue(variable: KubeEnvVar, pod: KubePod): string | undefined {
  if (variable.value !== undefined) return variable.value;
  const fieldPath = (variable.valueFrom as { fieldRef?: { fieldPath?: string } } | undefined)?.fieldRef?.fieldPath;
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    default:
      return variable.value === undefined && variable.valueFrom === undefined ? '' : undefined;
  }
}

function processArgs(spec: KubeContainer | undefined): string[] {
  return [...(spec?.command ?? []), ...(spec?.args ?? [])];
}
