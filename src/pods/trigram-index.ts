/**
 * Substring search over one short lower-cased text per id (a pod slot, or an interned value), answering from
 * posting lists of the texts' trigrams instead of reading every text.
 *
 * Characters are mapped to classes: a–z, 0–9 and the punctuation of names, IPs and image references (`.-:/_@`) each
 * have their own; every other character shares one (so a gram holding it stands for several texts' grams, and hits
 * must be verified). For each trigram of classes occurring in a text, a posting lists the ids having it, ascending;
 * an "end" class also records the last two characters of each text (of each piece of a text joined with
 * `SEPARATOR`), so that a two-character needle is the union of the postings it starts, and texts of two characters
 * are found too.
 *
 * - needle of 3+ characters: the intersection of its trigrams' postings (smallest first), verified with `includes`
 *   unless it is exactly one trigram of exact classes;
 * - two characters: the union of the postings of every trigram it starts (or of the end gram);
 * - one character: a per-id mask of the classes present, scanned.
 *
 * Candidates are verified against a copy of the texts packed into one byte array (texts of characters up to
 * U+00FF; others are read from their strings): `includes` on 100 000 strings scattered over a large heap costs a
 * cache miss per text, ~70 ns, the byte loop over the packed copy ~20 ns.
 *
 * Texts must not contain `SEPARATOR` except between the values of one text: a needle holding it matches nothing.
 */
import { intersect, Postings } from './postings.js';

export const SEPARATOR = '\u0000';

// Classes 0–41 are exact (one character each), OTHER stands for every other character, END for "after the last
// character of a piece".
const OTHER = 42;
const END = 43;
const CLASSES = 44;

function classOf(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // a–z
  if (code >= 0x30 && code <= 0x39) return 26 + code - 0x30; // 0–9
  switch (code) {
    case 0x2e: // .
      return 36;
    case 0x2d: // -
      return 37;
    case 0x3a: // :
      return 38;
    case 0x2f: // /
      return 39;
    case 0x5f: // _
      return 40;
    case 0x40: // @
      return 41;
    default:
      return OTHER;
  }
}

const SEPARATOR_CODE = 0;

/** What the postings say about a needle without reading any text. */
export interface TextCandidates {
  /**
   * Ids whose text may contain the needle, each once (ascending unless the needle has two characters): a view into
   * a buffer the next call to `candidates` reuses.
   */
  readonly ids: Int32Array;
  /** Every id listed does contain the needle. */
  readonly exact: boolean;
}

const NONE: TextCandidates = { ids: new Int32Array(0), exact: true };

export class TrigramIndex {
  private readonly texts: string[] = [];
  private readonly postings = new Postings<number>();
  /** Per id, two words: bit c set when a character of class c occurs in its text. */
  private classes = new Uint32Array(0);
  /** The texts packed: per id its start and length in `chars` (length -1: not packed, read the string). */
  private chars = new Uint8Array(0);
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  /** Bytes of `chars` written, and of those no longer any text's. */
  private used = 0;
  private garbage = 0;
  /** Reused by `gramsOf` and the two-character union. */
  private gramBuffer = new Int32Array(64);
  private marks = new Uint8Array(0);
  /** Holds the last answer of `candidates` when it is not a posting itself. */
  private result = new Int32Array(0);

  /** One more than the largest id given a text. */
  get capacity(): number {
    return this.texts.length;
  }

  text(id: number): string {
    return this.texts[id] ?? '';
  }

  /** Gives `id` the text `text` (`''` for none). */
  set(id: number, text: string): void {
    this.reserve(id);
    const previous = this.texts[id];
    if (previous === text) return;
    const removed = previous === '' ? EMPTY : this.gramsOf(previous).slice();
    const added = this.gramsOf(text);
    // Both sorted: drop the grams only the old text had, add those only the new one has.
    let r = 0;
    let a = 0;
    while (r < removed.length || a < added.length) {
      if (a >= added.length || (r < removed.length && removed[r] < added[a])) this.postings.remove(removed[r++], id);
      else if (r >= removed.length || added[a] < removed[r]) this.postings.add(added[a++], id);
      else {
        r++;
        a++;
      }
    }
    this.texts[id] = text;
    classBits(text, this.classes, 2 * id);
    this.pack(id, text);
  }

