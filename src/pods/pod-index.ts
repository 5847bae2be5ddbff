/**
 * The pod list (api.md §3.1) and its facets (§3.6) answered from one cluster's pod cache, without copying or sorting
 * the pods per request (design.md "Data flow"). Same semantics as `queryPodArray` / `facetPodArray` in pod-query.ts,
 * which answer over a plain array before the cache has synced; pod-index.spec.ts holds both to identical answers.
 *
 * Layout. Every pod has a slot (a small integer, reused after a delete), and what the list filters and sorts on
 * lives in typed arrays indexed by slot: ids of its namespace, node, display status, label map, field-selector
 * profile, host IPs and images (each value interned once in an `InternTable` / `LabelSets`), its creation time,
 * restarts and READY counts. The pod objects are not touched by a query: with 100 000 pods (~350 MB) on the heap,
 * reading one field of each pod object costs ~8 ms in cache misses, a scan of the slot arrays ~0.3 ms
 * (docs/performance.md, where a first object-per-pod version of this index is measured too).
 *
 * A query then:
 * 1. decides each filter once per distinct value: status list, grants and `metadata.namespace` per namespace id,
 *    `spec.nodeName` per node id, the label selector per distinct label map (through the label index, see
 *    label-sets.ts), the other field-selector fields per distinct profile, the search text once per distinct
 *    namespace, node, host IPs and image list, and over the pods' own texts (name, pod IPs) through `TextChunks`;
 * 2. scans the slots once, reading those verdicts by id, marking matches and counting them (`total`);
 * 3. walks the sort key's `SortedOrder`, kept current on every change, until the page is full.
 * Facets are the same scan counting three ways at once (each facet leaving out its own filter), or the interned
 * values' holder counts when nothing filters.
 *
 * Updates: a change re-interns the pod's values and moves its slot in the orders whose key changed (a binary search
 * and a splice each). A burst — more changes within one task than 2% of the pods, as a re-list reports them — stops
 * moving slots one by one: the orders are merged once at the end of the task, or at the next query if sooner.
 */
import type { PodChange } from '../clusters/pod-cache.js';
import { FieldSelector, podFieldValue, type FieldRequirement } from '../common/kube/field-selector.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { creationTime, podKey, podSearchTexts, type IndexedPod } from './indexed-pod.js';
import { InternTable } from './intern-table.js';
import { LabelSets } from './label-sets.js';
import {
  assertPageRequest,
  compareNodeNames,
  compareNumbers,
  compareStrings,
  normalizePodFilter,
  POD_SORT_KEYS,
  toCounts,
  type NormalizedPodFilter,
  type PageRequest,
  type PodFacets,
  type PodFilter,
  type PodQueryResult,
  type PodSort,
  type PodSortKey,
} from './pod-query.js';
import { describePodRow } from './pod-status.js';
import { Scratch } from './scratch.js';
import { SortedOrder, type Compare } from './sorted-order.js';
import { SEPARATOR, TextChunks } from './text-chunks.js';

/** What the index follows: `PodCache`, or anything with the same two methods. */
export interface PodSource {
  values(): Iterable<KubePod>;
  /** Calls `listener` for every later change; returns the unsubscribe function. */
  subscribe(listener: (change: PodChange) => void): () => void;
}

/** How many distinct values the index holds (for metrics and the benchmark). */
export interface PodIndexStats {
  pods: number;
  namespaces: number;
  nodes: number;
  statuses: number;
  labelSets: number;
  fieldProfiles: number;
  imageLists: number;
}

// Beyond this many changes in one task (a share of the pods, at least a minimum), slots stop being moved in the
// orders one by one and the rest of the burst is merged in once. Measured at 100 000 pods: a change costs ~0.1–0.2 ms
// with its order moves, a merge of all six orders ~250 ms; they break even near 2 000 changes (docs/performance.md).
const BURST_SHARE = 0.02;
const BURST_MIN_CHANGES = 256;

// Field-selector fields whose values many pods share: interned together as a "profile" and decided once per
// distinct profile. metadata.namespace and spec.nodeName are decided per namespace / node; metadata.name and
// status.podIP, unique per pod, are the only ones read per pod.
const PROFILE_FIELDS = [
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.nominatedNodeName',
] as const;

type FieldProfile = Readonly<Record<string, string>>;

