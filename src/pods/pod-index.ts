/**
 * The pod list (api.md §3.1) and its facets (§3.6) answered from one cluster's pod cache, without copying or sorting
 * the pods per request, and mostly without visiting the pods a filter does not select (design.md "Data flow"). Same
 * semantics as `queryPodArray` / `facetPodArray` in pod-query.ts, which answer over a plain array before the cache
 * has synced; pod-index.spec.ts holds both to identical answers.
 *
 * Layout. Every pod has a slot (a small integer, reused after a delete), and what the list filters and sorts on
 * lives in typed arrays indexed by slot: ids of its namespace, node, display status, label map, field-selector
 * profile, host IPs and images (each value interned once in an `InternTable` / `LabelSets`), its creation time,
 * restarts and READY counts. A query does not touch the pod objects: with 100 000 pods (~350 MB) on the heap,
 * reading one field of each pod object costs ~8 ms in cache misses (docs/performance.md). Kept current on every
 * change, beside those columns:
 * - posting lists: per namespace, node, status, profile, host IPs and image list its slots (`SlotLists`); per label
 *   `key=value` and key (`LabelSets`); the interned values' holder counts are the lists' sizes;
 * - pods per status × namespace and status × node (`PairCounts`);
 * - trigram indexes (`TrigramIndex`) over the lower-cased names and pod IPs, by slot, and over the distinct
 *   namespaces, nodes, host IPs and image lists, by value id, for `search`;
 * - one `SortedOrder` of the slots per sort key.
 *
 * A query:
 * 1. decides each filter once per distinct value (status list, grants and `metadata.namespace` per namespace id,
 *    `spec.nodeName` per node id, the other field-selector fields per profile, `search` through the trigram
 *    indexes, a label selector through its lists), which gives each condition its candidate slots (posting lists)
 *    and their number;
 * 2. when the filter is one condition, or a status list with a namespace or node condition, takes `total` from
 *    the counts; otherwise reads the candidates of the smallest condition and checks the others on each (or, when
 *    even the smallest holds most pods, passes once over all slots), marking matches in a bit set and counting;
 * 3. sorts up to 128 matches by the order's comparison, or walks the sort key's order taking matching slots until
 *    the page is full.
 * The answer (total, the matches found in order so far, and where the walk stopped) is kept per filter and sort in
 * an LRU until any pod changes: portals poll the same queries and page through them, and a later page continues
 * the walk. Facets come from holder and pair counts where those suffice, else from one pass over the smallest
 * candidate set (each facet leaving out its own filter), and are kept per filter the same way.
 *
 * Updates: a change re-interns the pod's values, moves its slot between the posting lists and pair counts whose
 * value changed, and in the orders whose key changed (a binary search and a splice each). A burst — more changes
 * within one task than 2% of the pods, as a re-list reports them — stops moving slots in the orders one by one:
 * they are merged once at the end of the task, or at the next query if sooner. While the source is still being
 * filled (its first LIST, applied in slices over many tasks), every change is part of one burst, merged when the
 * index is first asked.
 */
import { keyOf, type PodChange } from '../clusters/pod-cache.js';
import type { JsonText } from '../common/envelope/json-text.js';
import { FieldSelector, podFieldValue, type FieldRequirement } from '../common/kube/field-selector.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import type { LabelSelector } from '../common/kube/label-selector.js';
import { creationTime, podSearchTexts, type IndexedPod } from './indexed-pod.js';
import { InternTable } from './intern-table.js';
import { LabelSets, type LabelCondition } from './label-sets.js';
import { LruCache } from './lru-cache.js';
import { PairCounts } from './pair-counts.js';
import {
  assertPageRequest,
  compareNodeNames,
  compareNumbers,
  compareStrings,
  normalizePodFilter,
  POD_SORT_KEYS,
  type NormalizedPodFilter,
  type PageRequest,
  type PodFilter,
  type PodQueryResult,
  type PodSort,
  type PodSortKey,
} from './pod-query.js';
import type { PodFacets } from './dto/pod-facets.dto.js';
import { describePodRow } from './pod-status.js';
import { Scratch } from './scratch.js';
import { SlotLists } from './slot-lists.js';
import {
  clearBits,
  gather,
  gatherLive,
  gatherOnce,
  keepEqual,
  keepMarked,
  keepPassing,
  markByMask,
  markContaining,
  markPassing,
  setBits,
  tallySlots,
} from './slot-loops.js';
import { SlotBuffer, SortedOrder, type Compare } from './sorted-order.js';
import { SEPARATOR, TrigramIndex, type TextCandidates } from './trigram-index.js';

/** What the index follows: `PodCache`, or anything with the same two methods. */
export interface PodSource {
  /** False while the source is being filled (its first LIST): the index then defers ordering until it is asked. */
  readonly synced?: boolean;
  values(): Iterable<KubePod>;
  /** Calls `listener` for every later change; returns the unsubscribe function. */
  subscribe(listener: (change: PodChange) => void): () => void;
}