  delete(id: number): void {
    if (id < this.texts.length) this.set(id, '');
  }

  /**
   * Fills an empty index with `texts[id]` for every id: each posting counted, allocated at its size and filled in
   * id order — ~20 times faster than `set` text by text, which searches and grows postings one gram at a time.
   */
  load(texts: readonly string[]): void {
    if (this.texts.length > 0) throw new Error('TrigramIndex.load: the index is not empty');
    const count = texts.length;
    if (count === 0) return;
    this.reserve(count - 1);
    // Every text's grams, once each, in one array (ids' grams from offsets[id]); then each gram's ids, in id order.
    const offsets = new Int32Array(count + 1);
    let total = 0;
    for (const text of texts) total += text.length;
    const all = new Int32Array(total + count);
    const last = new Int32Array(GRAMS).fill(-1); // the last id that had each gram: repeats kept once
    const sizes = new Int32Array(GRAMS);
    let end = 0;
    for (let id = 0; id < count; id++) {
      end = distinctGrams(all, end, end + gramsInto(texts[id], true, all.subarray(end)), id, last, sizes);
      offsets[id + 1] = end;
    }
    const lists: (Int32Array | undefined)[] = [];
    for (let gram = 0; gram < GRAMS; gram++) if (sizes[gram] > 0) lists[gram] = new Int32Array(sizes[gram]);
    sizes.fill(0);
    fillLists(all, offsets, lists, sizes);
    lists.forEach((ids, gram) => this.postings.load(gram, ids!));
    for (let id = 0; id < count; id++) {
      this.texts[id] = texts[id];
      classBits(texts[id], this.classes, 2 * id);
      this.pack(id, texts[id]);
    }
  }

  /**
   * For a one-character needle whose class is its own (a–z, 0–9, `.-:/_@`): where its bit is in `classMasks()` (word
   * `2 × id + word`). Undefined for any other needle.
   */
  characterBit(needle: string): { word: number; bit: number } | undefined {
    if (needle.length !== 1) return undefined;
    const c = classOf(needle.charCodeAt(0));
    return c === OTHER ? undefined : { word: c < 32 ? 0 : 1, bit: 1 << (c & 31) };
  }

  /** Per id, two words of class bits (see `characterBit`): valid until the next `set`. */
  classMasks(): Uint32Array {
    return this.classes;
  }

  /** Whether the text of `id` contains `needle` (non-empty). */
  contains(id: number, needle: string): boolean {
    const length = this.lengths[id];
    if (length < 0) return this.texts[id].includes(needle);
    const chars = this.chars;
    const size = needle.length;
    const first = needle.charCodeAt(0);
    const start = this.starts[id];
    const end = start + length - size;
    for (let at = start; at <= end; at++) {
      if (chars[at] !== first) continue;
      let k = 1;
      while (k < size && chars[at + k] === needle.charCodeAt(k)) k++;
      if (k === size) return true;
    }
    return false;
  }

  /** The ids whose text may contain `needle` (non-empty), from the postings alone. */
  candidates(needle: string): TextCandidates {
    if (needle.includes(SEPARATOR)) return NONE;
    if (needle.length === 1) return this.byClass(needle);
    if (needle.length === 2) return this.byPrefix(needle);
    const grams = this.gramsOf(needle, false);
    const lists: Int32Array[] = [];
    for (const gram of grams) {
      const ids = this.postings.get(gram);
      if (ids.length === 0) return NONE;
      lists.push(ids);
    }
    lists.sort((a, b) => a.length - b.length);
    if (lists.length === 1) return { ids: lists[0], exact: needle.length === 3 && !hasOther(needle) };
    const buffer = this.buffer(lists[0].length);
    let ids = buffer.subarray(0, intersect(lists[0], lists[1], buffer));
    for (let k = 2; k < lists.length && ids.length > 0; k++) ids = buffer.subarray(0, intersect(ids, lists[k], buffer));
    return { ids, exact: false };
  }