// Up to this many matches are sorted by the order's comparison; more are picked up by walking the order, which costs
// up to one step per pod (~1 ms at 100 000) when the matches are few and far between.
const SORT_MATCHES_UP_TO = 128;

// Search hits are scanned as a list instead of every slot when they are at most this share of the slots.
const CANDIDATES_UP_TO_SHARE = 1 / 8;

/** The interned ids of one pod version. */
interface PodIds {
  namespace: number;
  node: number;
  status: number;
  labels: number;
  profile: number;
  hostIPs: number;
  images: number;
}

/** A filter decided per interned value, for one query. Verdict arrays are indexed by id: 1 passes. */
interface Plan {
  /** Some filter is set. */
  filtered: boolean;
  /** A filter no facet leaves out matches no pod: every count is 0. */
  nothing: boolean;
  /** The namespace filter's id; -1 without one, -2 for a namespace no pod is in. */
  namespace: number;
  /** The node filter's id, likewise. */
  node: number;
  /** The status filter, by status id. */
  statuses: Uint8Array | undefined;
  /** Every filter that no facet leaves out, when there is one. */
  base: BaseChecks | undefined;
  /** The only slots that can pass (the search hits, when only pods' own texts hold the search text). */
  candidates: number[] | undefined;
}

// Plan objects always carry every field (undefined when unused): one hidden class, so the per-pod checks stay
// monomorphic. Objects shaped by whichever filters are set made the scan 3–4 times slower once queries mixed.
interface BaseChecks {
  /** Grants and `metadata.namespace` terms, by namespace id. */
  namespaces: Uint8Array | undefined;
  /** `spec.nodeName` terms, by node id. */
  nodes: Uint8Array | undefined;
  labels: Uint8Array | undefined;
  profiles: Uint8Array | undefined;
  search: SearchHits | undefined;
  /** `metadata.name` and `status.podIP` terms, checked per pod. */
  perPodFields: FieldSelector | undefined;
}

interface SearchHits {
  /** By slot: the pod's name or pod IPs contain the text. */
  own: Uint8Array;
  /** The slots marked in `own`. */
  ownSlots: number[];
  /** Some namespace, node, host IPs or image list contains the text. */
  shared: boolean;
  /** By id, when some value contains the text. */
  namespaces: Uint8Array | undefined;
  nodes: Uint8Array | undefined;
  hostIPs: Uint8Array | undefined;
  images: Uint8Array | undefined;
}

export class PodIndex {
  /** namespace → name → slot (keyed by the pods' own strings: no key string per pod). */
  private readonly slots = new Map<string, Map<string, number>>();
  private podCount = 0;
  private readonly freeSlots: number[] = [];
  /** Slots ever used: every slot array is scanned up to here. */
  private slotCount = 0;
  private readonly pods: (KubePod | undefined)[] = [];
  private readonly names: string[] = [];
  private live = new Uint8Array(0);
  private namespaceOf = new Int32Array(0);
  private nodeOf = new Int32Array(0);
  private statusOf = new Int32Array(0);
  private labelsOf = new Int32Array(0);
  private profileOf = new Int32Array(0);
  private hostIPsOf = new Int32Array(0);
  private imagesOf = new Int32Array(0);
  private createdAt = new Float64Array(0);
  private restarts = new Int32Array(0);
  private readyOf = new Int32Array(0);
  private containersOf = new Int32Array(0);
  /** 1 while a slot waits for the end of a burst to be placed in the orders. */
  private dirty = new Uint8Array(0);

  // Keyed by the exact value; the value held is its lower-cased text (search, the case-insensitive status filter).
  private readonly namespaces = new InternTable<string>();
  private readonly nodes = new InternTable<string>();
  private readonly statuses = new InternTable<string>();
  private readonly hostIPTexts = new InternTable<string>();
  private readonly imageTexts = new InternTable<string>();
  private readonly profiles = new InternTable<FieldProfile>();
  private readonly labelSets = new LabelSets();
  private readonly nameTexts = new TextChunks();
  private readonly podIPTexts = new TextChunks();
  private readonly orders: Record<PodSortKey, SortedOrder<number>>;
  private readonly scratch = new Scratch();

  private readonly unsubscribe: () => void;
  private changesThisTask = 0;
  /** While in a burst: the slots changed since it began, to place in the orders at its end. */
  private burst?: { dirty: number[] };
  private disposed = false;