export interface PodIndexOptions {
  /** Query answers, facets and rendered pages kept for repeated requests (each); 0 keeps none. Default 256. */
  cacheEntries?: number;
  /** Roughly the bytes those answers may hold (each). Default 16 MiB. */
  cacheBytes?: number;
  /**
   * Renders a pod's list item, when the pod changes, for `rendered` (its only renderer): while the source still has
   * the pod as objects (a cache holding pods as text would otherwise parse each again, ~25 µs, the first time a page
   * shows it). Without it, `rendered` throws.
   */
  render?: (item: IndexedPod) => string;
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
  /** Query answers and facets kept for the current state of the pods. */
  cachedAnswers: number;
  cachedFacets: number;
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

// Up to this many matches are sorted by the order's comparison (~30 µs); more are taken by walking the order, a
// few nanoseconds per slot passed over.
const SORT_MATCHES_UP_TO = 128;

// When the smallest candidate set holds more than this share of the pods, one pass over all slots (sequential
// reads) is cheaper than reading the candidates through posting lists (scattered reads).
const FULL_PASS_SHARE = 0.5;

// A label selector is decided for every slot at once (a pass over its lists) rather than per candidate map (a
// `LabelSelector.matches` call, ~100 ns) when its lists hold fewer than this many slots per candidate.
const LABEL_LISTS_PER_CANDIDATE = 8;

const DEFAULT_CACHE_ENTRIES = 256;
const DEFAULT_CACHE_BYTES = 16 * 2 ** 20;
// Spare bit sets kept for the next answers (one bit per slot: 12.5 kB at 100 000 pods).
const SPARE_BIT_SETS = 8;

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

/**
 * A filter decided per interned value, for one query; verdict arrays live in scratch buffers until the next query.
 * Plan objects always carry every field (undefined when unused): one hidden class, so the per-pod checks stay
 * monomorphic — objects shaped by whichever filters were set made them 3–4 times slower once queries mixed.
 */
interface Plan {
  /** A filter that no facet leaves out matches no pod. */
  nothing: boolean;
  /** Facet filters: the namespace's id (-1 without one, -2 for a namespace no pod is in), the node's, statuses. */
  namespace: number;
  node: number;
  statuses: Verdicts | undefined;
  /** Filters no facet leaves out: grants with `metadata.namespace` terms, `spec.nodeName` terms, … */
  namespaces: Verdicts | undefined;
  nodes: Verdicts | undefined;
  profiles: Verdicts | undefined;
  labels: LabelCheck | undefined;
  search: SearchPlan | undefined;
  /** `metadata.name` and `status.podIP` terms, checked per pod; with the slots they can match, when known. */
  perPodFields: FieldSelector | undefined;
  perPodCandidates: Int32Array | undefined;
}

/** One condition decided per id of a dimension. */
interface Verdicts {
  /** By id: 1 passes. */
  byId: Uint8Array;
  /** The passing ids, whose posting lists hold the condition's pods. */
  ids: number[];
  /** The pods passing. */
  pods: number;
  lists: SlotLists;
}

interface LabelCheck {
  selector: LabelSelector;
  condition: LabelCondition;
  /** By slot, 1 passes: decided for every slot at once, when candidates are many. */
  bySlot: Uint8Array | undefined;
  /** By label map id, once asked: 1 passes, 2 fails. */
  byMap: Uint8Array | undefined;
}

interface SearchPlan {
  needle: string;
  /** A one-character needle of its own class: its bit in the names' and pod IPs' class masks (no candidates). */
  character: { word: number; bit: number } | undefined;
  /** Slots whose name or pod IPs may hold the needle. */
  names: TextCandidates;
  podIPs: TextCandidates;
  /** By slot, 1 when the name or a pod IP holds it; built when the candidates are read in bulk. */
  own: Uint8Array | undefined;
  /** By id, for the shared values that hold it; undefined where none does. */
  namespaces: Uint8Array | undefined;
  nodes: Uint8Array | undefined;
  hostIPs: Uint8Array | undefined;
  images: Uint8Array | undefined;
  /** The posting lists of those values. */
  sharedLists: Int32Array[];
  /** Slots that may match, with repeats: an upper bound. */
  size: number;
}

/** Slots to read as a condition's candidates. */
interface Candidates {
  size: number;
  lists: Int32Array[];
  /** A slot may be listed more than once. */
  overlapping: boolean;
}

const NO_CANDIDATES: TextCandidates = { ids: new Int32Array(0), exact: true };

/** Which slots a walk takes: a test, or a bit set (bit `slot` set). */
type Accept = Uint32Array | ((slot: number) => boolean);

/** A query's answer for one filter and sort, while no pod changes. */
interface Answer {
  total: number;
  /** The matches in list order, as far as found. */
  sorted: SlotBuffer;
  /** Order positions the walk has read. */
  position: number;
  /** Until `sorted` holds every match. */
  accept: Accept | undefined;
  /** A bit set of the pool that `accept` reads, given back when the answer is complete or dropped. */
  bits: Uint32Array | undefined;
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
  /** By slot, `status.podIP` (for field selectors: the pods are read only to render them). */
  private readonly podIPOf: string[] = [];
  /** By slot, what `rendered` made of the pod's current version. */
  private readonly renderings: (string | undefined)[] = [];
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

  private readonly byNamespace = new SlotLists();
  private readonly byNode = new SlotLists();
  private readonly byStatus = new SlotLists();
  private readonly byProfile = new SlotLists();
  private readonly byHostIPs = new SlotLists();
  private readonly byImages = new SlotLists();
  /** The dimensions listed in `SlotLists`, with their lists (labels have `LabelSets`). */
  private readonly postingDimensions: readonly [Exclude<keyof PodIds, 'labels'>, SlotLists][] = [
    ['namespace', this.byNamespace],
    ['node', this.byNode],
    ['status', this.byStatus],
    ['profile', this.byProfile],
    ['hostIPs', this.byHostIPs],
    ['images', this.byImages],
  ];
  private readonly statusNamespaces = new PairCounts();
  private readonly statusNodes = new PairCounts();

  private readonly nameGrams = new TrigramIndex();
  private readonly podIPGrams = new TrigramIndex();
  private readonly namespaceGrams = new TrigramIndex();
  private readonly nodeGrams = new TrigramIndex();
  private readonly hostIPGrams = new TrigramIndex();
  private readonly imageGrams = new TrigramIndex();

  private readonly orders: Record<PodSortKey, SortedOrder<number>>;
  private readonly scratch = new Scratch();

  /** Bumped by every change: kept answers are for one version. */
  private version = 0;
  private cachedVersion = 0;
  private readonly answers: LruCache<Answer>;
  private readonly facetAnswers: LruCache<PodFacets>;
  /** Rendered pages (`renderedPage`), for the current version too. */
  private readonly pageTexts: LruCache<JsonText>;
  private readonly spareBits: Uint32Array[] = [];

  private readonly unsubscribe: () => void;
  private changesThisTask = 0;
  /** While in a burst: the slots changed since it began, to place in the orders at its end. */
  private burst?: { dirty: number[] };
  /** While the constructor reads the source's pods: their texts by slot, for the trigram indexes. */
  private loading?: { names: string[]; podIPs: string[] };
  private disposed = false;

  private readonly render?: (item: IndexedPod) => string;

  constructor(
    private readonly source: PodSource,
    options: PodIndexOptions = {},
  ) {
    this.render = options.render;
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
    // Equal keys, read from the columns: interned values are equal exactly when their ids are.
    const sameKey: Record<PodSortKey, (a: number, b: number) => boolean> = {
      createdAt: (a, b) => this.createdAt[a] === this.createdAt[b],
      name: (a, b) => this.names[a] === this.names[b],
      namespace: (a, b) => this.namespaceOf[a] === this.namespaceOf[b],
      status: (a, b) => this.statusOf[a] === this.statusOf[b],
      restarts: (a, b) => this.restarts[a] === this.restarts[b],
      nodeName: (a, b) => this.nodeOf[a] === this.nodeOf[b],
    };
    this.orders = Object.fromEntries(
      POD_SORT_KEYS.map((key) => [key, new SortedOrder<number>(primary[key], ties, sameKey[key])]),
    ) as Record<PodSortKey, SortedOrder<number>>;
    const limits = {
      entries: options.cacheEntries ?? DEFAULT_CACHE_ENTRIES,
      cost: options.cacheBytes ?? DEFAULT_CACHE_BYTES,
    };
    this.answers = new LruCache<Answer>(limits, (answer) => this.settle(answer));
    this.facetAnswers = new LruCache<PodFacets>(limits);
    this.pageTexts = new LruCache<JsonText>(limits);
    this.burst = { dirty: [] };
    // The pods' own texts are indexed in one go at the end (`TrigramIndex.load`), much faster than one by one.
    this.loading = { names: [], podIPs: [] };
    for (const pod of source.values()) this.upsert(pod);
    const { names, podIPs } = this.loading;
    this.loading = undefined;
    this.nameGrams.load(names);
    this.podIPGrams.load(podIPs);
    this.flushOrders();
    this.unsubscribe = source.subscribe((change) => this.apply(change));
  }

  get size(): number {
    return this.podCount;
  }

