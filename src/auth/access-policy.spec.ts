import type { Role } from './access.decorators.js';
import {
  allows,
  grantsOf,
  hasAnyGrant,
  holdsEverywhere,
  matchesScope,
  namespaceScope,
  roleIncludes,
  roleOn,
  type NamespaceScope,
} from './access-policy.js';
import type { Grant, GrantsDocument } from './grants.js';
import { ANONYMOUS, type Identity } from './identity.js';

const user = (name: string, ...groups: string[]): Identity => ({ kind: 'user', name, groups });
const token = (name: string): Identity => ({ kind: 'token', name, groups: [] });

const GRANTS = {
  aliceEverywhere: { subject: { user: 'alice' }, role: 'viewer', clusters: ['*'], namespaces: ['team-a', 'shop-*'] },
  aliceOperator: { subject: { user: 'alice' }, role: 'operator', clusters: ['prod-?'], namespaces: ['shop-eu'] },
  sreAdmin: { subject: { group: 'sre' }, role: 'admin', clusters: ['prod-*'], namespaces: ['*'] },
  portalToken: { subject: { token: 'portal' }, role: 'viewer', clusters: ['staging'], namespaces: ['*'] },
  portalUser: { subject: { user: 'portal' }, role: 'admin', clusters: ['*'], namespaces: ['*'] },
  bobViewer: { subject: { user: 'bob' }, role: 'viewer', clusters: ['dev'], namespaces: ['*'] },
  bobOperator: { subject: { user: 'bob' }, role: 'operator', clusters: ['dev'], namespaces: ['team-b'] },
  aliceAgain: { subject: { user: 'alice' }, role: 'viewer', clusters: ['dev'], namespaces: ['team-a'] },
  daveStars: { subject: { user: 'dave' }, role: 'viewer', clusters: ['dev', 'qa'], namespaces: ['team-?', '**'] },
} satisfies Record<string, Grant>;

const DOCUMENT: GrantsDocument = {
  tokens: [{ name: 'portal', sha256: 'a'.repeat(64) }],
  grants: Object.values(GRANTS),
};

const alice = user('alice');
const aliceInSre = user('alice', 'sre');
const carolInSre = user('carol', 'ops', 'sre');
const userNamedSre = user('sre');
const portalToken = token('portal');
const portalUser = user('portal');
const aliceToken = token('alice');
const bob = user('bob');
const dave = user('dave');
const mallory = user('mallory', 'everyone');

/** Each row with `where`, for its title: `cluster/namespace`, or the cluster alone for a cluster-scoped request. */
function named<T extends { cluster: string; namespace?: string }>(rows: T[]): (T & { where: string })[] {
  return rows.map((row) => ({
    ...row,
    where: row.namespace === undefined ? `${row.cluster} (cluster-scoped)` : `${row.cluster}/${row.namespace}`,
  }));
}

