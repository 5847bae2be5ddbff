import type { KubePod, KubeStatus } from '../../src/common/kube/kube-objects.js';
import { FAST_TIMINGS, SandboxServer } from '../../src/sandbox/sandbox-server.js';
import { eventually } from '../helpers/eventually.js';
import { call, newPod, WatchReader } from './sandbox-api-client.js';

jest.setTimeout(60_000);

type PodList = { metadata: { resourceVersion: string }; items: KubePod[] };
type WatchEvent = WatchReader['events'][number];

const WATCH_LIST = 'watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true';
const PODS = '/api/v1/namespaces/default/pods';
const INITIAL_EVENTS_END = { 'k8s.io/initial-events-end': 'true' };

const keyOf = (object: WatchEvent['object'] | KubePod) => {
  const metadata = object.metadata as { namespace?: string; name?: string };
  return `${metadata.namespace}/${metadata.name}`;
};
const versionOf = (object: WatchEvent['object']) => Number(object.metadata?.resourceVersion);
const isEndOfInitialEvents = (event: WatchEvent) =>
  event.type === 'BOOKMARK' &&
  (event.object.metadata as { annotations?: Record<string, string> }).annotations?.['k8s.io/initial-events-end'] ===
    'true';

/** The initial events of a watch-list and what follows its closing bookmark. */
function split(watch: WatchReader): { initial: WatchEvent[]; end: WatchEvent; after: WatchEvent[] } {
  const end = watch.events.findIndex(isEndOfInitialEvents);
  return { initial: watch.events.slice(0, end), end: watch.events[end], after: watch.events.slice(end + 1) };
}

/** The objects a watch's events add up to, from its initial events through the change at `upTo`. */
function replay(events: WatchEvent[], upTo: number): Map<string, WatchEvent['object']> {
  const state = new Map<string, WatchEvent['object']>();
  for (const event of events) {
    if (event.type === 'BOOKMARK' || versionOf(event.object) > upTo) continue;
    if (event.type === 'DELETED') state.delete(keyOf(event.object));
    else state.set(keyOf(event.object), event.object);
  }
  return state;
}

function invalid(...causes: { field: string; reason: string; message: string }[]): KubeStatus {
  const texts = causes.map((cause) => `${cause.field}: ${cause.message}`);
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `ListOptions.meta.k8s.io "" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`,
    reason: 'Invalid',
    details: { group: 'meta.k8s.io', kind: 'ListOptions', causes },
    code: 422,
  };
}

