import { ObjectCollection, VersionClock, type ChangeEvent, type KubeObject } from './object-store.js';

function collection(historyLimit = 100): ObjectCollection {
  return new ObjectCollection(new VersionClock(100), {
    namespaced: true,
    historyLimit,
    fieldsOf: (object) => ({ 'metadata.name': object.metadata.name ?? '' }),
  });
}

function pod(namespace: string, name: string, labels?: Record<string, string>): KubeObject {
  return { kind: 'Pod', metadata: { namespace, name, uid: `${namespace}-${name}`, ...(labels ? { labels } : {}) } };
}

describe(ObjectCollection.name, () => {
  it('stamps each write with the next resourceVersion, into the stored JSON too', () => {
    const pods = collection();
    const first = pods.write(pod('a', 'x'));
    const second = pods.write(pod('a', 'y'));
    expect([first.rv, second.rv]).toEqual([101, 102]);
    expect(JSON.parse(second.json)).toMatchObject({ metadata: { resourceVersion: '102' } });
  });

  it('lists keys in etcd byte order, so "a-b/…" comes before "a/…"', () => {
    const pods = collection();
    for (const [namespace, name] of [
      ['a', 'x'],
      ['a-b', 'y'],
      ['b', 'z'],
      ['a', 'w'],
    ])
      pods.write(pod(namespace, name));
    expect(pods.sortedKeys()).toEqual(['a-b/y', 'a/w', 'a/x', 'b/z']);
    expect([...pods.values('a')].map((stored) => stored.name)).toEqual(['w', 'x']);
  });

  it('keeps the changes after a version and reports older versions as expired once trimmed', () => {
    const pods = collection(20);
    const start = pods.write(pod('a', 'first')).rv;
    for (let index = 0; index < 40; index++) pods.write(pod('a', `p${index}`));
    expect(pods.changesSince(start)).toMatchObject({ expired: true });
    const recent = pods.write(pod('a', 'recent')).rv;
    pods.write(pod('a', 'last'));
    const history = pods.changesSince(recent);
    expect(history.expired).toBe(false);
    expect(history.expired ? [] : history.events.map((event) => event.object.name)).toEqual(['last']);
  });

  it('expires every older version on compact', () => {
    const pods = collection();
    const version = pods.write(pod('a', 'x')).rv;
    pods.write(pod('a', 'y'));
    pods.compact();
    expect(pods.changesSince(version).expired).toBe(true);
  });

  it('tells watchers of their namespace, with the previous version on MODIFIED and DELETED', () => {
    const pods = collection();
    const seen: string[] = [];
    pods.watch({
      namespace: 'a',
      notify: (event) => seen.push(`${event.type} ${event.object.name} ${event.previous?.rv ?? '-'}`),
    });
    const added = pods.write(pod('a', 'x'));
    pods.write(pod('b', 'elsewhere'));
    pods.write(pod('a', 'x', { v: '2' }));
    pods.remove('a/x');
    expect(seen).toEqual(['ADDED x -', `MODIFIED x ${added.rv}`, `DELETED x ${added.rv + 2}`]);
  });

  it('delivers writes made by a watcher after the change being delivered, to every watcher in order', () => {
    const pods = collection();
    const order: string[] = [];
    pods.watch({
      notify: (event: ChangeEvent) => {
        order.push(`first ${event.object.name}`);
        if (event.object.name === 'x') pods.write(pod('a', 'reaction'));
      },
    });
    pods.watch({ notify: (event) => order.push(`second ${event.object.name}`) });
    pods.write(pod('a', 'x'));
    expect(order).toEqual(['first x', 'second x', 'first reaction', 'second reaction']);
  });

  it('loads objects without history or notifications', () => {
    const pods = collection();
    const told: string[] = [];
    pods.watch({ notify: (event) => told.push(event.object.name) });
    const before = pods.write(pod('a', 'x')).rv;
    expect(pods.load([pod('a', 'y'), pod('a', 'z')])).toBe(2);
    expect(told).toEqual(['x']);
    expect(pods.size).toBe(3);
    expect(pods.changesSince(before).expired).toBe(true);
  });
});