  get stats(): PodIndexStats {
    const current = this.cachedVersion === this.version;
    return {
      pods: this.size,
      namespaces: this.namespaces.size,
      nodes: this.nodes.size,
      statuses: this.statuses.size,
      labelSets: this.labelSets.size,
      fieldProfiles: this.profiles.size,
      imageLists: this.imageTexts.size,
      cachedAnswers: current ? this.answers.size : 0,
      cachedFacets: current ? this.facetAnswers.size : 0,
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
    this.answers.clear();
    this.facetAnswers.clear();
    this.pageTexts.clear();
  }

  /** One page of the pods matching `filter`, in `sort` order, and how many match in all. */
  query(filter: PodFilter, sort: PodSort, page: PageRequest): PodQueryResult {
    assertPageRequest(page);
    const normalized = normalizePodFilter(filter);
    const grants = this.grantsKey(normalized);
    return this.queryNormalized(normalized, grants, sort, page, answerKey(normalized, grants, sort));
  }

  /**
   * `render` of `query(filter, sort, page)`, kept while no pod changes: portals poll the same pages, and assembling
   * one (~12 kB from its items' kept JSON) costs more than finding it.
   */
  renderedPage<T>(
    filter: PodFilter,
    sort: PodSort,
    page: PageRequest,
    render: (result: PodQueryResult) => JsonText<T>,
  ): JsonText<T> {
    assertPageRequest(page);
    const normalized = normalizePodFilter(filter);
    const grants = this.grantsKey(normalized);
    this.dropStaleAnswers();
    const unfiltered = isUnfiltered(normalized, grants);
    const queryKey = answerKey(normalized, grants, sort);
    const key = `${page.page} ${page.pageSize} ${queryKey}`;
    let text = this.pageTexts.get(key) as JsonText<T> | undefined; // every page here was made by the list's render
    if (text === undefined) {
      // A page is kept from the second request of its filter on: a filter asked once (a search as it is typed) would
      // only push out pages that are asked again, and leave ~12 kB of garbage each.
      const askedBefore = unfiltered || this.answers.has(queryKey);
      text = render(this.queryNormalized(normalized, grants, sort, page, queryKey));
      if (askedBefore) this.pageTexts.set(key, text, text.byteLength + 64);
    }
    return text;
  }

  private queryNormalized(
    normalized: NormalizedPodFilter,
    grants: string,
    sort: PodSort,
    page: PageRequest,
    key: string,
  ): PodQueryResult {
    this.flushOrders();
    const order = this.orders[sort.by];
    const { pageSize } = page;
    const start = (page.page - 1) * pageSize;
    if (isUnfiltered(normalized, grants)) {
      return { items: order.slice(sort.order, start, pageSize).map((slot) => this.item(slot)), total: this.size };
    }
    this.dropStaleAnswers();
    let answer = this.answers.get(key);
    let changed = false;
    if (!answer) {
      answer = this.answer(this.plan(normalized, grants), order, sort);
      changed = true;
    }
    const end = Math.min(answer.total, start + pageSize);
    if (answer.sorted.length < end && answer.accept) {
      answer.sorted.reserve(Math.min(answer.total, Math.max(end, 2 * answer.sorted.length)));
      answer.position = order.collect(sort.order, answer.position, answer.accept, answer.sorted, end);
      if (answer.sorted.length >= answer.total) this.settle(answer);
      changed = true;
    }
    const items: IndexedPod[] = [];
    for (let i = start; i < end; i++) items.push(this.item(answer.sorted.get(i)));
    if (changed) this.answers.set(key, answer, answerCost(answer));
    return { items, total: answer.total };
  }

  /**
   * The item rendered by the index's renderer (`PodIndexOptions.render`), made once per version of the pod and kept
   * until it changes: the items of the pages portals poll are the same from one request to the next. An item of an
   * older state, or of another source, is rendered anew.
   */
  rendered(item: IndexedPod): string {
    const { render } = this;
    if (!render) throw new Error('this pod index renders nothing: it was given no PodIndexOptions.render');
    if (!(item instanceof SlotItem) || this.pods[item.slot] !== item.pod) return render(item);
    return (this.renderings[item.slot] ??= render(item));
  }

  /**
   * For each facet, the matches of every filter but its own, per value; and the matches of all. The object is
   * kept for the next request with the same filter while no pod changes: it is frozen.
   */
  facets(filter: PodFilter): PodFacets {
    const normalized = normalizePodFilter(filter);
    const grants = this.grantsKey(normalized);
    this.dropStaleAnswers();
    const key = isUnfiltered(normalized, grants) ? '' : filterKey(normalized, grants);
    let facets = this.facetAnswers.get(key);
    if (!facets) {
      facets = this.countFacets(key === '' ? undefined : this.plan(normalized, grants));
      // At most one key per distinct value.
      const keys = this.statuses.size + this.namespaces.size + this.nodes.size;
      this.facetAnswers.set(key, facets, 256 + 64 * keys);
    }
    return facets;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Answering

  private item(slot: number): IndexedPod {
    return new SlotItem(
      slot,
      this.namespaces.key(this.namespaceOf[slot]),
      this.names[slot],
      this.nodes.key(this.nodeOf[slot]),
      this.statuses.key(this.statusOf[slot]),
      this.readyOf[slot],
      this.containersOf[slot],
      this.restarts[slot],
      this.createdAt[slot],
      this.pods[slot]!,
    );
  }

  /** Total and first matches of a filtered query; the walk goes on lazily as pages ask for more. */
  private answer(plan: Plan, order: SortedOrder<number>, sort: PodSort): Answer {
    if (plan.nothing || plan.namespace === -2 || plan.node === -2) {
      return { total: 0, sorted: new SlotBuffer(), position: 0, accept: undefined, bits: undefined };
    }
    const counted = this.countedTotal(plan);
    const candidates = this.smallest(this.candidatesOf(plan, true));
    // Marking k candidates costs a few ns each; a walk testing each slot it passes needs ~20·n/k slots for a page:
    // for sets larger than about √(64·n), the counts and a walk are cheaper.
    if (
      counted !== undefined &&
      counted > SORT_MATCHES_UP_TO &&
      (!candidates || candidates.size * candidates.size > 64 * this.podCount)
    ) {
      const bits = plan.labels ? this.takeBits() : undefined;
      return { total: counted, sorted: new SlotBuffer(), position: 0, accept: this.idAccept(plan, bits), bits };
    }
    const fullPass = !candidates || candidates.size > FULL_PASS_SHARE * this.podCount;
    const selected = this.select(plan, fullPass ? undefined : candidates, true);
    const total = selected.length;
    if (total <= SORT_MATCHES_UP_TO) {
      const few = SlotBuffer.of(Array.from(selected).sort(order.comparator(sort.order)));
      return { total, sorted: few, position: order.size, accept: undefined, bits: undefined };
    }
    const bits = this.takeBits();
    setBits(selected, bits);
    return { total, sorted: new SlotBuffer(), position: 0, accept: bits, bits };
  }

  /**
   * The slots passing every filter (the facet filters too when `withFacets`), from `candidates` or, without them,
   * from every slot: gathered into a scratch array, then narrowed one condition at a time, each a tight loop over
   * what is left reading a verdict by id (~1–3 ns a slot, where a call per slot checking every condition costs
   * 10–20). Valid until the next call.
   */
  private select(plan: Plan, candidates: Candidates | undefined, withFacets: boolean): Int32Array {
    this.prepare(plan, candidates ? candidates.size : this.podCount);
    let slots: Int32Array;
    let count = 0;
    if (!candidates) {
      slots = this.scratch.int32Unzeroed('selected', this.slotCount);
      count = gatherLive(this.live, this.slotCount, slots);
    } else {
      let listed = 0;
      for (const list of candidates.lists) listed += list.length;
      slots = this.scratch.int32Unzeroed('selected', listed);
      const seen = candidates.overlapping ? this.scratch.bytes('seen', this.slotCount) : undefined;
      for (const list of candidates.lists)
        count = seen ? gatherOnce(list, seen, slots, count) : gather(list, slots, count);
    }
    if (withFacets) {
      if (plan.namespace !== -1) count = keepEqual(slots, count, this.namespaceOf, plan.namespace);
      if (plan.node !== -1) count = keepEqual(slots, count, this.nodeOf, plan.node);
      if (plan.statuses) count = keepPassing(slots, count, this.statusOf, plan.statuses.byId);
    }
    if (plan.namespaces) count = keepPassing(slots, count, this.namespaceOf, plan.namespaces.byId);
    if (plan.nodes) count = keepPassing(slots, count, this.nodeOf, plan.nodes.byId);
    if (plan.profiles) count = keepPassing(slots, count, this.profileOf, plan.profiles.byId);
    const labels = plan.labels;
    if (labels?.bySlot) count = keepMarked(slots, count, labels.bySlot);
    else if (labels) count = this.keep(slots, count, (slot) => this.matchesLabels(labels, slot));
    if (plan.search) {
      count =
        4 * count > this.podCount
          ? keepMarked(slots, count, this.searchHits(plan.search))
          : this.keepSearch(slots, count, plan.search);
    }
    const perPod = plan.perPodFields;
    if (perPod) count = this.keep(slots, count, (slot) => this.matchesPerPodFields(perPod, slot));
    return slots.subarray(0, count);
  }

  /**
   * By slot, 1 where the own texts or a shared value hold the needle: one tight pass per source of hits, for when
   * most slots are to be checked (~1 ns a slot and source, against ~15 ns a slot checking every source at once).
   */
  private searchHits(search: SearchPlan): Uint8Array {
    const count = this.slotCount;
    const hits = this.scratch.bytes('searchHits', count);
    if (search.character) {
      const { word, bit } = search.character;
      const shift = 31 - Math.clz32(bit);
      markByMask(this.nameGrams.classMasks(), word, shift, count, hits);
      markByMask(this.podIPGrams.classMasks(), word, shift, count, hits);
    } else {
      if (!search.own) {
        search.own = this.scratch.bytes('searchOwn', count);
        markContaining(this.nameGrams, search.names, search.needle, search.own);
        markContaining(this.podIPGrams, search.podIPs, search.needle, search.own);
      }
      hits.set(search.own.subarray(0, count));
    }
    if (search.namespaces) markPassing(this.namespaceOf, search.namespaces, count, hits);
    if (search.nodes) markPassing(this.nodeOf, search.nodes, count, hits);
    if (search.hostIPs) markPassing(this.hostIPsOf, search.hostIPs, count, hits);
    if (search.images) markPassing(this.imagesOf, search.images, count, hits);
    return hits;
  }

  /** Narrows `slots` to those whose own texts or shared values hold the needle. */
  private keepSearch(slots: Int32Array, count: number, search: SearchPlan): number {
    const { namespaceOf, nodeOf, hostIPsOf, imagesOf } = this;
    const { namespaces, nodes, hostIPs, images, own, character } = search;
    const names = this.nameGrams.classMasks();
    const podIPs = this.podIPGrams.classMasks();
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const slot = slots[i];
      const hit =
        (namespaces !== undefined && namespaces[namespaceOf[slot]] === 1) ||
        (nodes !== undefined && nodes[nodeOf[slot]] === 1) ||
        (hostIPs !== undefined && hostIPs[hostIPsOf[slot]] === 1) ||
        (images !== undefined && images[imagesOf[slot]] === 1) ||
        (own !== undefined
          ? own[slot] === 1
          : character !== undefined
            ? ((names[2 * slot + character.word] | podIPs[2 * slot + character.word]) & character.bit) !== 0
            : this.nameGrams.contains(slot, search.needle) || this.podIPGrams.contains(slot, search.needle));
      if (hit) slots[kept++] = slot;
    }
    return kept;
  }

  private keep(slots: Int32Array, count: number, passes: (slot: number) => boolean): number {
    let kept = 0;
    for (let i = 0; i < count; i++) if (passes(slots[i])) slots[kept++] = slots[i];
    return kept;
  }

  /**
   * `total` from the counts, for a filter of one condition on holder-counted values (a namespace, node, statuses,
   * profiles, grants, one label requirement) or of statuses with a namespace or node condition.
   */
  private countedTotal(plan: Plan): number | undefined {
    if (plan.search || plan.perPodFields) return undefined;
    const { namespace, node, statuses, namespaces, nodes, profiles, labels } = plan;
    const set = [namespace !== -1, node !== -1, statuses, namespaces, nodes, profiles, labels].filter(Boolean).length;
    if (set === 0) return this.podCount;
    if (set === 1) {
      if (namespace !== -1) return this.namespaces.holderCount(namespace);
      if (node !== -1) return this.nodes.holderCount(node);
      if (labels) return labels.condition.exact ? labels.condition.pods : undefined;
      return (statuses ?? namespaces ?? nodes ?? profiles)!.pods;
    }
    if (set !== 2 || !statuses) return undefined;
    const sum = (pairs: PairCounts, columns: number[]) => {
      let total = 0;
      for (const status of statuses.ids) for (const column of columns) total += pairs.get(status, column);
      return total;
    };
    if (namespace !== -1) return sum(this.statusNamespaces, [namespace]);
    if (namespaces) return sum(this.statusNamespaces, namespaces.ids);
    if (node !== -1) return sum(this.statusNodes, [node]);
    if (nodes) return sum(this.statusNodes, nodes.ids);
    return undefined;
  }

  /**
   * The walk's test for a counted filter, on copies of its verdicts (plans live in scratch buffers): by the slot's
   * ids, or, for a label requirement, a bit set of the slots its lists give (`bits`, of the pool).
   */
  private idAccept(plan: Plan, bits: Uint32Array | undefined): Accept {
    if (plan.labels && bits) {
      const { lists, negated } = plan.labels.condition;
      if (negated) bits.fill(0xffffffff);
      for (const list of lists) {
        if (negated) clearBits(list, bits);
        else setBits(list, bits);
      }
      return bits;
    }
    const { namespaceOf, nodeOf, statusOf, profileOf } = this;
    const namespace = plan.namespace;
    const node = plan.node;
    const statuses = plan.statuses?.byId.slice();
    const namespaces = plan.namespaces?.byId.slice();
    const nodes = plan.nodes?.byId.slice();
    const profiles = plan.profiles?.byId.slice();
    return (slot) =>
      (namespace === -1 || namespaceOf[slot] === namespace) &&
      (node === -1 || nodeOf[slot] === node) &&
      (statuses === undefined || statuses[statusOf[slot]] === 1) &&
      (namespaces === undefined || namespaces[namespaceOf[slot]] === 1) &&
      (nodes === undefined || nodes[nodeOf[slot]] === 1) &&
      (profiles === undefined || profiles[profileOf[slot]] === 1);
  }

  /** Counts for each facet under every other filter (no plan: no filter at all). */
  private countFacets(plan: Plan | undefined): PodFacets {
    const counts: FacetCounts = {
      status: this.scratch.int32('statusCounts', this.statuses.capacity),
      namespace: this.scratch.int32('namespaceCounts', this.namespaces.capacity),
      node: this.scratch.int32('nodeCounts', this.nodes.capacity),
      total: 0,
    };
    if (!plan) {
      counts.total = this.size;
      holderCounts(this.statuses, counts.status);
      holderCounts(this.namespaces, counts.namespace);
      holderCounts(this.nodes, counts.node);
    } else if (!plan.nothing) {
      if (!hasBaseFilter(plan)) this.tallyFacetFilters(plan, counts);
      else if (!this.tallyByComplement(plan, counts)) this.tallyFiltered(plan, counts);
    }
    const unscheduled = this.nodes.idOf('');
    if (unscheduled !== undefined) counts.node[unscheduled] = 0;
    return Object.freeze({
      total: counts.total,
      status: Object.freeze(countsByKey(this.statuses, counts.status)),
      namespace: Object.freeze(countsByKey(this.namespaces, counts.namespace)),
      nodeName: Object.freeze(countsByKey(this.nodes, counts.node)),
    });
  }

  /**
   * Facets under one filter no facet leaves out that keeps most pods and whose left-out pods are listed (grants or
   * `metadata.namespace` terms, `spec.nodeName` terms, field profiles, one negative label requirement): the facets
   * without it, from the counts, less those of the pods it leaves out — far fewer to read than the pods it keeps.
   * False when that does not apply.
   */
  private tallyByComplement(plan: Plan, counts: FacetCounts): boolean {
    if (plan.search || plan.perPodFields) return false;
    const { namespaces, nodes, profiles, labels } = plan;
    if ([namespaces, nodes, profiles, labels].filter((check) => check !== undefined).length !== 1) return false;
    let excluded: Int32Array[];
    if (labels) {
      if (!labels.condition.exact || !labels.condition.negated) return false;
      excluded = labels.condition.lists;
    } else {
      const verdicts = (namespaces ?? nodes ?? profiles)!;
      if (2 * verdicts.pods < this.podCount) return false;
      excluded = [];
      for (let id = 0; id < verdicts.byId.length; id++) {
        if (verdicts.byId[id] === 0 && verdicts.lists.size(id) > 0) excluded.push(verdicts.lists.slots(id));
      }
    }
    this.tallyFacetFilters(withoutBaseFilters(plan), counts);
    let size = 0;
    for (const list of excluded) size += list.length;
    const slots = this.scratch.int32Unzeroed('excluded', size);
    let count = 0;
    for (const list of excluded) count = gather(list, slots, count);
    counts.total -= this.tallyCounts(plan, slots.subarray(0, count), counts, ALL_FACETS, -1);
    return true;
  }

  /**
   * Facets when only namespace, status and node filter: each facet counts the pods of the other two, which holder
   * and pair counts give unless both are set; those left are counted over the namespace's or node's pods.
   */
  private tallyFacetFilters(plan: Plan, counts: FacetCounts): void {
    const { namespace, node, statuses } = plan;
    const byNamespace = namespace !== -1;
    const byNode = node !== -1;
    const tally: Tally = { status: false, namespace: false, node: false, total: false };
    if (!byNamespace && !byNode) holderCounts(this.statuses, counts.status);
    else if (!byNode) pairColumn(this.statusNamespaces, this.statuses, namespace, counts.status);
    else if (!byNamespace) pairColumn(this.statusNodes, this.statuses, node, counts.status);
    else tally.status = true;
    if (!statuses && !byNode) holderCounts(this.namespaces, counts.namespace);
    else if (!byNode) for (const status of statuses!.ids) this.statusNamespaces.addRowTo(status, counts.namespace);
    else tally.namespace = true;
    if (!statuses && !byNamespace) holderCounts(this.nodes, counts.node);
    else if (!byNamespace) for (const status of statuses!.ids) this.statusNodes.addRowTo(status, counts.node);
    else tally.node = true;
    const total = this.countedTotal(plan);
    if (total !== undefined) counts.total = total;
    else tally.total = true;
    if (!tally.status && !tally.namespace && !tally.node && !tally.total) return;
    // What is left counts pods in the namespace or on the node: both lists, the second without the first's pods.
    const inNamespace = byNamespace ? this.byNamespace.slots(Math.max(namespace, -1)) : NO_SLOTS;
    const onNode = byNode ? this.byNode.slots(Math.max(node, -1)) : NO_SLOTS;
    const slots = this.scratch.int32Unzeroed('selected', inNamespace.length + onNode.length);
    slots.set(inNamespace);
    let count = inNamespace.length;
    for (let i = 0; i < onNode.length; i++) {
      if (!byNamespace || this.namespaceOf[onNode[i]] !== namespace) slots[count++] = onNode[i];
    }
    this.tally(plan, slots.subarray(0, count), counts, tally);
  }

  /** Facets under filters no facet leaves out: one pass over the smallest set holding every pod that counts. */
  private tallyFiltered(plan: Plan, counts: FacetCounts): void {
    const options: Candidates[] = [];
    const base = this.smallest(this.candidatesOf(plan, false));
    if (base) options.push(base);
    const facetSets = this.facetCandidates(plan).sort((a, b) => a.size - b.size);
    if (facetSets.length >= 2) {
      // A pod counts somewhere only if it passes two of the three facet filters: one of any two set ones.
      const [x, y] = facetSets;
      options.push({ size: x.size + y.size, lists: [...x.lists, ...y.lists], overlapping: true });
    }
    const candidates = this.smallest(options);
    const fullPass = !candidates || candidates.size > FULL_PASS_SHARE * this.podCount;
    const selected = this.select(plan, fullPass ? undefined : candidates, false);
    this.tally(plan, selected, counts, ALL_FACETS);
  }

  /**
   * Counts pods (that pass the base filters) where they count: in each facet whose other two facet filters they
   * pass, and in the total when they pass all three; only what `tally` asks for.
   */
  private tally(plan: Plan, slots: Int32Array, counts: FacetCounts, tally: Tally): void {
    const total = this.tallyCounts(plan, slots, counts, tally, 1);
    if (tally.total) counts.total = total;
  }

  /** `tally` adding `delta` per pod; returns how many pass all three facet filters. */
  private tallyCounts(plan: Plan, slots: Int32Array, counts: FacetCounts, tally: Tally, delta: number): number {
    const ignored = (length: number) => this.scratch.int32('ignoredCounts', length);
    return tallySlots(
      slots,
      { namespaceOf: this.namespaceOf, nodeOf: this.nodeOf, statusOf: this.statusOf },
      {
        namespaces: this.passing('passingNamespaces', this.namespaces.capacity, plan.namespace),
        statuses: plan.statuses?.byId ?? this.passing('passingStatuses', this.statuses.capacity, -1),
        nodes: this.passing('passingNodes', this.nodes.capacity, plan.node),
      },
      {
        status: tally.status ? counts.status : ignored(counts.status.length),
        namespace: tally.namespace ? counts.namespace : ignored(counts.namespace.length),
        node: tally.node ? counts.node : ignored(counts.node.length),
      },
      delta,
    );
  }

  /** 1 by id for every id (`only` -1), or for `only` alone (none for -2, an unknown value). */
  private passing(purpose: string, capacity: number, only: number): Uint8Array {
    const passes = this.scratch.bytes(purpose, capacity);
    if (only === -1) passes.fill(1);
    else if (only >= 0) passes[only] = 1;
    return passes;
  }

  /** Whether the slot's label map passes, asked once per map (where the selector was not decided per slot). */
  private matchesLabels(check: LabelCheck, slot: number): boolean {
    const map = this.labelsOf[slot];
    const byMap = (check.byMap ??= this.scratch.bytes('labelsByMap', this.labelSets.capacity));
    if (byMap[map] === 0) byMap[map] = this.labelSets.matches(check.selector, map) ? 1 : 2;
    return byMap[map] === 1;
  }

  private matchesPerPodFields(selector: FieldSelector, slot: number): boolean {
    const name = this.names[slot];
    const podIP = this.podIPOf[slot];
    return selector.matches((field) => (field === 'metadata.name' ? name : podIP)); // the only per-pod fields
  }

  /**
   * Before checking `size` candidates: decides the search and the label selector for every slot at once where
   * that costs less than deciding them per candidate.
   */
  private prepare(plan: Plan, size: number): void {
    const { search, labels } = plan;
    if (search && !search.own && !search.character && search.names.ids.length + search.podIPs.ids.length <= size) {
      const own = this.scratch.bytes('searchOwn', this.slotCount);
      markContaining(this.nameGrams, search.names, search.needle, own);
      markContaining(this.podIPGrams, search.podIPs, search.needle, own);
      search.own = own;
    }
    if (labels && !labels.bySlot && labels.condition.listed <= LABEL_LISTS_PER_CANDIDATE * size) {
      labels.bySlot = this.labelSets.bySlot(labels.selector, this.slotCount);
    }
  }

  /** Each condition's candidates (with the facet filters' when `withFacets`). */
  private candidatesOf(plan: Plan, withFacets: boolean): Candidates[] {
    const options = withFacets ? this.facetCandidates(plan) : [];
    for (const verdicts of [plan.namespaces, plan.nodes, plan.profiles]) if (verdicts) options.push(postings(verdicts));
    const labels = plan.labels?.condition;
    if (labels?.candidates) options.push({ size: labels.pods, lists: labels.candidates, overlapping: false });
    if (plan.search && !plan.search.character) {
      const { names, podIPs, sharedLists, size } = plan.search;
      options.push({ size, lists: [names.ids, podIPs.ids, ...sharedLists], overlapping: true });
    }
    if (plan.perPodCandidates) {
      options.push({ size: plan.perPodCandidates.length, lists: [plan.perPodCandidates], overlapping: false });
    }
    return options;
  }

  private facetCandidates(plan: Plan): Candidates[] {
    const options: Candidates[] = [];
    for (const [id, lists] of [
      [plan.namespace, this.byNamespace],
      [plan.node, this.byNode],
    ] as const) {
      if (id === -2) options.push({ size: 0, lists: [], overlapping: false });
      else if (id !== -1) options.push({ size: lists.size(id), lists: [lists.slots(id)], overlapping: false });
    }
    if (plan.statuses) options.push(postings(plan.statuses));
    return options;
  }

  private smallest(options: Candidates[]): Candidates | undefined {
    let best: Candidates | undefined;
    for (const option of options) if (!best || option.size < best.size) best = option;
    return best;
  }

  /** `grants`: `grantsKey(filter)`. */
  private plan(filter: NormalizedPodFilter, grants: string): Plan {
    const plan: Plan = {
      nothing: false,
      namespace: -1,
      node: -1,
      statuses: undefined,
      namespaces: undefined,
      nodes: undefined,
      profiles: undefined,
      labels: undefined,
      search: undefined,
      perPodFields: undefined,
      perPodCandidates: undefined,
    };
    if (filter.namespace !== undefined) plan.namespace = this.namespaces.idOf(filter.namespace) ?? -2;
    if (filter.nodeName !== undefined) plan.node = this.nodes.idOf(filter.nodeName) ?? -2;
    if (filter.statuses) {
      const wanted = filter.statuses;
      plan.statuses = this.decide('statuses', this.statuses, this.byStatus, (_, lower) => wanted.has(lower));
    }
    const canSee = filter.canSeeNamespace;
    if (canSee && grants !== '') {
      plan.namespaces = this.decide('namespaces', this.namespaces, this.byNamespace, (namespace) => canSee(namespace));
    }
    if (filter.labelSelector) {
      const selector = filter.labelSelector;
      const condition = this.labelSets.condition(selector);
      plan.labels = { selector, condition, bySlot: undefined, byMap: undefined };
      plan.nothing ||= condition.pods === 0;
    }
    // Before the search: a `status.podIP` term reads the pod IPs' trigrams too, whose buffer the search keeps.
    if (filter.fieldSelector) this.planFields(filter.fieldSelector, plan, filter.canSeeNamespace);
    if (filter.search !== undefined) {
      plan.search = this.search(filter.search);
      plan.nothing ||= plan.search === undefined;
    }
    plan.nothing ||= [plan.namespaces, plan.nodes, plan.profiles].some((check) => check?.pods === 0);
    return plan;
  }

  /** Splits field-selector terms by where their values are interned. */
  private planFields(
    selector: FieldSelector,
    plan: Plan,
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
      const canSee = plan.namespaces ? canSeeNamespace : undefined;
      plan.namespaces = this.decide(
        'namespaces',
        this.namespaces,
        this.byNamespace,
        (namespace) => (!canSee || canSee(namespace)) && byNamespace.matches(() => namespace),
      );
    }
    if (terms.node.length > 0) {
      const byNode = new FieldSelector(terms.node);
      plan.nodes = this.decide('nodes', this.nodes, this.byNode, (nodeName) => byNode.matches(() => nodeName));
    }
    if (terms.profile.length > 0) {
      const byProfile = new FieldSelector(terms.profile);
      plan.profiles = this.decide('profiles', this.profiles, this.byProfile, (_, profile) =>
        byProfile.matches((field) => profile[field] ?? ''),
      );
    }
    if (terms.perPod.length > 0) {
      const perPod = new FieldSelector(terms.perPod);
      plan.perPodFields = perPod;
      const name = perPod.requiresExactMatch('metadata.name');
      const podIP = perPod.requiresExactMatch('status.podIP');
      if (name !== undefined) {
        const named: number[] = [];
        for (const inNamespace of this.slots.values()) {
          const slot = inNamespace.get(name);
          if (slot !== undefined) named.push(slot);
        }
        plan.perPodCandidates = Int32Array.from(named);
      } else if (podIP) {
        // The primary pod IP is one of the pod IPs searched (lower-cased): their candidates hold every match.
        plan.perPodCandidates = this.podIPGrams.candidates(podIP.toLowerCase()).ids.slice();
      }
    }
  }

