import type { KubeObjectMeta, KubePod, KubePodSpec, KubePodStatus } from '../common/kube/kube-objects.js';

// The pods parsed last, oldest first: a reader going through a pod's fields (the index, a render, the live list)
// parses it once, and the objects are let go soon after.
const recentlyParsed = new Map<TextPod, KubePod>();
const RECENTLY_PARSED = 16;

/**
 * A cached pod held as its JSON text. A pod as parsed objects is ~125 objects on the heap, and every major garbage
 * collection marks each of them: ~0.4 s on the service's thread for 100 000 pods, against ~0.05 s for the same pods
 * as one string each (bench/pod-index.bench.ts). It reads as a `KubePod`: its fields parse the text, and the few
 * pods parsed last are kept as objects.
 */
export class TextPod implements KubePod {
  private constructor(
    readonly text: string,
    /** The pod's uid and resourceVersion, which tell versions apart without parsing. */
    readonly identity: string,
  ) {}

  /** `pod`, which its holder must no longer change, kept as text; it also serves the next reads as it is. */
  static of(pod: KubePod): TextPod {
    const held = new TextPod(JSON.stringify(pod), TextPod.identityOf(pod));
    remember(held, pod);
    return held;
  }

  /** What `identity` is for `pod`. */
  static identityOf(pod: KubePod): string {
    return `${pod.metadata.uid ?? ''}/${pod.metadata.resourceVersion ?? ''}`;
  }

  get apiVersion(): string | undefined {
    return this.pod().apiVersion;
  }

  get kind(): string | undefined {
    return this.pod().kind;
  }

  get metadata(): KubeObjectMeta {
    return this.pod().metadata;
  }

  get spec(): KubePodSpec {
    return this.pod().spec;
  }

  get status(): KubePodStatus | undefined {
    return this.pod().status;
  }

  /** The pod as objects. */
  pod(): KubePod {
    const recent = recentlyParsed.get(this);
    if (recent) return recent;
    const pod = JSON.parse(this.text) as KubePod;
    remember(this, pod);
    return pod;
  }

  toJSON(): KubePod {
    return this.pod();
  }
}

function remember(held: TextPod, pod: KubePod): void {
  recentlyParsed.set(held, pod);
  if (recentlyParsed.size > RECENTLY_PARSED) recentlyParsed.delete(recentlyParsed.keys().next().value!);
}
