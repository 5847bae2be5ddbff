import { parseLabelSelector } from '../common/kube/label-selector.js';
import { LabelSets } from './label-sets.js';

// Label maps of a few pods (one slot each), and selectors covering every operator: what the lists say must be what
// LabelSelector.matches says.
const maps: (Record<string, string> | undefined)[] = [
  { app: 'web', tier: 'frontend' },
  { tier: 'frontend', app: 'web' }, // the same map, keys in another order
  { app: 'web', tier: 'frontend', canary: 'true' },
  { app: 'api', tier: 'backend', weight: '10' },
  { app: 'api', weight: '5' },
  { app: 'job', weight: 'x' },
  { 'k8s-app': 'kube-dns', big: '9223372036854775807' },
  {},
  undefined,
];

const selectors = [
  'app=web',
  'app==web,tier=frontend',
  'app!=web',
  'tier in (frontend,backend)',
  'tier notin (frontend)',
  'app in (web),app notin (web)',
  'canary',
  '!canary',
  '!canary,app=web',
  '!app',
  '!app,!canary',
  'weight>6',
  'weight<6',
  'weight>0,app=api',
  'big>9223372036854775806',
  'app=nope',
  'app in (web,api),tier',
  'app=web,app=api',
  'nope notin (x)',
];

function slotsOf(lists: Int32Array[]): number[] {
  return lists.flatMap((list) => [...list]).sort((a, b) => a - b);
}

describe(LabelSets.name, () => {
  const sets = new LabelSets();
  const ids = maps.map((labels) => sets.acquire(labels));
  ids.forEach((id, slot) => sets.list(id, slot));

  it('gives equal maps one id, whatever the key order; no labels and {} are equal', () => {
    expect(ids[1]).toBe(ids[0]);
    expect(ids[8]).toBe(ids[7]);
    expect(new Set(ids).size).toBe(7);
    expect(sets.size).toBe(7);
  });

  describe.each(selectors)('%s', (text) => {
    const selector = parseLabelSelector(text);
    const passing = maps.flatMap((labels, slot) => (selector.matches(labels) ? [slot] : []));

    it('is decided for every slot as LabelSelector.matches decides it', () => {
      const verdicts = sets.bySlot(selector, maps.length);
      expect(maps.map((_, slot) => verdicts[slot] === 1)).toEqual(maps.map((labels) => selector.matches(labels)));
      expect(ids.map((id) => sets.matches(selector, id))).toEqual(maps.map((labels) => selector.matches(labels)));
    });

    it('lists candidates holding every passing slot, and counts them exactly for one requirement', () => {
      const condition = sets.condition(selector);
      expect(condition.pods).toBeGreaterThanOrEqual(passing.length);
      if (condition.candidates) expect(slotsOf(condition.candidates)).toEqual(expect.arrayContaining(passing));
      expect(condition.exact).toBe(selector.requirements.length === 1);
      if (condition.exact) {
        expect(condition.pods).toBe(passing.length);
        const failing = maps.map((_, slot) => slot).filter((slot) => !passing.includes(slot));
        expect(slotsOf(condition.lists)).toEqual(condition.negated ? failing : passing);
      }
    });
  });

  it('follows slots taken off their map and maps forgotten by their last holder', () => {
    const own = new LabelSets();
    const web = own.acquire({ app: 'web' });
    own.list(web, 0);
    own.acquire({ app: 'web' });
    own.list(web, 1);
    const api = own.acquire({ app: 'api' });
    own.list(api, 2);
    expect(own.condition(parseLabelSelector('app=web')).pods).toBe(2);
    own.unlist(web, 0);
    expect(own.release(web)).toBe(false);
    expect(slotsOf(own.condition(parseLabelSelector('app=web')).lists)).toEqual([1]);
    own.unlist(web, 1);
    expect(own.release(web)).toBe(true);
    expect(own.size).toBe(1);
    expect(own.condition(parseLabelSelector('app=web')).pods).toBe(0);
    expect(own.condition(parseLabelSelector('!canary')).pods).toBe(1);
    expect(own.condition(parseLabelSelector('app')).pods).toBe(1);
    // the freed id goes to the next new map, under its own labels
    const db = own.acquire({ app: 'db' });
    own.list(db, 0);
    expect(db).toBe(web);
    expect(own.labels(db)).toEqual({ app: 'db' });
    expect(own.matches(parseLabelSelector('app=db'), db)).toBe(true);
    expect(slotsOf(own.condition(parseLabelSelector('app in (db,web)')).lists)).toEqual([0]);
    expect(own.condition(parseLabelSelector('app>1')).pods).toBe(0); // no numeric value
  });
});