  /** The search's candidates and verdicts, or undefined when no pod can match. */
  private search(needle: string): SearchPlan | undefined {
    // No Kubernetes name, IP or image reference holds a NUL, and the separator must not let a needle span texts.
    if (needle.includes(SEPARATOR)) return undefined;
    // One character of its own class: nearly every name holds it, and the class masks answer without a list.
    const character = this.nameGrams.characterBit(needle);
    const plan: SearchPlan = {
      needle,
      character,
      names: character ? NO_CANDIDATES : this.nameGrams.candidates(needle),
      podIPs: character ? NO_CANDIDATES : this.podIPGrams.candidates(needle),
      own: undefined,
      namespaces: undefined,
      nodes: undefined,
      hostIPs: undefined,
      images: undefined,
      sharedLists: [],
      size: 0,
    };
    plan.size = character ? this.podCount : plan.names.ids.length + plan.podIPs.ids.length;
    for (const [field, grams, table, lists] of [
      ['namespaces', this.namespaceGrams, this.namespaces, this.byNamespace],
      ['nodes', this.nodeGrams, this.nodes, this.byNode],
      ['hostIPs', this.hostIPGrams, this.hostIPTexts, this.byHostIPs],
      ['images', this.imageGrams, this.imageTexts, this.byImages],
    ] as const) {
      const ids = grams.search(needle);
      if (ids.length === 0) continue;
      const byId = this.scratch.bytes(`search.${field}`, table.capacity);
      for (const id of ids) {
        byId[id] = 1;
        plan.sharedLists.push(lists.slots(id));
        plan.size += table.holderCount(id);
      }
      plan[field] = byId;
    }
    return plan.size > 0 ? plan : undefined;
  }

