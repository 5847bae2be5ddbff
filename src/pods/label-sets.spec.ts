import { parseLabelSelector } from '../common/kube/label-selector.js';
import { LabelSets } from './label-sets.js';

// Label maps of a few pods, and selectors covering every operator: evaluate() must say what matches() says.
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
  'weight>6',
  'weight<6',
  'weight>0,app=api',
  'big>9223372036854775806',
  'app=nope',
  'app in (web,api),tier',
  'app=web,app=api',
  'nope notin (x)',
];

describe(LabelSets.name, () => {
  const sets = new LabelSets();
  const ids = maps.map((labels) => sets.acquire(labels));

  it('gives equal maps one id, whatever the key order; no labels and {} are equal', () => {
    expect(ids[1]).toBe(ids[0]);
    expect(ids[8]).toBe(ids[7]);
    expect(new Set(ids).size).toBe(7);
    expect(sets.size).toBe(7);
  });

  it.each(selectors)('evaluates %s as LabelSelector.matches does', (text) => {
    const selector = parseLabelSelector(text);
    const verdicts = sets.evaluate(selector);
    expect(ids.map((id) => verdicts[id] === 1)).toEqual(maps.map((labels) => selector.matches(labels)));
  });

  it('forgets a map when its last holder releases it, and selectors stop matching it', () => {
    const own = new LabelSets();
    const web = own.acquire({ app: 'web' });
    own.acquire({ app: 'web' });
    const api = own.acquire({ app: 'api' });
    own.release(web);
    expect(own.evaluate(parseLabelSelector('app=web'))[web]).toBe(1);
    own.release(web);
    expect(own.size).toBe(1);
    const afterRelease = own.evaluate(parseLabelSelector('!canary'));
    expect([afterRelease[web], afterRelease[api]]).toEqual([0, 1]);
    // the freed id goes to the next new map, under its own labels
    const db = own.acquire({ app: 'db' });
    expect(db).toBe(web);
    expect(own.evaluate(parseLabelSelector('app=web'))[db]).toBe(0);
    expect(own.evaluate(parseLabelSelector('app=db'))[db]).toBe(1);
    expect(own.labels(db)).toEqual({ app: 'db' });
  });
});
