import { aPod } from '../../test/helpers/pod-builder.js';
import type { PodChange } from '../clusters/pod-cache.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import type { PodWatchChangeMessage } from './dto/pod-watch.messages.js';
import { PodWatchView } from './pod-watch.view.js';

const running = (name: string) => aPod(name).inNamespace('shop').running().build();
const crashing = (name: string) => aPod(name).inNamespace('shop').crashLooping().build();
const change = (
  type: PodChange['type'],
  pod: KubePod,
  previous: KubePod | undefined,
  resourceVersion: string,
): PodChange => ({ type, pod, previous, resourceVersion });
const isRunning = (pod: KubePod) =>
  pod.status?.phase === 'Running' && !pod.status.containerStatuses?.some((status) => status.state?.waiting);

describe(PodWatchView.name, () => {
  let sent: PodWatchChangeMessage[];
  let now: number;
  let view: PodWatchView;
  const summary = () => sent.map((message) => `${message.type} ${message.pod.name} @${message.resourceVersion}`);

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    now = 0;
    sent = [];
    view = new PodWatchView(isRunning, (message) => sent.push(message), { coalesceMs: 250, now: () => now });
  });
  afterEach(() => {
    view.stop();
    jest.useRealTimers();
  });

  const advance = (ms: number) => {
    now += ms;
    jest.advanceTimersByTime(ms);
  };

  it('adds a pod that starts matching, removes one that stops, and ignores the rest', () => {
    view.start(['shop/a']);
    view.onChange(change('modified', crashing('a'), running('a'), '11'));
    view.onChange(change('added', running('b'), undefined, '12'));
    view.onChange(change('added', crashing('c'), undefined, '13'));
    advance(0);
    expect(summary()).toEqual(['deleted a @11', 'added b @12']);
    expect(sent[0].pod).toMatchObject({ name: 'a', namespace: 'shop', status: 'CrashLoopBackOff' });
  });

  it('sends a pod deleted from the cluster as deleted, with its last state', () => {
    view.start(['shop/a']);
    view.onChange(change('deleted', running('a'), running('a'), '20'));
    advance(0);
    expect(summary()).toEqual(['deleted a @20']);
  });

  it('coalesces a burst: at most one message per pod per interval, carrying its latest state', () => {
    view.start(['shop/a']);
    view.onChange(change('modified', running('a'), running('a'), '1'));
    advance(0);
    for (let rv = 2; rv <= 50; rv++) view.onChange(change('modified', running('a'), running('a'), String(rv)));
    advance(100);
    expect(summary()).toEqual(['modified a @1']);
    advance(150);
    expect(summary()).toEqual(['modified a @1', 'modified a @50']);
  });

  it('drops a pod that came and went within one interval', () => {
    view.start([]);
    view.onChange(change('added', running('x'), undefined, '1'));
    view.onChange(change('deleted', running('x'), running('x'), '2'));
    advance(300);
    expect(sent).toEqual([]);
  });

  it('orders a flush by each pod’s latest change', () => {
    view.start(['shop/a', 'shop/b']);
    view.onChange(change('modified', running('a'), running('a'), '1'));
    view.onChange(change('modified', running('b'), running('b'), '2'));
    view.onChange(change('modified', running('a'), running('a'), '3'));
    advance(0);
    expect(summary()).toEqual(['modified b @2', 'modified a @3']);
  });

  it('replays missed changes as the difference between what the client had and what is now', () => {
    view.start(['shop/b']); // now: b matches; a was deleted, c stopped matching
    view.replay([
      change('modified', crashing('c'), running('c'), '5'),
      change('added', running('b'), undefined, '6'),
      change('deleted', running('a'), running('a'), '7'),
      change('modified', running('b'), running('b'), '8'),
    ]);
    expect(summary()).toEqual(['deleted c @5', 'deleted a @7', 'added b @8']);
  });

  describe('while the client is congested', () => {
    let congested: boolean;
    beforeEach(() => {
      congested = true;
      view = new PodWatchView(isRunning, (message) => sent.push(message), {
        coalesceMs: 250,
        now: () => now,
        isCongested: () => congested,
      });
    });

    it('holds changes, and sends each pod’s latest once the client has read', () => {
      view.start(['shop/b']);
      view.onChange(change('added', running('a'), undefined, '1'));
      view.onChange(change('modified', running('b'), running('b'), '2'));
      view.onChange(change('modified', crashing('b'), running('b'), '3'));
      advance(1000);
      expect(sent).toEqual([]);
      congested = false;
      advance(250);
      expect(summary()).toEqual(['added a @1', 'deleted b @3']);
    });

    it('holds a replay too', () => {
      view.start(['shop/a']);
      view.replay([change('added', running('a'), undefined, '5')]);
      advance(1000);
      expect(sent).toEqual([]);
      congested = false;
      advance(250);
      expect(summary()).toEqual(['added a @5']);
    });
  });
});