  /** Every id whose text contains `needle` (non-empty), ascending unless it has two characters. */
  search(needle: string): number[] {
    const { ids, exact } = this.candidates(needle);
    const hits: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (exact || this.contains(ids[i], needle)) hits.push(ids[i]);
    }
    return hits;
  }

  private buffer(length: number): Int32Array {
    if (this.result.length < length) this.result = new Int32Array(Math.max(1024, length, 2 * this.result.length));
    return this.result;
  }

  /** One character: the ids whose class mask has its class. */
  private byClass(needle: string): TextCandidates {
    const c = classOf(needle.charCodeAt(0));
    const word = c < 32 ? 0 : 1;
    const bit = 1 << (c & 31);
    const count = this.texts.length;
    const ids = this.buffer(count);
    return { ids: ids.subarray(0, withBit(this.classes, count, word, bit, ids)), exact: c !== OTHER };
  }

  /** Two characters: the union of the postings of every trigram they start, and of their end gram. */
  private byPrefix(needle: string): TextCandidates {
    const first = classOf(needle.charCodeAt(0));
    const second = classOf(needle.charCodeAt(1));
    const base = (first * CLASSES + second) * CLASSES;
    if (this.marks.length < this.texts.length) this.marks = new Uint8Array(Math.max(1024, 2 * this.texts.length));
    const ids = this.buffer(this.texts.length);
    let found = 0;
    for (let third = 0; third < CLASSES; third++)
      found = union(this.postings.get(base + third), this.marks, ids, found);
    unmark(ids, found, this.marks);
    return { ids: ids.subarray(0, found), exact: first !== OTHER && second !== OTHER };
  }

  /** Room for `id` in the per-id arrays (a new id has the text `''`). */
  private reserve(id: number): void {
    while (this.texts.length <= id) this.texts.push('');
    if (id < this.lengths.length) return;
    const capacity = Math.max(1024, 2 * this.lengths.length, id + 1);
    const classes = new Uint32Array(2 * capacity);
    classes.set(this.classes);
    this.classes = classes;
    const starts = new Int32Array(capacity);
    starts.set(this.starts);
    this.starts = starts;
    const lengths = new Int32Array(capacity);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }

  /** Copies `text` into `chars`: over its old copy when it fits, else at the end (compacting first if worth it). */
  private pack(id: number, text: string): void {
    const old = this.lengths[id];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0xff) {
        this.garbage += Math.max(0, old);
        this.lengths[id] = -1;
        return;
      }
    }
    if (old < text.length) {
      this.garbage += Math.max(0, old);
      if (this.used + text.length > this.chars.length) this.makeRoom(text.length);
      this.starts[id] = this.used;
      this.used += text.length;
    } else {
      this.garbage += old - text.length;
    }
    const start = this.starts[id];
    for (let i = 0; i < text.length; i++) this.chars[start + i] = text.charCodeAt(i);
    this.lengths[id] = text.length;
  }

  /** Room for `length` more bytes: compacts when most of `chars` is garbage, else grows it. */
  private makeRoom(length: number): void {
    const live = this.used - this.garbage;
    if (this.garbage <= live) {
      const chars = new Uint8Array(Math.max(4096, Math.ceil(this.chars.length * 1.5), this.used + length));
      chars.set(this.chars.subarray(0, this.used));
      this.chars = chars;
      return;
    }
    const chars = new Uint8Array(Math.max(4096, Math.ceil((live + length) * 1.5)));
    let used = 0;
    for (let id = 0; id < this.texts.length; id++) {
      const size = this.lengths[id];
      if (size <= 0) continue;
      chars.set(this.chars.subarray(this.starts[id], this.starts[id] + size), used);
      this.starts[id] = used;
      used += size;
    }
    this.chars = chars;
    this.used = used;
    this.garbage = 0;
  }

  /**
   * The distinct grams of `text`, ascending (in a buffer reused by the next call): every trigram of each piece
   * between separators and, with `ends`, each piece's last two characters followed by END.
   */
  private gramsOf(text: string, ends = true): Int32Array {
    if (this.gramBuffer.length < text.length + 1) this.gramBuffer = new Int32Array(2 * text.length + 2);
    const count = gramsInto(text, ends, this.gramBuffer);
    const sorted = this.gramBuffer.subarray(0, count).sort();
    return sorted.subarray(0, distinctSorted(sorted));
  }
}