  /** Per id of `table`, whether `passes` holds for a held id (in the scratch buffer of `purpose`), and its pods. */
  private decide<T>(
    purpose: string,
    table: InternTable<T>,
    lists: SlotLists,
    passes: (key: string, value: T) => boolean,
  ): Verdicts {
    const byId = this.scratch.bytes(purpose, table.capacity);
    const ids: number[] = [];
    let pods = 0;
    for (let id = 0; id < byId.length; id++) {
      if (table.isHeld(id) && passes(table.key(id), table.value(id))) {
        byId[id] = 1;
        ids.push(id);
        pods += table.holderCount(id);
      }
    }
    return { byId, ids, pods, lists };
  }

  /**
   * Which namespaces the caller's grants leave visible, as a key ('' when they hide none, or there are none): the
   * grants are a function, so answers are kept under what it said about each namespace.
   */
  private grantsKey(filter: NormalizedPodFilter): string {
    const canSee = filter.canSeeNamespace;
    if (!canSee) return '';
    const visible: number[] = [];
    let hidden = false;
    for (const id of this.namespaces.sortedIds()) {
      if (canSee(this.namespaces.key(id))) visible.push(id);
      else hidden = true;
    }
    return hidden ? `[${visible.join(',')}]` : '';
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Kept answers

  /** Drops every kept answer if a pod changed since they were made. */
  private dropStaleAnswers(): void {
    if (this.cachedVersion === this.version) return;
    this.answers.clear();
    this.facetAnswers.clear();
    this.pageTexts.clear();
    this.cachedVersion = this.version;
  }

  /** An answer that holds every match, or is dropped, no longer needs its bit set. */
  private settle(answer: Answer): void {
    if (answer.bits) this.giveBack(answer.bits);
    answer.bits = undefined;
    answer.accept = undefined;
  }

  /** A zeroed bit set with a bit per slot. */
  private takeBits(): Uint32Array {
    const words = (this.live.length + 31) >>> 5;
    for (let bits = this.spareBits.pop(); bits; bits = this.spareBits.pop()) {
      if (bits.length === words) return bits.fill(0);
    }
    return new Uint32Array(words);
  }

  private giveBack(bits: Uint32Array): void {
    if (this.spareBits.length < SPARE_BIT_SETS && bits.length === (this.live.length + 31) >>> 5) {
      this.spareBits.push(bits);
    }
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
    if (this.source.synced === false) {
      // The first fill: nobody reads the orders until it ends, and then one merge places every pod.
      this.burst = { dirty: [] };
      return;
    }
    if (++this.changesThisTask === 1) queueMicrotask(this.endOfTask);
    if (this.changesThisTask > Math.max(BURST_MIN_CHANGES, BURST_SHARE * this.podCount)) this.burst = { dirty: [] };
  }

  private readonly endOfTask = (): void => {
    this.changesThisTask = 0;
    if (!this.disposed) this.flushOrders();
  };

  private upsert(pod: KubePod): void {
    this.version++;
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const row = describePodRow(pod);
    const texts = podSearchTexts(pod);
    const profile = PROFILE_FIELDS.map((field) => podFieldValue(pod, field));
    const ids: PodIds = {
      namespace: this.acquire(this.namespaces, this.namespaceGrams, namespace, () => texts.namespace),
      node: this.acquire(this.nodes, this.nodeGrams, pod.spec.nodeName ?? '', () => texts.nodeName),
      status: this.statuses.acquire(row.status, (status) => status.toLowerCase()),
      labels: this.labelSets.acquire(pod.metadata.labels),
      profile: this.profiles.acquire(JSON.stringify(profile), () =>
        Object.fromEntries(PROFILE_FIELDS.map((field, i) => [field, profile[i]])),
      ),
      hostIPs: this.acquire(this.hostIPTexts, this.hostIPGrams, texts.hostIPs.join(SEPARATOR), (text) => text),
      images: this.acquire(this.imageTexts, this.imageGrams, texts.images.join(SEPARATOR), (text) => text),
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
      this.unlist(slot, ids);
      this.releaseIds(slot);
    }
    this.pods[slot] = pod;
    this.renderings[slot] = undefined;
    this.names[slot] = name;
    this.podIPOf[slot] = podFieldValue(pod, 'status.podIP');
    const listed = this.live[slot] === 1;
    this.live[slot] = 1;
    const previous = listed ? this.idsOf(slot) : undefined;
    this.namespaceOf[slot] = ids.namespace;
    this.nodeOf[slot] = ids.node;
    this.statusOf[slot] = ids.status;
    this.labelsOf[slot] = ids.labels;
    this.profileOf[slot] = ids.profile;
    this.hostIPsOf[slot] = ids.hostIPs;
    this.imagesOf[slot] = ids.images;
    this.list(slot, previous);
    this.createdAt[slot] = createdAt;
    this.restarts[slot] = restarts;
    this.readyOf[slot] = row.readiness.ready;
    this.containersOf[slot] = row.readiness.total;
    if (this.loading) {
      this.loading.names[slot] = texts.name;
      this.loading.podIPs[slot] = texts.podIPs.join(SEPARATOR);
    } else {
      this.nameGrams.set(slot, texts.name);
      this.podIPGrams.set(slot, texts.podIPs.join(SEPARATOR));
    }
    if (this.burst) this.markDirty(slot);
    else for (const order of moving) order.insert(slot);
    if (this.render) this.renderings[slot] = this.render(this.item(slot));
  }

  private delete(pod: KubePod): void {
    const namespace = pod.metadata.namespace ?? '';
    const inNamespace = this.slots.get(namespace);
    const slot = inNamespace?.get(pod.metadata.name ?? '');
    if (slot === undefined) return;
    this.version++;
    if (this.burst) this.markDirty(slot);
    else for (const order of Object.values(this.orders)) order.remove(slot);
    this.unlist(slot, undefined);
    this.releaseIds(slot);
    inNamespace!.delete(pod.metadata.name ?? '');
    if (inNamespace!.size === 0) this.slots.delete(namespace);
    this.podCount--;
    this.live[slot] = 0;
    this.pods[slot] = undefined;
    this.renderings[slot] = undefined;
    this.names[slot] = '';
    this.podIPOf[slot] = '';
    this.nameGrams.delete(slot);
    this.podIPGrams.delete(slot);
    // Reusable at once, even in a burst: the merge drops dirty slots from the orders by their mark, not by position.
    this.freeSlots.push(slot);
  }

  /** Interns a searchable value, indexing its text the first time. */
  private acquire(table: InternTable<string>, grams: TrigramIndex, key: string, text: (key: string) => string) {
    const id = table.acquire(key, text);
    if (table.holderCount(id) === 1) grams.set(id, table.value(id));
    return id;
  }

  private ordersChanging(slot: number, ids: PodIds, createdAt: number, restarts: number): SortedOrder<number>[] {
    const changing: SortedOrder<number>[] = [];
    if (this.createdAt[slot] !== createdAt) changing.push(this.orders.createdAt);
    if (this.restarts[slot] !== restarts) changing.push(this.orders.restarts);
    if (this.statusOf[slot] !== ids.status) changing.push(this.orders.status);
    if (this.nodeOf[slot] !== ids.node) changing.push(this.orders.nodeName);
    return changing; // name and namespace are the key: they never change
  }

  private idsOf(slot: number): PodIds {
    return {
      namespace: this.namespaceOf[slot],
      node: this.nodeOf[slot],
      status: this.statusOf[slot],
      labels: this.labelsOf[slot],
      profile: this.profileOf[slot],
      hostIPs: this.hostIPsOf[slot],
      images: this.imagesOf[slot],
    };
  }

  /**
   * Takes the slot out of the posting lists and pair counts of its current ids: all of them (`next` undefined, a
   * delete), or those that differ from `next` (the rest stay, and `list` leaves them).
   */
  private unlist(slot: number, next: PodIds | undefined): void {
    this.moveInLists(slot, this.idsOf(slot), next, -1);
  }

  /** Puts the slot in the lists and pair counts of its ids (all, or those that differ from `previous`). */
  private list(slot: number, previous: PodIds | undefined): void {
    this.moveInLists(slot, this.idsOf(slot), previous, 1);
  }

  /** Adds the slot to (`delta` 1), or removes it from (-1), the lists and pair counts of the `ids` not in `other`. */
  private moveInLists(slot: number, ids: PodIds, other: PodIds | undefined, delta: 1 | -1): void {
    const changed = (dimension: keyof PodIds) => !other || other[dimension] !== ids[dimension];
    for (const [dimension, lists] of this.postingDimensions) {
      if (!changed(dimension)) continue;
      if (delta > 0) lists.add(ids[dimension], slot);
      else lists.remove(ids[dimension], slot);
    }
    if (changed('labels')) {
      if (delta > 0) this.labelSets.list(ids.labels, slot);
      else this.labelSets.unlist(ids.labels, slot);
    }
    if (changed('status') || changed('namespace')) this.statusNamespaces.add(ids.status, ids.namespace, delta);
    if (changed('status') || changed('node')) this.statusNodes.add(ids.status, ids.node, delta);
  }

  private releaseIds(slot: number): void {
    if (this.namespaces.release(this.namespaceOf[slot])) this.namespaceGrams.delete(this.namespaceOf[slot]);
    if (this.nodes.release(this.nodeOf[slot])) this.nodeGrams.delete(this.nodeOf[slot]);
    this.statuses.release(this.statusOf[slot]);
    this.labelSets.release(this.labelsOf[slot]);
    this.profiles.release(this.profileOf[slot]);
    if (this.hostIPTexts.release(this.hostIPsOf[slot])) this.hostIPGrams.delete(this.hostIPsOf[slot]);
    if (this.imageTexts.release(this.imagesOf[slot])) this.imageGrams.delete(this.imagesOf[slot]);
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

/**
 * A pod as a page of the index gives it. `key` and `ready` are made when read: most items of a page are answered
 * from their kept JSON (pod-summary-json.ts), which needs neither.
 */
class SlotItem implements IndexedPod {
  constructor(
    readonly slot: number,
    readonly namespace: string,
    readonly name: string,
    readonly nodeName: string,
    readonly status: string,
    private readonly readyContainers: number,
    private readonly containers: number,
    readonly restarts: number,
    readonly createdAt: number,
    readonly pod: KubePod,
  ) {}

  get key(): string {
    return keyOf(this.namespace, this.name);
  }

  get ready(): string {
    return `${this.readyContainers}/${this.containers}`;
  }
}

/** Per facet, counts by id, and the pods matching every filter. */
interface FacetCounts {
  status: Int32Array;
  namespace: Int32Array;
  node: Int32Array;
  total: number;
}

/** Which facet counts (and the total) a pass over pods has to count. */
interface Tally {
  status: boolean;
  namespace: boolean;
  node: boolean;
  total: boolean;
}

const ALL_FACETS: Tally = { status: true, namespace: true, node: true, total: true };

/** The plan's facet filters alone. */
function withoutBaseFilters(plan: Plan): Plan {
  return {
    nothing: false,
    namespace: plan.namespace,
    node: plan.node,
    statuses: plan.statuses,
    namespaces: undefined,
    nodes: undefined,
    profiles: undefined,
    labels: undefined,
    search: undefined,
    perPodFields: undefined,
    perPodCandidates: undefined,
  };
}

/** No filter narrows the pods (grants that hide no namespace are none). */
function isUnfiltered(filter: NormalizedPodFilter, grants: string): boolean {
  return (
    filter.namespace === undefined &&
    filter.statuses === undefined &&
    filter.nodeName === undefined &&
    filter.search === undefined &&
    filter.labelSelector === undefined &&
    filter.fieldSelector === undefined &&
    grants === ''
  );
}

/** A query's filter and sort in canonical text: the key of its kept answer. */
function answerKey(filter: NormalizedPodFilter, grants: string, sort: PodSort): string {
  return `${sort.by} ${sort.order} ${isUnfiltered(filter, grants) ? '' : filterKey(filter, grants)}`;
}

/** The filter in canonical text: equal for filters that select the same pods from the same index state. */
function filterKey(filter: NormalizedPodFilter, grants: string): string {
  return JSON.stringify([
    filter.namespace ?? null,
    filter.statuses ? [...filter.statuses].sort() : null,
    filter.nodeName ?? null,
    filter.search ?? null,
    filter.labelSelector?.toString() ?? null,
    filter.fieldSelector?.toString() ?? null,
    grants,
  ]);
}

function hasBaseFilter(plan: Plan): boolean {
  return (
    plan.namespaces !== undefined ||
    plan.nodes !== undefined ||
    plan.profiles !== undefined ||
    plan.labels !== undefined ||
    plan.search !== undefined ||
    plan.perPodFields !== undefined
  );
}

const NO_SLOTS = new Int32Array(0);

function postings(verdicts: Verdicts): Candidates {
  return { size: verdicts.pods, lists: verdicts.ids.map((id) => verdicts.lists.slots(id)), overlapping: false };
}

function answerCost(answer: Answer): number {
  return 128 + answer.sorted.byteLength + (answer.bits?.byteLength ?? 0);
}

function holderCounts<T>(table: InternTable<T>, counts: Int32Array): void {
  for (const id of table.sortedIds()) counts[id] = table.holderCount(id);
}

/** Per status, its pods with `column` (a namespace or node id; a negative one: none). */
function pairColumn(pairs: PairCounts, statuses: InternTable<string>, column: number, counts: Int32Array): void {
  for (const status of statuses.sortedIds()) counts[status] = pairs.get(status, column);
}

/** Counts as a JSON object, keys in code-unit order (as `toCounts` orders them), values with no pod left out. */
function countsByKey<T>(table: InternTable<T>, counts: Int32Array): Record<string, number> {
  const result: Record<string, number> = {};
  for (const id of table.sortedIds()) if (counts[id] > 0) result[table.key(id)] = counts[id];
  return result;
}

function grown<A extends Uint8Array | Int32Array | Float64Array>(array: A, capacity: number): A {
  const next = new (array.constructor as new (length: number) => A)(capacity);
  next.set(array);
  return next;
}