describe(roleOn.name, () => {
  it.each(
    named<{ who: string; identity: Identity; cluster: string; namespace?: string; role: Role | undefined }>([
      // a user's grants: globs on both axes, the highest role wins
      { who: 'alice', identity: alice, cluster: 'prod-1', namespace: 'shop-eu', role: 'operator' },
      { who: 'alice', identity: alice, cluster: 'prod-1', namespace: 'shop-us', role: 'viewer' },
      { who: 'alice', identity: alice, cluster: 'prod-12', namespace: 'shop-eu', role: 'viewer' },
      { who: 'alice', identity: alice, cluster: 'dev', namespace: 'team-a', role: 'viewer' },
      { who: 'alice', identity: alice, cluster: 'dev', namespace: 'team-b', role: undefined },
      { who: 'alice', identity: alice, cluster: 'dev', namespace: 'shop', role: undefined },
      // a cluster-scoped request: only grants over all namespaces count
      { who: 'alice', identity: alice, cluster: 'prod-1', role: undefined },
      { who: 'bob', identity: bob, cluster: 'dev', role: 'viewer' },
      { who: 'bob', identity: bob, cluster: 'dev', namespace: 'team-b', role: 'operator' },
      { who: 'bob', identity: bob, cluster: 'dev', namespace: 'team-c', role: 'viewer' },
      { who: 'bob', identity: bob, cluster: 'prod-1', namespace: 'team-b', role: undefined },
      { who: 'dave (namespaces "**")', identity: dave, cluster: 'qa', role: 'viewer' },
      // groups: the JWT's groups, not its name
      { who: 'alice in sre', identity: aliceInSre, cluster: 'prod-eu', namespace: 'team-b', role: 'admin' },
      { who: 'alice in sre', identity: aliceInSre, cluster: 'prod-eu', role: 'admin' },
      { who: 'alice in sre', identity: aliceInSre, cluster: 'dev', role: undefined },
      { who: 'alice in sre', identity: aliceInSre, cluster: 'dev', namespace: 'team-a', role: 'viewer' },
      { who: 'carol in sre', identity: carolInSre, cluster: 'prod-1', namespace: 'kube-system', role: 'admin' },
      { who: 'carol in sre', identity: carolInSre, cluster: 'staging', namespace: 'kube-system', role: undefined },
      { who: 'a user named sre', identity: userNamedSre, cluster: 'prod-1', namespace: 'x', role: undefined },
      // tokens and users of the same name are different callers
      { who: 'token portal', identity: portalToken, cluster: 'staging', namespace: 'any', role: 'viewer' },
      { who: 'token portal', identity: portalToken, cluster: 'staging', role: 'viewer' },
      { who: 'token portal', identity: portalToken, cluster: 'prod-1', namespace: 'any', role: undefined },
      { who: 'user portal', identity: portalUser, cluster: 'prod-1', namespace: 'any', role: 'admin' },
      { who: 'user portal', identity: portalUser, cluster: 'staging', role: 'admin' },
      { who: 'token alice', identity: aliceToken, cluster: 'prod-1', namespace: 'shop-eu', role: undefined },
      {
        who: 'a token carrying groups',
        identity: { ...portalToken, groups: ['sre'] },
        cluster: 'prod-1',
        role: undefined,
      },
      // nobody's grants
      { who: 'mallory', identity: mallory, cluster: 'prod-1', namespace: 'shop-eu', role: undefined },
      { who: 'mallory', identity: mallory, cluster: 'dev', role: undefined },
      // AUTH_MODE=none: everything, also where no grant exists
      { who: 'anonymous', identity: ANONYMOUS, cluster: 'anything', namespace: 'kube-system', role: 'admin' },
      { who: 'anonymous', identity: ANONYMOUS, cluster: 'anything', role: 'admin' },
      { who: 'a user named anonymous', identity: user('anonymous'), cluster: 'dev', role: undefined },
    ]),
  )('$who on $where → $role', ({ identity, cluster, namespace, role }) => {
    expect(roleOn(identity, DOCUMENT, cluster, namespace)).toBe(role);
  });

  it('finds nothing in an empty document, except for anonymous', () => {
    const empty: GrantsDocument = { tokens: [], grants: [] };
    expect(roleOn(alice, empty, 'dev', 'team-a')).toBeUndefined();
    expect(roleOn(ANONYMOUS, empty, 'dev', 'team-a')).toBe('admin');
  });

  it('takes the highest role whatever the order of the grants', () => {
    const reversed: GrantsDocument = { tokens: DOCUMENT.tokens, grants: [...DOCUMENT.grants].reverse() };
    expect(roleOn(alice, reversed, 'prod-1', 'shop-eu')).toBe('operator');
    expect(roleOn(aliceInSre, reversed, 'prod-1', 'shop-eu')).toBe('admin');
  });
});

describe(allows.name, () => {
  it.each(
    named<{ who: string; identity: Identity; required: Role; cluster: string; namespace?: string; allowed: boolean }>([
      { who: 'alice', identity: alice, required: 'viewer', cluster: 'prod-1', namespace: 'shop-eu', allowed: true },
      { who: 'alice', identity: alice, required: 'operator', cluster: 'prod-1', namespace: 'shop-eu', allowed: true },
      { who: 'alice', identity: alice, required: 'admin', cluster: 'prod-1', namespace: 'shop-eu', allowed: false },
      { who: 'alice', identity: alice, required: 'operator', cluster: 'prod-1', namespace: 'shop-us', allowed: false },
      { who: 'alice', identity: alice, required: 'viewer', cluster: 'prod-1', allowed: false },
      { who: 'bob', identity: bob, required: 'viewer', cluster: 'dev', allowed: true },
      { who: 'bob', identity: bob, required: 'operator', cluster: 'dev', allowed: false },
      { who: 'alice in sre', identity: aliceInSre, required: 'admin', cluster: 'prod-x', allowed: true },
      { who: 'token portal', identity: portalToken, required: 'operator', cluster: 'staging', allowed: false },
      { who: 'mallory', identity: mallory, required: 'viewer', cluster: 'dev', namespace: 'team-a', allowed: false },
      { who: 'anonymous', identity: ANONYMOUS, required: 'admin', cluster: 'dev', allowed: true },
    ]),
  )('$who, $required on $where → $allowed', ({ identity, required, cluster, namespace, allowed }) => {
    expect(allows(identity, DOCUMENT, required, cluster, namespace)).toBe(allowed);
  });
});