const forbidden = (field: string, detail: string) => ({
  field,
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${detail}`,
});

describe('the streaming list (KEP-3157 watch-list)', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', timings: { ...FAST_TIMINGS, bookmarkMs: 100 } });
    for (const name of ['b-pod', 'a-pod', 'c-pod'])
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod(name, { labels: { set: 'listed' }, spec: { nodeName: 'kubelet-gone-1' } }),
      });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('sends the state as one LIST of the same snapshot would, then the bookmark ending it, then later changes', async () => {
    const watch = await WatchReader.open(
      server,
      `/api/v1/namespaces/default/pods?${WATCH_LIST}&resourceVersion=&labelSelector=set%3Dlisted`,
    );
    try {
      expect(watch.status).toBe(200);
      await eventually(() => expect(watch.events.some(isEndOfInitialEvents)).toBe(true));
      const { initial, end } = split(watch);
      expect(end.object).toEqual({
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: {
          resourceVersion: expect.stringMatching(/^\d+$/),
          creationTimestamp: null,
          annotations: INITIAL_EVENTS_END,
        },
      });
      const snapshot = end.object.metadata?.resourceVersion;
      const list = await call<PodList>(
        server,
        `/api/v1/namespaces/default/pods?labelSelector=set%3Dlisted&resourceVersion=${snapshot}&resourceVersionMatch=Exact`,
      );
      expect(list.status).toBe(200);
      expect(list.body.metadata.resourceVersion).toBe(snapshot);
      expect(initial.map((event) => event.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
      expect(initial.map((event) => event.object)).toEqual(
        list.body.items.map((pod) => ({ kind: 'Pod', apiVersion: 'v1', ...pod })),
      );

      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('d-pod', { labels: { set: 'listed' }, spec: { nodeName: 'kubelet-gone-1' } }),
      });
      await call(server, '/api/v1/namespaces/default/pods/a-pod?gracePeriodSeconds=0', { method: 'DELETE' });
      await eventually(() =>
        expect(
          split(watch)
            .after.filter((event) => event.type !== 'BOOKMARK')
            .map((event) => `${event.type} ${event.object.metadata?.name}`),
        ).toEqual(['ADDED d-pod', 'DELETED a-pod']),
      );
      expect(split(watch).after.every((event) => versionOf(event.object) > Number(snapshot))).toBe(true);
      expect(split(watch).after.filter(isEndOfInitialEvents)).toEqual([]);
    } finally {
      watch.close();
    }
  });

  it('starts from a snapshot no older than a given resourceVersion', async () => {
    const before = (await call<PodList>(server, '/api/v1/namespaces/default/pods')).body.metadata.resourceVersion;
    await call(server, '/api/v1/namespaces/default/pods', {
      method: 'POST',
      body: newPod('e-pod', { labels: { set: 'listed' }, spec: { nodeName: 'kubelet-gone-1' } }),
    });
    const watch = await WatchReader.open(
      server,
      `/api/v1/namespaces/default/pods?${WATCH_LIST}&resourceVersion=${before}&labelSelector=set%3Dlisted`,
    );
    try {
      await eventually(() => expect(watch.events.some(isEndOfInitialEvents)).toBe(true));
      const { initial, end } = split(watch);
      expect(versionOf(end.object)).toBeGreaterThan(Number(before));
      expect(initial.map((event) => event.object.metadata?.name)).toContain('e-pod');
    } finally {
      watch.close();
    }
  });

  it('sends the initial events without a closing bookmark when bookmarks are not allowed', async () => {
    const watch = await WatchReader.open(
      server,
      '/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&labelSelector=set%3Dlisted',
    );
    try {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('f-pod', { labels: { set: 'listed' }, spec: { nodeName: 'kubelet-gone-1' } }),
      });
      await eventually(() => expect(watch.events.map((event) => event.object.metadata?.name)).toContain('f-pod'));
      const types = watch.events.map((event) => event.type);
      expect(types.length).toBeGreaterThan(1);
      expect(types.every((type) => type === 'ADDED')).toBe(true);
      expect(watch.events[watch.events.length - 1].object.metadata?.name).toBe('f-pod');
    } finally {
      watch.close();
    }
  });

  it('with sendInitialEvents=false, watches from the given (or the current) version without the initial events', async () => {
    const watch = await WatchReader.open(
      server,
      '/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=&allowWatchBookmarks=true&labelSelector=set%3Dlisted',
    );
    try {
      expect(watch.status).toBe(200);
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('g-pod', { labels: { set: 'listed' }, spec: { nodeName: 'kubelet-gone-1' } }),
      });
      await eventually(() =>
        expect(
          watch.events
            .filter((event) => event.type !== 'BOOKMARK')
            .map((event) => `${event.type} ${event.object.metadata?.name}`),
        ).toEqual(['ADDED g-pod']),
      );
      expect(watch.events.filter(isEndOfInitialEvents)).toEqual([]);
    } finally {
      watch.close();
    }
  });

  it.each([
    [
      'sendInitialEvents without resourceVersionMatch',
      `${PODS}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true`,
      invalid(
        forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'),
      ),
    ],
    [
      'sendInitialEvents with resourceVersionMatch=Exact',
      `${PODS}?watch=1&sendInitialEvents=true&resourceVersionMatch=Exact&allowWatchBookmarks=true`,
      invalid(
        forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'),
        {
          field: 'resourceVersionMatch',
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: "Exact": supported values: "NotOlderThan"',
        },
      ),
    ],
    [
      'resourceVersionMatch on a watch without sendInitialEvents',
      `${PODS}?watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=1`,
      invalid(
        forbidden(
          'resourceVersionMatch',
          'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
        ),
      ),
    ],
    [
      'a watch-list with continue',
      `${PODS}?${WATCH_LIST}&continue=abc`,
      invalid(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided')),
    ],
    [
      'sendInitialEvents on a list',
      `${PODS}?sendInitialEvents=true`,
      invalid(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list')),
    ],
    [
      'sendInitialEvents on the deprecated watch path (validated as a list)',
      '/api/v1/watch/namespaces/default/pods?sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=1',
      invalid(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list')),
    ],
    [
      'an unknown resourceVersionMatch on a list',
      `${PODS}?resourceVersionMatch=Newest&resourceVersion=1`,
      invalid({
        field: 'resourceVersionMatch',
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
      }),
    ],
  ])('refuses %s with 422 Invalid', async (_case, path, status) => {
    const response = await call<KubeStatus>(server, path);
    expect(response.status).toBe(422);
    expect(response.body).toEqual(status);
  });
});

describe('the streaming list at scale', () => {
  const COUNT = 3000;
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({
      seed: 'empty',
      pods: COUNT,
      liveLimit: 20,
      timings: { ...FAST_TIMINGS, bookmarkMs: 100 },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('sends every pod once, in key order, and with the changes after it adds up to a later LIST', async () => {
    const watch = await WatchReader.open(server, `/api/v1/pods?${WATCH_LIST}`);
    try {
      await eventually(() => expect(watch.events.some(isEndOfInitialEvents)).toBe(true), { timeoutMs: 30_000 });
      const { initial, end } = split(watch);
      expect(initial.every((event) => event.type === 'ADDED')).toBe(true);
      const keys = initial.map((event) => keyOf(event.object));
      expect(new Set(keys).size).toBe(COUNT);
      expect(keys).toEqual([...keys].sort());
      const snapshot = versionOf(end.object);
      expect(initial.every((event) => versionOf(event.object) <= snapshot)).toBe(true);

      const list = (await call<PodList>(server, '/api/v1/pods')).body;
      const listed = Number(list.metadata.resourceVersion);
      // A periodic bookmark at or past the LIST's version: every change up to it has been sent.
      await eventually(() =>
        expect(watch.events.some((event) => event.type === 'BOOKMARK' && versionOf(event.object) >= listed)).toBe(true),
      );
      const state = replay(watch.events, listed);
      expect([...state.keys()].sort()).toEqual(list.items.map(keyOf));
      for (const pod of list.items) expect(state.get(keyOf(pod))).toEqual({ kind: 'Pod', apiVersion: 'v1', ...pod });
    } finally {
      watch.close();
    }
  });
});

describe('a simulator without the WatchList feature (watchList: false)', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({
      seed: 'empty',
      watchList: false,
      timings: { ...FAST_TIMINGS, bookmarkMs: 100 },
    });
    await call(server, '/api/v1/namespaces/default/pods', {
      method: 'POST',
      body: newPod('old-pod', { spec: { nodeName: 'kubelet-gone-1' } }),
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('refuses a watch-list with 422, as an API server with the feature gate off does', async () => {
    const response = await call<KubeStatus>(server, `/api/v1/namespaces/default/pods?${WATCH_LIST}`);
    expect(response.status).toBe(422);
    expect(response.body).toEqual(
      invalid(
        forbidden(
          'sendInitialEvents',
          'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
        ),
      ),
    );
  });

  it('serves a legacy watch from no resourceVersion without marking the end of its initial events', async () => {
    const watch = await WatchReader.open(server, '/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true');
    try {
      await eventually(() => expect(watch.events.some((event) => event.type === 'BOOKMARK')).toBe(true));
      expect(watch.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'old-pod' } } });
      expect(watch.events.filter(isEndOfInitialEvents)).toEqual([]);
    } finally {
      watch.close();
    }
  });

  it('still serves the paged LIST a client falls back to', async () => {
    const page = await call<PodList>(server, `${PODS}?limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.items.map(keyOf)).toEqual(['default/old-pod']);
  });
});
