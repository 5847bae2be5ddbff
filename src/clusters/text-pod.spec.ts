import { aPod } from '../../test/helpers/pod-builder.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { TextPod } from './text-pod.js';

function aRunningPod(): KubePod {
  const pod = aPod('web-0').inNamespace('shop').onNode('node-1').running().build();
  pod.metadata.resourceVersion = '42';
  return pod;
}

describe(TextPod.name, () => {
  it('reads as the pod it holds, and serializes as it', () => {
    const pod = aRunningPod();
    const held = TextPod.of(pod);
    expect(held.text).toBe(JSON.stringify(pod));
    expect([held.metadata, held.spec, held.status, held.kind, held.apiVersion]).toEqual([
      pod.metadata,
      pod.spec,
      pod.status,
      pod.kind,
      pod.apiVersion,
    ]);
    expect(JSON.parse(JSON.stringify(held))).toEqual(JSON.parse(JSON.stringify(pod)));
    expect(held.identity).toBe('uid-shop-web-0/42');
  });

  it('serves repeated reads from one parse, and parses its text again once many other pods were read since', () => {
    const held = TextPod.of(aRunningPod());
    const first = held.pod();
    expect(held.metadata).toBe(first.metadata);
    for (let i = 0; i < 300; i++) TextPod.of(aRunningPod()).pod();
    const again = held.pod();
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(held.metadata).toBe(again.metadata);
  });
});