describe(roleIncludes.name, () => {
  it.each<{ held: Role; required: Role; included: boolean }>([
    { held: 'viewer', required: 'viewer', included: true },
    { held: 'viewer', required: 'operator', included: false },
    { held: 'viewer', required: 'admin', included: false },
    { held: 'operator', required: 'viewer', included: true },
    { held: 'operator', required: 'operator', included: true },
    { held: 'operator', required: 'admin', included: false },
    { held: 'admin', required: 'viewer', included: true },
    { held: 'admin', required: 'operator', included: true },
    { held: 'admin', required: 'admin', included: true },
  ])('$held includes $required → $included', ({ held, required, included }) => {
    expect(roleIncludes(held, required)).toBe(included);
  });
});

describe(namespaceScope.name, () => {
  type ScopeRow = { who: string; identity: Identity; cluster: string; required?: Role; scope: NamespaceScope };

  it.each(
    (
      [
        {
          who: 'alice (patterns of two grants, each once)',
          identity: alice,
          cluster: 'prod-1',
          scope: { all: false, patterns: ['team-a', 'shop-*', 'shop-eu'] },
        },
        {
          who: 'alice',
          identity: alice,
          cluster: 'prod-1',
          required: 'operator',
          scope: { all: false, patterns: ['shop-eu'] },
        },
        { who: 'alice', identity: alice, cluster: 'prod-1', required: 'admin', scope: { all: false, patterns: [] } },
        { who: 'alice', identity: alice, cluster: 'dev', scope: { all: false, patterns: ['team-a', 'shop-*'] } },
        { who: 'alice in sre', identity: aliceInSre, cluster: 'prod-1', scope: { all: true } },
        { who: 'alice in sre', identity: aliceInSre, cluster: 'prod-1', required: 'admin', scope: { all: true } },
        { who: 'bob', identity: bob, cluster: 'dev', scope: { all: true } },
        {
          who: 'bob',
          identity: bob,
          cluster: 'dev',
          required: 'operator',
          scope: { all: false, patterns: ['team-b'] },
        },
        { who: 'bob', identity: bob, cluster: 'prod-1', scope: { all: false, patterns: [] } },
        { who: 'dave (namespaces "**")', identity: dave, cluster: 'qa', scope: { all: true } },
        { who: 'token portal', identity: portalToken, cluster: 'staging', scope: { all: true } },
        { who: 'token alice', identity: aliceToken, cluster: 'prod-1', scope: { all: false, patterns: [] } },
        { who: 'mallory', identity: mallory, cluster: 'dev', scope: { all: false, patterns: [] } },
        { who: 'anonymous', identity: ANONYMOUS, cluster: 'dev', required: 'admin', scope: { all: true } },
      ] satisfies ScopeRow[]
    ).map((row: ScopeRow) => ({
      ...row,
      least: row.required ?? 'viewer (the default)',
    })),
  )('$who on $cluster, at least $least → $scope', ({ identity, cluster, required, scope }) => {
    expect(namespaceScope(identity, DOCUMENT, cluster, required)).toEqual(scope);
  });
});