const EMPTY = new Int32Array(0);

/** Every gram key is below this. */
const GRAMS = CLASSES * CLASSES * CLASSES;

/**
 * Writes the grams of `text` (with repeats) into `into` (at least `text.length + 1` long): every trigram of each
 * piece between separators and, with `ends`, each piece's last two characters followed by END. Returns how many.
 */
function gramsInto(text: string, ends: boolean, into: Int32Array): number {
  let count = 0;
  let a = -1; // the classes of the two previous characters of the piece, -1 at its start
  let b = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : SEPARATOR_CODE;
    if (code === SEPARATOR_CODE) {
      if (ends && a >= 0) into[count++] = (a * CLASSES + b) * CLASSES + END;
      a = b = -1;
      continue;
    }
    const c = classOf(code);
    if (a >= 0) into[count++] = (a * CLASSES + b) * CLASSES + c;
    if (b >= 0) a = b;
    b = c;
  }
  return count;
}

/** Writes the class mask of `text` at `at` in `masks`: bit c of the first word for class c < 32, of the second for 32 + c. */
function classBits(text: string, masks: Uint32Array, at: number): void {
  let low = 0;
  let high = 0;
  for (let i = 0; i < text.length; i++) {
    const c = classOf(text.charCodeAt(i));
    if (c < 32) low |= 1 << c;
    else high |= 1 << (c - 32);
  }
  masks[at] = low;
  masks[at + 1] = high;
}

/**
 * Keeps, in place, the grams of `all[from … to)` that `id` has not had yet (`last` remembers), counting each in
 * `sizes`; returns where the kept ones end.
 */
function distinctGrams(
  all: Int32Array,
  from: number,
  to: number,
  id: number,
  last: Int32Array,
  sizes: Int32Array,
): number {
  let end = from;
  for (let i = from; i < to; i++) {
    const gram = all[i];
    if (last[gram] === id) continue;
    last[gram] = id;
    sizes[gram]++;
    all[end++] = gram;
  }
  return end;
}

/** Appends each id to the lists of its grams (`all` from `offsets[id]`), in id order; `sizes` counts the fill. */
function fillLists(all: Int32Array, offsets: Int32Array, lists: (Int32Array | undefined)[], sizes: Int32Array): void {
  for (let id = 0; id + 1 < offsets.length; id++) {
    for (let i = offsets[id]; i < offsets[id + 1]; i++) lists[all[i]]![sizes[all[i]]++] = id;
  }
}

/** Drops repeats from an ascending array in place; returns how many distinct values lead it. */
function distinctSorted(sorted: Int32Array): number {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
  return distinct;
}

// Loops in functions of their own (see pod-index.ts: code after a loop compiled on the stack deoptimizes).

/** Writes the ids whose class mask has `bit` in `word` into `into`; returns how many. */
function withBit(masks: Uint32Array, count: number, word: number, bit: number, into: Int32Array): number {
  let found = 0;
  for (let id = 0; id < count; id++) if ((masks[2 * id + word] & bit) !== 0) into[found++] = id;
  return found;
}

/** Appends the ids of `list` not marked yet to `into` from `found`, marking them; returns the new count. */
function union(list: Int32Array, marks: Uint8Array, into: Int32Array, found: number): number {
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    if (marks[id] === 0) {
      marks[id] = 1;
      into[found++] = id;
    }
  }
  return found;
}

function unmark(ids: Int32Array, count: number, marks: Uint8Array): void {
  for (let i = 0; i < count; i++) marks[ids[i]] = 0;
}

function hasOther(needle: string): boolean {
  for (let i = 0; i < needle.length; i++) if (classOf(needle.charCodeAt(i)) === OTHER) return true;
  return false;
}