  constructor(source: PodSource) {
    const namespaceOf = (slot: number) => this.namespaces.key(this.namespaceOf[slot]);
    const ties: Compare<number> = (a, b) =>
      compareStrings(namespaceOf(a), namespaceOf(b)) || compareStrings(this.names[a], this.names[b]);
    const primary: Record<PodSortKey, Compare<number>> = {
      createdAt: (a, b) => compareNumbers(this.createdAt[a], this.createdAt[b]),
      name: (a, b) => compareStrings(this.names[a], this.names[b]),
      namespace: (a, b) => compareStrings(namespaceOf(a), namespaceOf(b)),
      status: (a, b) => compareStrings(this.statuses.key(this.statusOf[a]), this.statuses.key(this.statusOf[b])),
      restarts: (a, b) => compareNumbers(this.restarts[a], this.restarts[b]),
      nodeName: (a, b) => compareNodeNames(this.nodes.key(this.nodeOf[a]), this.nodes.key(this.nodeOf[b])),
    };
    this.orders = Object.fromEntries(
      POD_SORT_KEYS.map((key) => [key, new SortedOrder<number>(primary[key], ties)]),
    ) as Record<PodSortKey, SortedOrder<number>>;
    this.burst = { dirty: [] };
    for (const pod of source.values()) this.upsert(pod);
    this.flushOrders();
    this.unsubscribe = source.subscribe((change) => this.apply(change));
  }

  get size(): number {
    return this.podCount;
  }

  get stats(): PodIndexStats {
    return {
      pods: this.size,
      namespaces: this.namespaces.size,
      nodes: this.nodes.size,
      statuses: this.statuses.size,
      labelSets: this.labelSets.size,
      fieldProfiles: this.profiles.size,
      imageLists: this.imageTexts.size,
    };
  }

  get(namespace: string, name: string): IndexedPod | undefined {
    const slot = this.slots.get(namespace)?.get(name);
    return slot === undefined ? undefined : this.item(slot);
  }

