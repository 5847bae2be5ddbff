import { aPod } from '../../test/helpers/pod-builder.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import type { PodChange } from '../clusters/pod-cache.js';
import { toPodSummary } from './dto/pod-summary.dto.js';
import { indexPod } from './indexed-pod.js';
import { PodIndex } from './pod-index.js';
import { podPageJson, podSummaryJson } from './pod-summary-json.js';

const EVERYTHING = { page: 1, pageSize: 500 };
const BY_NAME = { by: 'name', order: 'asc' } as const;

/** A pod source whose changes the test makes. */
function sourceOf(pods: KubePod[]) {
  const listeners = new Set<(change: PodChange) => void>();
  return {
    values: () => pods,
    subscribe(listener: (change: PodChange) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    modify(pod: KubePod) {
      for (const listener of listeners) listener({ type: 'modified', pod, previous: undefined, resourceVersion: '2' });
    },
  };
}

describe('podSummaryJson', () => {
  it('is the list item of the pod, as JSON', () => {
    const pod = aPod('web-0').inNamespace('shop').withSidecar('proxy').crashLooping(3).build();
    expect(JSON.parse(podSummaryJson(indexPod(pod)))).toEqual(toPodSummary(pod));
  });
});

describe('podPageJson', () => {
  it('is the page object the list answers, with the items in order', () => {
    const items = ['b', 'a', 'c'].map((name) => indexPod(aPod(name).running().build()));
    const page = podPageJson(items, 42, { page: 2, pageSize: 3 });
    expect(JSON.parse(page)).toEqual({
      items: items.map((item) => toPodSummary(item.pod)),
      total: 42,
      page: 2,
      pageSize: 3,
    });
  });

  it('is valid JSON for an empty page', () => {
    expect(JSON.parse(podPageJson([], 0, { page: 9, pageSize: 20 }))).toEqual({
      items: [],
      total: 0,
      page: 9,
      pageSize: 20,
    });
  });

  it("keeps each item's JSON in the index until the pod changes", () => {
    const web = aPod('web-0').running().build();
    const source = sourceOf([web, aPod('api-0').running().build()]);
    const render = jest.fn(podSummaryJson);
    const index = new PodIndex(source, { render });
    const page = () => JSON.parse(podPageJson(index.query({}, BY_NAME, EVERYTHING).items, 2, EVERYTHING, index));
    const rendered = () => index.query({}, BY_NAME, EVERYTHING).items.map((item) => index.rendered(item));
    expect(render).toHaveBeenCalledTimes(2); // once per pod, as the index takes it in
    rendered();
    rendered();
    expect(render).toHaveBeenCalledTimes(2);
    const relabelled = { ...web, metadata: { ...web.metadata, labels: { tier: 'web' } } };
    source.modify(relabelled);
    rendered();
    expect(render).toHaveBeenCalledTimes(3); // the changed pod only
    expect(page().items.map((item: { labels: object }) => item.labels)).toEqual([{}, { tier: 'web' }]);
    index.dispose();
  });

  it('renders an item of another source anew', () => {
    const render = jest.fn(podSummaryJson);
    const index = new PodIndex(sourceOf([]), { render });
    const item = indexPod(aPod('web-0').running().build());
    index.rendered(item);
    index.rendered(item);
    expect(render).toHaveBeenCalledTimes(2);
    index.dispose();
  });
});
