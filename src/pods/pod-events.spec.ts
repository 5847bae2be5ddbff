import type { KubeCoreEvent } from '../common/kube/kube-objects.js';
import { podEvents } from './pod-events.js';

const UID = 'pod-uid-1';

function anEvent(name: string, fields: Partial<KubeCoreEvent> = {}): KubeCoreEvent {
  return {
    metadata: { name, namespace: 'shop' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-0', uid: UID },
    type: 'Normal',
    reason: name,
    message: `${name} happened`,
    ...fields,
  };
}

describe(podEvents.name, () => {
  it('maps a classic core/v1 event', () => {
    const event = anEvent('Pulled', {
      firstTimestamp: '2026-01-01T00:00:01Z',
      lastTimestamp: '2026-01-01T00:05:00Z',
      count: 4,
      source: { component: 'kubelet', host: 'node-1' },
      involvedObject: { kind: 'Pod', name: 'web-0', uid: UID, fieldPath: 'spec.containers{app}' },
    });
    expect(podEvents([event], UID)).toEqual([
      {
        type: 'Normal',
        reason: 'Pulled',
        message: 'Pulled happened',
        firstSeen: '2026-01-01T00:00:01Z',
        lastSeen: '2026-01-01T00:05:00Z',
        count: 4,
        source: 'kubelet, node-1',
        fieldPath: 'spec.containers{app}',
      },
    ]);
  });

  it('maps an events.k8s.io/v1-style event (eventTime, series, reporting component)', () => {
    const event = anEvent('BackOff', {
      type: 'Warning',
      eventTime: '2026-01-01T00:00:10.000000Z',
      series: { count: 7, lastObservedTime: '2026-01-01T00:09:00.000000Z' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-2',
      firstTimestamp: null,
      lastTimestamp: null,
    });
    expect(podEvents([event], UID)).toEqual([
      expect.objectContaining({
        type: 'Warning',
        firstSeen: '2026-01-01T00:00:10.000000Z',
        lastSeen: '2026-01-01T00:09:00.000000Z',
        count: 7,
        source: 'kubelet, node-2',
        fieldPath: null,
      }),
    ]);
  });

  it('orders by when each event was last seen, oldest first, whatever the style', () => {
    const events = [
      anEvent('Started', { lastTimestamp: '2026-01-01T00:00:03Z' }),
      anEvent('Scheduled', { eventTime: '2026-01-01T00:00:00.500000Z' }),
      anEvent('BackOff', {
        series: { count: 2, lastObservedTime: '2026-01-01T00:10:00Z' },
        eventTime: '2026-01-01T00:00:04Z',
      }),
      anEvent('Pulled', { firstTimestamp: '2026-01-01T00:00:01Z', lastTimestamp: '2026-01-01T00:00:02Z' }),
    ];
    expect(podEvents(events, UID).map((event) => event.reason)).toEqual(['Scheduled', 'Pulled', 'Started', 'BackOff']);
  });

  it('leaves out events of an earlier pod that had the same name', () => {
    const events = [
      anEvent('Killing', { involvedObject: { kind: 'Pod', name: 'web-0', uid: 'old-uid' } }),
      anEvent('Scheduled', { lastTimestamp: '2026-01-01T00:00:00Z' }),
    ];
    expect(podEvents(events, UID).map((event) => event.reason)).toEqual(['Scheduled']);
  });

  it.each([
    { label: 'no count', fields: {}, count: 1 },
    { label: 'count 0', fields: { count: 0 }, count: 1 },
    { label: 'count 3', fields: { count: 3 }, count: 3 },
  ])('counts an event with $label as $count', ({ fields, count }) => {
    expect(podEvents([anEvent('X', fields)], UID)[0].count).toBe(count);
  });

  it('answers null for what the event does not say', () => {
    expect(podEvents([anEvent('X')], UID)[0]).toMatchObject({
      firstSeen: null,
      lastSeen: null,
      source: null,
      fieldPath: null,
    });
  });
});