describe(matchesScope.name, () => {
  it.each<{ scope: NamespaceScope; namespace: string; matches: boolean }>([
    { scope: { all: true }, namespace: 'kube-system', matches: true },
    { scope: { all: false, patterns: ['team-a', 'shop-*'] }, namespace: 'shop-eu', matches: true },
    { scope: { all: false, patterns: ['team-a', 'shop-*'] }, namespace: 'team-a', matches: true },
    { scope: { all: false, patterns: ['team-a', 'shop-*'] }, namespace: 'team-b', matches: false },
    { scope: { all: false, patterns: [] }, namespace: 'team-a', matches: false },
  ])('$namespace in $scope → $matches', ({ scope, namespace, matches }) => {
    expect(matchesScope(scope, namespace)).toBe(matches);
  });

  it('agrees with roleOn on every namespace of a scope', () => {
    const namespaces = ['team-a', 'team-b', 'shop', 'shop-eu', 'shop-us', 'kube-system'];
    for (const identity of [alice, aliceInSre, bob, dave, portalToken, mallory, ANONYMOUS]) {
      for (const cluster of ['prod-1', 'prod-12', 'dev', 'qa', 'staging']) {
        const scope = namespaceScope(identity, DOCUMENT, cluster);
        for (const namespace of namespaces) {
          expect([identity.name, cluster, namespace, matchesScope(scope, namespace)]).toEqual([
            identity.name,
            cluster,
            namespace,
            roleOn(identity, DOCUMENT, cluster, namespace) !== undefined,
          ]);
        }
      }
    }
  });
});

describe(hasAnyGrant.name, () => {
  it.each<{ who: string; identity: Identity; cluster: string; has: boolean }>([
    { who: 'alice (a grant over some namespaces)', identity: alice, cluster: 'staging', has: true },
    { who: 'bob', identity: bob, cluster: 'dev', has: true },
    { who: 'bob', identity: bob, cluster: 'prod-1', has: false },
    { who: 'carol in sre', identity: carolInSre, cluster: 'prod-eu', has: true },
    { who: 'carol in sre', identity: carolInSre, cluster: 'dev', has: false },
    { who: 'token portal', identity: portalToken, cluster: 'staging', has: true },
    { who: 'token portal', identity: portalToken, cluster: 'dev', has: false },
    { who: 'mallory', identity: mallory, cluster: 'dev', has: false },
    { who: 'anonymous', identity: ANONYMOUS, cluster: 'anything', has: true },
  ])('$who on $cluster → $has', ({ identity, cluster, has }) => {
    expect(hasAnyGrant(identity, DOCUMENT, cluster)).toBe(has);
  });
});

describe(holdsEverywhere.name, () => {
  it.each<{ who: string; identity: Identity; role: Role; holds: boolean }>([
    { who: 'user portal (admin on * / *)', identity: portalUser, role: 'admin', holds: true },
    { who: 'user portal (admin on * / *)', identity: portalUser, role: 'viewer', holds: true },
    { who: 'alice (* clusters, some namespaces)', identity: alice, role: 'viewer', holds: false },
    { who: 'carol in sre (all namespaces of prod-*)', identity: carolInSre, role: 'viewer', holds: false },
    { who: 'token portal (one cluster)', identity: portalToken, role: 'viewer', holds: false },
    { who: 'mallory', identity: mallory, role: 'viewer', holds: false },
    { who: 'anonymous', identity: ANONYMOUS, role: 'admin', holds: true },
  ])('$who as $role → $holds', ({ identity, role, holds }) => {
    expect(holdsEverywhere(identity, DOCUMENT, role)).toBe(holds);
  });
});

describe(grantsOf.name, () => {
  it.each<{ who: string; identity: Identity; grants: Grant[] }>([
    { who: 'alice', identity: alice, grants: [GRANTS.aliceEverywhere, GRANTS.aliceOperator, GRANTS.aliceAgain] },
    {
      who: 'alice in sre',
      identity: aliceInSre,
      grants: [GRANTS.aliceEverywhere, GRANTS.aliceOperator, GRANTS.sreAdmin, GRANTS.aliceAgain],
    },
    { who: 'carol in sre', identity: carolInSre, grants: [GRANTS.sreAdmin] },
    { who: 'a user named sre', identity: userNamedSre, grants: [] },
    { who: 'token portal', identity: portalToken, grants: [GRANTS.portalToken] },
    { who: 'user portal', identity: portalUser, grants: [GRANTS.portalUser] },
    { who: 'token alice', identity: aliceToken, grants: [] },
    { who: 'mallory', identity: mallory, grants: [] },
    { who: 'anonymous', identity: ANONYMOUS, grants: [] },
  ])('$who → the grants for them', ({ identity, grants }) => {
    expect(grantsOf(identity, DOCUMENT)).toEqual(grants);
  });
});
