import WebSocket from 'ws';
import type { KubeCoreEvent, KubePod, KubeStatus } from '../../src/common/kube/kube-objects.js';
import { FAST_TIMINGS, SandboxServer } from '../../src/sandbox/sandbox-server.js';
import { eventually } from '../helpers/eventually.js';
import { call, newPod, WatchReader } from './sandbox-api-client.js';

jest.setTimeout(30_000);

type List<T> = { items: T[]; metadata: { resourceVersion: string } };

describe('simulated scheduler and kubelet', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
  });
  afterAll(async () => {
    await server.stop();
  });

  const pod = async (name: string) => (await call<KubePod>(server, `/api/v1/namespaces/default/pods/${name}`)).body;
  const create = (body: KubePod) =>
    call<KubePod>(server, `/api/v1/namespaces/${body.metadata.namespace ?? 'default'}/pods`, { method: 'POST', body });
  const reasons = async (name: string) =>
    (
      await call<List<KubeCoreEvent>>(
        server,
        `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${name}`,
      )
    ).body.items.map((event) => event.reason);
  const logs = async (name: string, query = '') =>
    (await call<string>(server, `/api/v1/namespaces/default/pods/${name}/log${query}`)).body;

  it('binds a new pod to a worker, starts it and records the events of its start', async () => {
    await create(newPod('starter'));
    await eventually(async () => {
      const current = await pod('starter');
      expect(current.status?.phase).toBe('Running');
      expect(current.status?.containerStatuses?.[0]).toMatchObject({
        name: 'app',
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: expect.any(String) } },
      });
    });
    const current = await pod('starter');
    expect(current.spec.nodeName).toMatch(/^sandbox-worker-\d$/);
    expect(current.status).toMatchObject({
      podIP: expect.stringMatching(/^10\.244\.\d+\.\d+$/),
      hostIP: expect.any(String),
      qosClass: 'BestEffort',
    });
    expect(current.status?.conditions?.map((condition) => `${condition.type}=${condition.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    await eventually(async () =>
      expect(await reasons('starter')).toEqual(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']),
    );
    expect(await logs('starter')).toContain('nginx/1.27.3');
  });

  it('leaves an unschedulable pod Pending with the scheduler’s reason', async () => {
    await create(newPod('picky', { spec: { nodeSelector: { disktype: 'nvme' } } }));
    await eventually(async () => {
      const condition = (await pod('picky')).status?.conditions?.find((candidate) => candidate.type === 'PodScheduled');
      expect(condition).toMatchObject({
        status: 'False',
        reason: 'Unschedulable',
        message: expect.stringContaining("didn't match Pod's node affinity/selector"),
      });
    });
    await eventually(async () => expect(await reasons('picky')).toEqual(['FailedScheduling']));
  });

  it('runs init containers in order and a sidecar alongside the container', async () => {
    await create({
      ...newPod('initialised'),
      spec: {
        initContainers: [
          { name: 'wait', image: 'busybox:1.37' },
          { name: 'shipper', image: 'fluent/fluent-bit:3.2.2', restartPolicy: 'Always' },
        ],
        containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0' }],
      },
    });
    await eventually(async () => {
      const status = (await pod('initialised')).status;
      expect(status?.phase).toBe('Running');
      expect(status?.initContainerStatuses?.map((container) => Object.keys(container.state ?? {})[0])).toEqual([
        'terminated',
        'running',
      ]);
      expect(status?.containerStatuses?.[0].ready).toBe(true);
    });
  });

  it('crash-loops a container that exits with an error: restarts rise, back-off, previous logs kept', async () => {
    await create(
      newPod('crasher', {
        annotations: {
          'sandbox.podapi.dev/exit-after-ms': '20',
          'sandbox.podapi.dev/exit-code': '3',
          'sandbox.podapi.dev/logs': '["starting","oops"]',
        },
      }),
    );
    await eventually(async () => {
      const status = (await pod('crasher')).status?.containerStatuses?.[0];
      expect(status?.restartCount).toBeGreaterThanOrEqual(2);
      expect(status?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    });
    await eventually(async () =>
      expect((await pod('crasher')).status?.containerStatuses?.[0].state?.waiting?.reason).toBe('CrashLoopBackOff'),
    );
    expect(await logs('crasher', '?previous=true')).toBe('starting\noops\n');
    await eventually(async () => expect(await reasons('crasher')).toContain('BackOff'));
  });

  it('completes a job pod whose container exits 0 under restartPolicy Never', async () => {
    await create(
      newPod('job', {
        spec: { restartPolicy: 'Never' },
        annotations: { 'sandbox.podapi.dev/exit-after-ms': '20' },
        image: 'busybox:1.37',
      }),
    );
    await eventually(async () => {
      const status = (await pod('job')).status;
      expect(status?.phase).toBe('Succeeded');
      expect(status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    });
    expect(await logs('job')).toContain('Done: 3 batches');
  });

  it('restarts a container whose image is changed, with the new image', async () => {
    await create(newPod('upgraded'));
    await eventually(async () => expect((await pod('upgraded')).status?.phase).toBe('Running'));
    await call(server, '/api/v1/namespaces/default/pods/upgraded', {
      method: 'PATCH',
      body: { spec: { containers: [{ name: 'app', image: 'nginx:1.28.0' }] } },
      contentType: 'application/strategic-merge-patch+json',
    });
    await eventually(async () => {
      const status = (await pod('upgraded')).status?.containerStatuses?.[0];
      expect(status).toMatchObject({
        restartCount: 1,
        ready: true,
        image: 'docker.io/library/nginx:1.28.0',
        state: { running: expect.any(Object) },
      });
    });
    await eventually(async () => expect(await reasons('upgraded')).toEqual(expect.arrayContaining(['Killing'])));
    expect(await logs('upgraded', '?previous=true')).toContain('nginx/1.27.3');
  });

  it('reports a pull failure as ErrImagePull then ImagePullBackOff', async () => {
    await create(
      newPod('unpullable', {
        annotations: { 'sandbox.podapi.dev/image-pull': 'fail' },
        image: 'ghcr.io/example/missing:0.0.0',
      }),
    );
    await eventually(async () =>
      expect((await pod('unpullable')).status?.containerStatuses?.[0].state?.waiting?.reason).toBe('ImagePullBackOff'),
    );
    const logsResponse = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/unpullable/log');
    expect(logsResponse.status).toBe(400);
    expect(logsResponse.body.message).toBe(
      'container "app" in pod "unpullable" is waiting to start: trying and failing to pull image',
    );
  });

  it('deletes gracefully: deletionTimestamp and Killing first, then the pod is gone', async () => {
    await create(newPod('graceful'));
    await eventually(async () => expect((await pod('graceful')).status?.phase).toBe('Running'));
    const rv = (await pod('graceful')).metadata.resourceVersion;
    const watch = await WatchReader.open(
      server,
      `/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dgraceful&resourceVersion=${rv}`,
    );
    try {
      const deleted = await call<KubePod>(server, '/api/v1/namespaces/default/pods/graceful', { method: 'DELETE' });
      expect(deleted.body.metadata).toMatchObject({
        deletionTimestamp: expect.any(String),
        deletionGracePeriodSeconds: 30,
      });
      await eventually(() => expect(watch.events.at(-1)?.type).toBe('DELETED'));
      expect(watch.events[0]).toMatchObject({
        type: 'MODIFIED',
        object: { metadata: { deletionTimestamp: expect.any(String) } },
      });
      expect((await call(server, '/api/v1/namespaces/default/pods/graceful')).status).toBe(404);
    } finally {
      watch.close();
    }
  });

  it('force-deletes at once', async () => {
    await create(newPod('forced'));
    await eventually(async () => expect((await pod('forced')).status?.phase).toBe('Running'));
    await call(server, '/api/v1/namespaces/default/pods/forced?gracePeriodSeconds=0', { method: 'DELETE' });
    expect((await call(server, '/api/v1/namespaces/default/pods/forced')).status).toBe(404);
  });

  describe('logs', () => {
    beforeAll(async () => {
      await create(
        newPod('scripted', {
          annotations: { 'sandbox.podapi.dev/logs': '["one","two","three"]', 'sandbox.podapi.dev/log-every-ms': '20' },
        }),
      );
      await create({
        ...newPod('pair'),
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.27.3' },
            { name: 'cache', image: 'redis:7.4.1' },
          ],
        },
      });
      await eventually(async () => expect((await pod('scripted')).status?.phase).toBe('Running'));
    });

    it('writes the scripted lines at start, then one more every interval, cyclically', async () => {
      const text = await eventually(async () => {
        const current = await logs('scripted');
        expect(current.split('\n').length).toBeGreaterThan(6);
        return current;
      });
      expect(text.split('\n').slice(0, 6)).toEqual(['one', 'two', 'three', 'one', 'two', 'three']);
    });

    it('honours tailLines and timestamps', async () => {
      const text = await logs('scripted', '?tailLines=2&timestamps=true');
      expect(text.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (one|two|three)$/),
        expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (one|two|three)$/),
      ]);
    });

    it('follows new lines and releases the stream when the client leaves', async () => {
      const abort = new AbortController();
      const response = await fetch(
        `${server.url}/api/v1/namespaces/default/pods/scripted/log?follow=true&tailLines=0`,
        { headers: { authorization: `Bearer ${server.token}` }, signal: abort.signal },
      );
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toMatch(/^(one|two|three)\n/);
      expect(server.stats().logStreams).toBe(1);
      abort.abort();
      await eventually(() => expect(server.stats().logStreams).toBe(0));
    });

    it('stalls and resumes follow streams on the stallLogs fault', async () => {
      const abort = new AbortController();
      server.faults.stallLogs(true);
      try {
        const response = await fetch(
          `${server.url}/api/v1/namespaces/default/pods/scripted/log?follow=true&tailLines=0`,
          { headers: { authorization: `Bearer ${server.token}` }, signal: abort.signal },
        );
        const reader = response.body!.getReader();
        const first = reader.read();
        const raced = await Promise.race([
          first.then(() => 'line'),
          new Promise((resolve) => setTimeout(() => resolve('stalled'), 200)),
        ]);
        expect(raced).toBe('stalled');
        server.faults.stallLogs(false);
        const { value } = await first;
        expect(new TextDecoder().decode(value)).toMatch(/^(one|two|three)\n/);
      } finally {
        server.faults.clear();
        abort.abort();
      }
    });

    describe('POST /sandbox/logs', () => {
      const burst = (body: unknown, token?: string) =>
        call<{ written: number } & KubeStatus>(server, '/sandbox/logs', { method: 'POST', body, token });

      beforeAll(async () => {
        await create(newPod('burst', { annotations: { 'sandbox.podapi.dev/logs': '["a","b","c"]' } }));
        await create(newPod('unpulled', { annotations: { 'sandbox.podapi.dev/image-pull': 'fail' } }));
        await eventually(async () => expect((await pod('burst')).status?.phase).toBe('Running'));
      });

      it('makes a running container write its next periodic lines at once, after the ones it wrote', async () => {
        const response = await burst({ namespace: 'default', pod: 'burst', lines: 5 });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ written: 5 });
        expect((await logs('burst')).split('\n')).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', '']);
        await burst({ namespace: 'default', pod: 'burst', container: 'app', lines: 2 });
        expect((await logs('burst', '?tailLines=3')).split('\n')).toEqual(['b', 'c', 'a', '']);
      });

      it('writes an image’s own periodic lines for a container without a log script', async () => {
        await eventually(async () => expect((await pod('pair')).status?.phase).toBe('Running'));
        const before = (await logs('pair', '?container=cache')).split('\n').length;
        expect((await burst({ namespace: 'default', pod: 'pair', container: 'cache', lines: 3 })).status).toBe(200);
        const lines = (await logs('pair', '?container=cache')).trimEnd().split('\n');
        expect(lines.length).toBeGreaterThanOrEqual(before - 1 + 3);
        expect(lines.slice(-3)).toEqual(Array(3).fill(expect.stringContaining('changes in 300 seconds. Saving...')));
      });

      it('feeds followers as the kubelet’s own lines do', async () => {
        const abort = new AbortController();
        const response = await fetch(`${server.url}/api/v1/namespaces/default/pods/burst/log?follow=true&tailLines=0`, {
          headers: { authorization: `Bearer ${server.token}` },
          signal: abort.signal,
        });
        const reader = response.body!.getReader();
        await burst({ namespace: 'default', pod: 'burst', lines: 3 });
        let text = '';
        for (let read = await reader.read(); ; read = await reader.read()) {
          text += new TextDecoder().decode(read.value);
          if (read.done || text.split('\n').length > 3) break;
        }
        abort.abort();
        expect(['a\nb\nc\n', 'b\nc\na\n', 'c\na\nb\n']).toContain(text); // the script's lines, in turn
      });

      it.each([
        ['a pod that does not exist', { namespace: 'default', pod: 'nope', lines: 1 }, 404, 'pods "nope" not found'],
        [
          'an unknown container',
          { namespace: 'default', pod: 'burst', container: 'db', lines: 1 },
          400,
          'container db is not valid for pod burst',
        ],
        [
          'a container that is not running',
          { namespace: 'default', pod: 'unpulled', lines: 1 },
          409,
          'container "app" in pod "unpulled" is not running',
        ],
        [
          'more lines than an instance keeps',
          { namespace: 'default', pod: 'burst', lines: 1001 },
          400,
          'lines must be an integer from 1 to 1000 (the lines kept per container instance)',
        ],
        ['no line count', { namespace: 'default', pod: 'burst' }, 400, 'lines must be an integer from 1 to 1000'],
        ['no pod', { namespace: 'default', lines: 1 }, 400, 'namespace and pod must be names'],
      ])('refuses %s', async (_case, body, status, message) => {
        const response = await burst(body);
        expect(response.status).toBe(status);
        expect(response.body).toMatchObject({
          kind: 'Status',
          code: status,
          message: expect.stringContaining(message),
        });
      });

      it('refuses the read-only token', async () => {
        const response = await burst({ namespace: 'default', pod: 'burst', lines: 1 }, server.readOnlyToken);
        expect(response.status).toBe(403);
        expect(response.body.message).toContain('User "sandbox-viewer" cannot create resource "logs"');
      });
    });

    it.each([
      [
        'no container for a pod with two',
        'pair',
        '',
        'a container name must be specified for pod pair, choose one of: [web cache]',
      ],
      ['an unknown container', 'pair', '?container=db', 'container db is not valid for pod pair'],
      [
        '--previous without a previous instance',
        'scripted',
        '?previous=true',
        'previous terminated container "app" in pod "scripted" not found',
      ],
    ])('answers 400 with Kubernetes’ text for %s', async (_case, name, query, message) => {
      await eventually(async () => expect((await pod(name)).status?.phase).toBe('Running'));
      const response = await call<KubeStatus>(server, `/api/v1/namespaces/default/pods/${name}/log${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message });
    });
  });

  describe('exec over WebSocket', () => {
    beforeAll(async () => {
      await create(newPod('shell'));
      await eventually(async () => expect((await pod('shell')).status?.phase).toBe('Running'));
    });

    function exec(
      query: string,
      protocol = 'v5.channel.k8s.io',
      token = server.token,
    ): Promise<{ channels: Map<number, string>; protocol: string; closeCode: number }> {
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(
          `${server.url.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/shell/exec?${query}`,
          [protocol],
          { headers: { authorization: `Bearer ${token}` } },
        );
        const channels = new Map<number, string>();
        socket.on('message', (data: Buffer) =>
          channels.set(data[0], (channels.get(data[0]) ?? '') + data.subarray(1).toString('utf8')),
        );
        socket.on('close', (code) => resolve({ channels, protocol: socket.protocol, closeCode: code }));
        socket.on('unexpected-response', (_request, response) =>
          reject(new Error(`handshake answered ${response.statusCode}`)),
        );
        socket.on('error', reject);
      });
    }

    it('runs a command and ends with a Success status on channel 3', async () => {
      const result = await exec('command=echo&command=hi&stdout=true&stderr=true');
      expect(result.protocol).toBe('v5.channel.k8s.io');
      expect(result.channels.get(1)).toBe('hi\n');
      expect(JSON.parse(result.channels.get(3) ?? '{}')).toMatchObject({ status: 'Success' });
      expect(result.closeCode).toBe(1000);
    });

    it('reports a non-zero exit code as NonZeroExitCode with an ExitCode cause', async () => {
      const result = await exec('command=sh&command=-c&command=exit%205&stdout=true&stderr=true');
      expect(JSON.parse(result.channels.get(3) ?? '{}')).toMatchObject({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '5' }] },
      });
    });

    it('refuses the handshake for the read-only token', async () => {
      await expect(exec('command=true&stdout=true', 'v5.channel.k8s.io', server.readOnlyToken)).rejects.toThrow(
        'handshake answered 403',
      );
    });

    it('counts an open session in the stats and releases it when the client leaves', async () => {
      const socket = new WebSocket(
        `${server.url.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/shell/exec?command=sh&stdin=true&stdout=true&stderr=true`,
        ['v5.channel.k8s.io'],
        {
          headers: { authorization: `Bearer ${server.token}` },
        },
      );
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      await eventually(async () =>
        expect((await call<{ execSessions: number }>(server, '/sandbox/stats')).body.execSessions).toBe(1),
      );
      socket.terminate();
      await eventually(() => expect(server.stats().execSessions).toBe(0));
    });

    it('kills the session with 137 when the pod is deleted', async () => {
      await create(newPod('short-lived'));
      await eventually(async () => expect((await pod('short-lived')).status?.phase).toBe('Running'));
      const channels = new Map<number, string>();
      const socket = new WebSocket(
        `${server.url.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/short-lived/exec?command=sh&stdin=true&stdout=true`,
        ['v5.channel.k8s.io'],
        {
          headers: { authorization: `Bearer ${server.token}` },
        },
      );
      socket.on('message', (data: Buffer) =>
        channels.set(data[0], (channels.get(data[0]) ?? '') + data.subarray(1).toString('utf8')),
      );
      const closed = new Promise((resolve) => socket.once('close', resolve));
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      await call(server, '/api/v1/namespaces/default/pods/short-lived?gracePeriodSeconds=0', { method: 'DELETE' });
      await closed;
      expect(JSON.parse(channels.get(3) ?? '{}')).toMatchObject({
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '137' }] },
      });
    });

    it('speaks v4.channel.k8s.io when that is all the client offers', async () => {
      const result = await exec('command=echo&command=v4&stdout=true', 'v4.channel.k8s.io');
      expect(result.protocol).toBe('v4.channel.k8s.io');
      expect(result.channels.get(1)).toBe('v4\n');
    });
  });
});