  /** Stops following the source. */
  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
  }

  /** One page of the pods matching `filter`, in `sort` order, and how many match in all. */
  query(filter: PodFilter, sort: PodSort, page: PageRequest): PodQueryResult {
    assertPageRequest(page);
    this.flushOrders();
    const order = this.orders[sort.by];
    const { pageSize } = page;
    const start = (page.page - 1) * pageSize;
    const plan = this.plan(normalizePodFilter(filter));
    if (!plan.filtered) {
      return { items: order.slice(sort.order, start, pageSize).map((slot) => this.item(slot)), total: this.size };
    }
    if (plan.nothing || plan.namespace === -2 || plan.node === -2) return { items: [], total: 0 };

    const { namespaceOf, nodeOf, statusOf } = this;
    const { namespace, node, statuses, candidates } = plan;
    const eligible = this.eligible(plan);
    const selected = this.scratch.bytes('selected', this.slotCount);
    const few: number[] = [];
    let total = 0;
    const count = candidates ? candidates.length : this.slotCount;
    for (let i = 0; i < count; i++) {
      const slot = candidates ? candidates[i] : i;
      if (eligible[slot] === 0) continue;
      if (namespace !== -1 && namespaceOf[slot] !== namespace) continue;
      if (node !== -1 && nodeOf[slot] !== node) continue;
      if (statuses && statuses[statusOf[slot]] === 0) continue;
      selected[slot] = 1;
      if (++total <= SORT_MATCHES_UP_TO) few.push(slot);
    }
    if (start >= total) return { items: [], total };
    if (total <= SORT_MATCHES_UP_TO) {
      few.sort(order.comparator(sort.order));
      return { items: few.slice(start, start + pageSize).map((slot) => this.item(slot)), total };
    }
    const items: IndexedPod[] = [];
    let seen = 0;
    order.walk(sort.order, 0, (slot) => {
      if (selected[slot] === 0) return true;
      if (seen++ >= start) items.push(this.item(slot));
      return items.length < pageSize;
    });
    return { items, total };
  }

  /** For each facet, the matches of every filter but its own, per value; and the matches of all. */
  facets(filter: PodFilter): PodFacets {
    const plan = this.plan(normalizePodFilter(filter));
    const statusCounts = this.scratch.int32('statusCounts', this.statuses.capacity);
    const namespaceCounts = this.scratch.int32('namespaceCounts', this.namespaces.capacity);
    const nodeCounts = this.scratch.int32('nodeCounts', this.nodes.capacity);
    let total = 0;
    if (!plan.filtered) {
      this.statuses.forEach((id) => (statusCounts[id] = this.statuses.holderCount(id)));
      this.namespaces.forEach((id) => (namespaceCounts[id] = this.namespaces.holderCount(id)));
      this.nodes.forEach((id) => (nodeCounts[id] = this.nodes.holderCount(id)));
      total = this.size;
    } else if (!plan.nothing) {
      const { namespaceOf, nodeOf, statusOf } = this;
      const { namespace, node, statuses, candidates } = plan;
      const eligible = this.eligible(plan);
      const count = candidates ? candidates.length : this.slotCount;
      for (let i = 0; i < count; i++) {
        const slot = candidates ? candidates[i] : i;
        if (eligible[slot] === 0) continue;
        const inNamespace = namespace === -1 || namespaceOf[slot] === namespace;
        const inStatus = !statuses || statuses[statusOf[slot]] === 1;
        const onNode = node === -1 || nodeOf[slot] === node;
        if (inNamespace && onNode) statusCounts[statusOf[slot]]++;
        if (inStatus && onNode) namespaceCounts[namespaceOf[slot]]++;
        if (inNamespace && inStatus) {
          nodeCounts[nodeOf[slot]]++;
          if (onNode) total++;
        }
      }
    }
    const unscheduled = this.nodes.idOf('');
    if (unscheduled !== undefined) nodeCounts[unscheduled] = 0;
    return {
      total,
      status: countsByKey(this.statuses, statusCounts),
      namespace: countsByKey(this.namespaces, namespaceCounts),
      nodeName: countsByKey(this.nodes, nodeCounts),
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Answering

  private item(slot: number): IndexedPod {
    const namespace = this.namespaces.key(this.namespaceOf[slot]);
    const name = this.names[slot];
    return {
      key: podKey(namespace, name),
      namespace,
      name,
      nodeName: this.nodes.key(this.nodeOf[slot]),
      status: this.statuses.key(this.statusOf[slot]),
      ready: `${this.readyOf[slot]}/${this.containersOf[slot]}`,
      restarts: this.restarts[slot],
      createdAt: this.createdAt[slot],
      pod: this.pods[slot]!,
    };
  }

  /**
   * Per slot, 1 for a pod that passes every filter no facet leaves out (`live` itself when there is none): one
   * tight pass over the slot arrays, reading each filter's verdict by id.
   */
  private eligible(plan: Plan): Uint8Array {
    const base = plan.base;
    if (!base) return this.live;
    const eligible = this.scratch.bytes('eligible', this.slotCount);
    const { live, namespaceOf, nodeOf, labelsOf, profileOf, hostIPsOf, imagesOf } = this;
    const { namespaces, nodes, labels, profiles, search, perPodFields } = base;
    const own = search?.own;
    const searchNamespaces = search?.namespaces;
    const searchNodes = search?.nodes;
    const searchHostIPs = search?.hostIPs;
    const searchImages = search?.images;
    const candidates = plan.candidates;
    const count = candidates ? candidates.length : this.slotCount;
    for (let i = 0; i < count; i++) {
      const slot = candidates ? candidates[i] : i;
      if (live[slot] === 0) continue;
      if (namespaces !== undefined && namespaces[namespaceOf[slot]] === 0) continue;
      if (nodes !== undefined && nodes[nodeOf[slot]] === 0) continue;
      if (labels !== undefined && labels[labelsOf[slot]] === 0) continue;
      if (profiles !== undefined && profiles[profileOf[slot]] === 0) continue;
      if (
        own !== undefined &&
        own[slot] === 0 &&
        (searchNamespaces === undefined || searchNamespaces[namespaceOf[slot]] === 0) &&
        (searchNodes === undefined || searchNodes[nodeOf[slot]] === 0) &&
        (searchHostIPs === undefined || searchHostIPs[hostIPsOf[slot]] === 0) &&
        (searchImages === undefined || searchImages[imagesOf[slot]] === 0)
      ) {
        continue;
      }
      if (perPodFields !== undefined && !this.matchesPerPodFields(perPodFields, slot)) continue;
      eligible[slot] = 1;
    }
    return eligible;
  }

  private matchesPerPodFields(selector: FieldSelector, slot: number): boolean {
    const pod = this.pods[slot]!;
    const name = this.names[slot];
    return selector.matches((field) => (field === 'metadata.name' ? name : podFieldValue(pod, field)));
  }

  private plan(filter: NormalizedPodFilter): Plan {
    const plan: Plan = {
      filtered: false,
      nothing: false,
      namespace: -1,
      node: -1,
      statuses: undefined,
      base: undefined,
      candidates: undefined,
    };
    if (filter.namespace !== undefined) {
      plan.filtered = true;
      plan.namespace = this.namespaces.idOf(filter.namespace) ?? -2;
    }
    if (filter.nodeName !== undefined) {
      plan.filtered = true;
      plan.node = this.nodes.idOf(filter.nodeName) ?? -2;
    }
    if (filter.statuses) {
      const wanted = filter.statuses;
      plan.filtered = true;
      plan.statuses = this.verdicts('statuses', this.statuses, (_, lower) => wanted.has(lower));
    }
    const base: BaseChecks = {
      namespaces: undefined,
      nodes: undefined,
      labels: undefined,
      profiles: undefined,
      search: undefined,
      perPodFields: undefined,
    };
    let nothing = false;
    if (filter.canSeeNamespace) {
      const canSee = filter.canSeeNamespace;
      let hidden = false;
      this.namespaces.forEach((_, namespace) => (hidden ||= !canSee(namespace)));
      if (hidden) base.namespaces = this.verdicts('namespaces', this.namespaces, (namespace) => canSee(namespace));
    }
    if (filter.search !== undefined) {
      base.search = this.search(filter.search);
      nothing ||= base.search === undefined;
      const hits = base.search;
      if (hits && !hits.shared && hits.ownSlots.length <= CANDIDATES_UP_TO_SHARE * this.slotCount) {
        plan.candidates = hits.ownSlots;
      }
    }
    if (filter.labelSelector) base.labels = this.labelSets.evaluate(filter.labelSelector);
    if (filter.fieldSelector) this.planFields(filter.fieldSelector, base, filter.canSeeNamespace);
    if (Object.values(base).some((check) => check !== undefined) || nothing) {
      plan.filtered = true;
      plan.base = base;
      // Verdicts are 1 only for held ids: none at all means no pod passes.
      nothing ||= [base.namespaces, base.nodes, base.labels, base.profiles].some((byId) => byId && !byId.includes(1));
      plan.nothing = nothing;
    }
    return plan;
  }

  /** Splits field-selector terms by where their values are interned. */
  private planFields(
    selector: FieldSelector,
    base: BaseChecks,
    canSeeNamespace: ((namespace: string) => boolean) | undefined,
  ): void {
    const terms: Record<'namespace' | 'node' | 'perPod' | 'profile', FieldRequirement[]> = {
      namespace: [],
      node: [],
      perPod: [],
      profile: [],
    };
    for (const term of selector.requirements) {
      if (term.field === 'metadata.namespace') terms.namespace.push(term);
      else if (term.field === 'spec.nodeName') terms.node.push(term);
      else if (term.field === 'metadata.name' || term.field === 'status.podIP') terms.perPod.push(term);
      else terms.profile.push(term);
    }
    if (terms.namespace.length > 0) {
      // One verdict per namespace: the grants (when they hide some namespace) and these terms.
      const byNamespace = new FieldSelector(terms.namespace);
      const canSee = base.namespaces ? canSeeNamespace : undefined;
      base.namespaces = this.verdicts(
        'namespaces',
        this.namespaces,
        (namespace) => (!canSee || canSee(namespace)) && byNamespace.matches(() => namespace),
      );
    }
    if (terms.node.length > 0) {
      const byNode = new FieldSelector(terms.node);
      base.nodes = this.verdicts('nodes', this.nodes, (nodeName) => byNode.matches(() => nodeName));
    }
    if (terms.profile.length > 0) {
      const byProfile = new FieldSelector(terms.profile);
      base.profiles = this.verdicts('profiles', this.profiles, (_, profile) =>
        byProfile.matches((field) => profile[field] ?? ''),
      );
    }
    if (terms.perPod.length > 0) base.perPodFields = new FieldSelector(terms.perPod);
  }

  /** The search verdicts, or undefined when no pod can match. */
  private search(needle: string): SearchHits | undefined {
    // No Kubernetes name, IP or image reference holds a NUL, and the separator must not let a needle span texts.
    if (needle.includes(SEPARATOR)) return undefined;
    const own = this.scratch.bytes('searchOwn', this.slotCount);
    const ownSlots: number[] = [];
    const maxSlots = CANDIDATES_UP_TO_SHARE * this.slotCount;
    this.nameTexts.search(needle, own, ownSlots, maxSlots);
    this.podIPTexts.search(needle, own, ownSlots, maxSlots);
    const hits: SearchHits = {
      own,
      ownSlots,
      shared: false,
      namespaces: undefined,
      nodes: undefined,
      hostIPs: undefined,
      images: undefined,
    };
    const contains = (_: string, lower: string) => lower.includes(needle);
    for (const [field, table] of [
      ['namespaces', this.namespaces],
      ['nodes', this.nodes],
      ['hostIPs', this.hostIPTexts],
      ['images', this.imageTexts],
    ] as const) {
      const byId = this.verdicts(`search.${field}`, table, contains);
      if (byId.includes(1)) {
        hits[field] = byId;
        hits.shared = true;
      }
    }
    return hits.shared || ownSlots.length > 0 ? hits : undefined;
  }

  /** Per id of `table`, 1 where `passes` holds for a held id (in the scratch buffer of `purpose`). */
  private verdicts<T>(purpose: string, table: InternTable<T>, passes: (key: string, value: T) => boolean): Uint8Array {
    const byId = this.scratch.bytes(purpose, table.capacity);
    for (let id = 0; id < byId.length; id++) {
      if (table.isHeld(id) && passes(table.key(id), table.value(id))) byId[id] = 1;
    }
    return byId;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Following the cache

  private apply(change: PodChange): void {
    this.countChange();
    if (change.type === 'deleted') this.delete(change.pod);
    else this.upsert(change.pod);
  }

  private countChange(): void {
    if (this.burst) return;
    if (++this.changesThisTask === 1) queueMicrotask(this.endOfTask);
    if (this.changesThisTask > Math.max(BURST_MIN_CHANGES, BURST_SHARE * this.podCount)) this.burst = { dirty: [] };
  }

  private readonly endOfTask = (): void => {
    this.changesThisTask = 0;
    if (!this.disposed) this.flushOrders();
  };

  private upsert(pod: KubePod): void {
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const row = describePodRow(pod);
    const texts = podSearchTexts(pod);
    const profile = PROFILE_FIELDS.map((field) => podFieldValue(pod, field));
    const ids: PodIds = {
      namespace: this.namespaces.acquire(namespace, () => texts.namespace),
      node: this.nodes.acquire(pod.spec.nodeName ?? '', () => texts.nodeName),
      status: this.statuses.acquire(row.status, (status) => status.toLowerCase()),
      labels: this.labelSets.acquire(pod.metadata.labels),
      profile: this.profiles.acquire(JSON.stringify(profile), () =>
        Object.fromEntries(PROFILE_FIELDS.map((field, i) => [field, profile[i]])),
      ),
      hostIPs: this.hostIPTexts.acquire(texts.hostIPs.join(SEPARATOR), (text) => text),
      images: this.imageTexts.acquire(texts.images.join(SEPARATOR), (text) => text),
    };
    const createdAt = creationTime(pod);
    const restarts = row.restarts.count;

    let inNamespace = this.slots.get(namespace);
    if (!inNamespace) this.slots.set(namespace, (inNamespace = new Map<string, number>()));
    let slot = inNamespace.get(name);
    let moving: SortedOrder<number>[];
    if (slot === undefined) {
      slot = this.allocateSlot();
      inNamespace.set(name, slot);
      this.podCount++;
      moving = Object.values(this.orders);
    } else {
      // Take the slot out of the orders whose key changes while the arrays still hold the old values.
      moving = this.burst ? [] : this.ordersChanging(slot, ids, createdAt, restarts);
      for (const order of moving) order.remove(slot);
      this.releaseIds(slot);
    }
    this.pods[slot] = pod;
    this.names[slot] = name;
    this.live[slot] = 1;
    this.namespaceOf[slot] = ids.namespace;
    this.nodeOf[slot] = ids.node;
    this.statusOf[slot] = ids.status;
    this.labelsOf[slot] = ids.labels;
    this.profileOf[slot] = ids.profile;
    this.hostIPsOf[slot] = ids.hostIPs;
    this.imagesOf[slot] = ids.images;
    this.createdAt[slot] = createdAt;
    this.restarts[slot] = restarts;
    this.readyOf[slot] = row.readiness.ready;
    this.containersOf[slot] = row.readiness.total;
    this.nameTexts.set(slot, texts.name);
    this.podIPTexts.set(slot, texts.podIPs.join(SEPARATOR));
    if (this.burst) this.markDirty(slot);
    else for (const order of moving) order.insert(slot);
  }

  private delete(pod: KubePod): void {
    const namespace = pod.metadata.namespace ?? '';
    const inNamespace = this.slots.get(namespace);
    const slot = inNamespace?.get(pod.metadata.name ?? '');
    if (slot === undefined) return;
    if (this.burst) this.markDirty(slot);
    else for (const order of Object.values(this.orders)) order.remove(slot);
    this.releaseIds(slot);
    inNamespace!.delete(pod.metadata.name ?? '');
    if (inNamespace!.size === 0) this.slots.delete(namespace);
    this.podCount--;
    this.live[slot] = 0;
    this.pods[slot] = undefined;
    this.names[slot] = '';
    this.nameTexts.delete(slot);
    this.podIPTexts.delete(slot);
    // Reusable at once, even in a burst: the merge drops dirty slots from the orders by their mark, not by position.
    this.freeSlots.push(slot);
  }

  private ordersChanging(slot: number, ids: PodIds, createdAt: number, restarts: number): SortedOrder<number>[] {
    const changing: SortedOrder<number>[] = [];
    if (this.createdAt[slot] !== createdAt) changing.push(this.orders.createdAt);
    if (this.restarts[slot] !== restarts) changing.push(this.orders.restarts);
    if (this.statusOf[slot] !== ids.status) changing.push(this.orders.status);
    if (this.nodeOf[slot] !== ids.node) changing.push(this.orders.nodeName);
    return changing; // name and namespace are the key: they never change
  }

  private releaseIds(slot: number): void {
    this.namespaces.release(this.namespaceOf[slot]);
    this.nodes.release(this.nodeOf[slot]);
    this.statuses.release(this.statusOf[slot]);
    this.labelSets.release(this.labelsOf[slot]);
    this.profiles.release(this.profileOf[slot]);
    this.hostIPTexts.release(this.hostIPsOf[slot]);
    this.imageTexts.release(this.imagesOf[slot]);
  }

  private allocateSlot(): number {
    const slot = this.freeSlots.pop() ?? this.slotCount++;
    if (slot >= this.live.length) {
      const capacity = Math.max(1024, this.live.length * 2);
      this.live = grown(this.live, capacity);
      this.dirty = grown(this.dirty, capacity);
      this.namespaceOf = grown(this.namespaceOf, capacity);
      this.nodeOf = grown(this.nodeOf, capacity);
      this.statusOf = grown(this.statusOf, capacity);
      this.labelsOf = grown(this.labelsOf, capacity);
      this.profileOf = grown(this.profileOf, capacity);
      this.hostIPsOf = grown(this.hostIPsOf, capacity);
      this.imagesOf = grown(this.imagesOf, capacity);
      this.createdAt = grown(this.createdAt, capacity);
      this.restarts = grown(this.restarts, capacity);
      this.readyOf = grown(this.readyOf, capacity);
      this.containersOf = grown(this.containersOf, capacity);
    }
    return slot;
  }

  private markDirty(slot: number): void {
    if (this.dirty[slot] === 1) return;
    this.dirty[slot] = 1;
    this.burst!.dirty.push(slot);
  }

  /** Places the slots a burst changed in the orders, in one merge per order. */
  private flushOrders(): void {
    const burst = this.burst;
    if (!burst) return;
    this.burst = undefined;
    const added = burst.dirty.filter((slot) => this.live[slot] === 1);
    const keep = (slot: number) => this.dirty[slot] === 0;
    for (const order of Object.values(this.orders)) order.rebuild(keep, added);
    for (const slot of burst.dirty) this.dirty[slot] = 0;
  }
}

function countsByKey<T>(table: InternTable<T>, counts: Int32Array): Record<string, number> {
  const entries: [string, number][] = [];
  table.forEach((id, key) => {
    if (counts[id] > 0) entries.push([key, counts[id]]);
  });
  return toCounts(entries);
}

function grown<A extends Uint8Array | Int32Array | Float64Array>(array: A, capacity: number): A {
  const next = new (array.constructor as new (length: number) => A)(capacity);
  next.set(array);
  return next;
}