describe('a simulator that keeps more log lines per container instance', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS, logLinesPerInstance: 5000 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('keeps that many lines, and writes as many at once through /sandbox/logs', async () => {
    const lines = Array.from({ length: 10 }, (_, index) => `line ${index}`);
    await call(server, '/api/v1/namespaces/default/pods', {
      method: 'POST',
      body: newPod('long', { annotations: { 'sandbox.podapi.dev/logs': JSON.stringify(lines) } }),
    });
    await eventually(async () =>
      expect((await call<KubePod>(server, '/api/v1/namespaces/default/pods/long')).body.status?.phase).toBe('Running'),
    );
    const response = await call(server, '/sandbox/logs', {
      method: 'POST',
      body: { namespace: 'default', pod: 'long', lines: 4990 },
    });
    expect(response.status).toBe(200);
    const log = (await call<string>(server, '/api/v1/namespaces/default/pods/long/log')).body.trimEnd().split('\n');
    expect(log).toHaveLength(5000);
    expect(log.slice(0, 12)).toEqual([...lines, 'line 0', 'line 1']);
    expect(log.at(-1)).toBe('line 9');
    expect(
      (
        await call(server, '/sandbox/logs', {
          method: 'POST',
          body: { namespace: 'default', pod: 'long', lines: 5001 },
        })
      ).status,
    ).toBe(400);
  });
});
