import { LabelSelector, parseLabelSelector, SelectorParseError } from './label-selector.js';

// Rows from k8s.io/apimachinery v0.36.3 pkg/labels/selector_test.go (TestSelectorParse, TestSetSelectorParser,
// TestSelectorMatches, TestRequirementSelectorMatching), errors traced through selector.go.
const LABEL_VALUE_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const LABEL_KEY_ERROR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const OPERATORS = 'in, notin, =, ==, !=, gt, lt';

describe(parseLabelSelector.name, () => {
  it('reads the contract example into requirements ordered by key', () => {
    const selector = parseLabelSelector('app=nginx,tier in (web,api),!canary');
    expect(selector.requirements).toEqual([
      { key: 'app', operator: '=', values: ['nginx'] },
      { key: 'canary', operator: '!', values: [] },
      { key: 'tier', operator: 'in', values: ['api', 'web'] },
    ]);
    expect(selector.toString()).toBe('app=nginx,!canary,tier in (api,web)');
  });

  it.each([
    { selector: '', canonical: '' },
    { selector: '   ', canonical: '' },
    { selector: 'x=a,y=b,z=c', canonical: 'x=a,y=b,z=c' },
    { selector: 'x!=a,y=b', canonical: 'x!=a,y=b' },
    { selector: 'x=', canonical: 'x=' },
    { selector: 'x= ', canonical: 'x=' },
    { selector: 'x=,z= ', canonical: 'x=,z=' },
    { selector: 'x==a', canonical: 'x==a' },
    { selector: '!x', canonical: '!x' },
    { selector: 'x>1', canonical: 'x>1' },
    { selector: 'x>1,z<5', canonical: 'x>1,z<5' },
    { selector: '\rx', canonical: 'x' },
    { selector: 'a ', canonical: 'a' },
    { selector: 'this-is-a-dns.domain.com/key-with-dash', canonical: 'this-is-a-dns.domain.com/key-with-dash' },
    {
      selector: '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      canonical: '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)',
    },
    { selector: 'foo  in\t (abc)', canonical: 'foo in (abc)' },
    { selector: 'x notin\n (abc)', canonical: 'x notin (abc)' },
    { selector: 'x in (abc,)', canonical: 'x in (,abc)' },
    { selector: 'x in (abc,abc)', canonical: 'x in (abc)' },
    { selector: 'x in ()', canonical: 'x in ()' },
    { selector: 'x notin ( )', canonical: 'x notin ()' },
    { selector: 'x notin (, a)', canonical: 'x notin (,a)' },
    { selector: 'x in (a,,a,,a,,a,,)', canonical: 'x in (,a)' },
    { selector: 'x notin (abc,,def),bar,z in (),w', canonical: 'bar,w,x notin (,abc,def),z in ()' },
    { selector: 'a in (x,y,notin, z,in)', canonical: 'a in (in,notin,x,y,z)' },
    { selector: 'notin=in', canonical: 'notin=in' },
    { selector: 'in in (in)', canonical: 'in in (in)' },
    { selector: 'app.kubernetes.io/name=Web_UI-2', canonical: 'app.kubernetes.io/name=Web_UI-2' },
  ])('accepts "$selector" as "$canonical"', ({ selector, canonical }) => {
    expect(parseLabelSelector(selector).toString()).toBe(canonical);
  });

  it.each([
    {
      selector: 'x=a||y=b',
      error: `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${LABEL_VALUE_ERROR}`,
    },
    { selector: 'x==a==b', error: "found '==', expected: ',' or 'end of string'" },
    { selector: '!x=a', error: "found '=', expected: ',' or 'end of string'" },
    {
      selector: 'x<a',
      error: `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    },
    { selector: 'x>-1', error: `unable to parse requirement: values[0][x]: Invalid value: "-1": ${LABEL_VALUE_ERROR}` },
    { selector: 'x,,y', error: "found ',', expected: identifier after ','" },
    { selector: ',x,y', error: "found ',', expected: !, identifier, or 'end of string'" },
    { selector: 'x nott in (y)', error: `unable to parse requirement: found 'nott', expected: ${OPERATORS}` },
    { selector: 'a in (xyz),', error: "found '', expected: identifier after ','" },
    { selector: 'a in (xyz)b notin ()', error: "found 'b', expected: ',' or 'end of string'" },
    { selector: 'a in (xyz abc)', error: "unable to parse requirement: found 'abc', expected: ',' or ')'" },
    { selector: 'a notin(', error: "unable to parse requirement: found '', expected: ',', ')' or identifier" },
    { selector: 'a (', error: `unable to parse requirement: found '(', expected: ${OPERATORS}` },
    { selector: 'a!b', error: `unable to parse requirement: found '!', expected: ${OPERATORS}` },
    { selector: '(', error: "found '(', expected: !, identifier, or 'end of string'" },
    { selector: 'x in a', error: "unable to parse requirement: found 'a' expected: '('" },
    { selector: 'x=(', error: "unable to parse requirement: found '(', expected: identifier" },
    { selector: 'x in (a,=)', error: "unable to parse requirement: found '=', expected: ',', or identifier" },
    { selector: '!', error: "unable to parse requirement: found '', expected: identifier" },
    { selector: 'a@b=c', error: `unable to parse requirement: <nil>: Invalid value: "a@b": ${LABEL_KEY_ERROR}` },
    { selector: 'app=a b', error: "found 'b', expected: ',' or 'end of string'" },
    {
      selector: 'x=a"b',
      error: `unable to parse requirement: values[0][x]: Invalid value: "a\\"b": ${LABEL_VALUE_ERROR}`,
    },
    {
      selector: 'x in (-b,-a)',
      error: `unable to parse requirement: [values[0][x]: Invalid value: "-a": ${LABEL_VALUE_ERROR}, values[1][x]: Invalid value: "-b": ${LABEL_VALUE_ERROR}]`,
    },
    {
      selector: `x=${'a'.repeat(64)}`,
      error: `unable to parse requirement: values[0][x]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`,
    },
  ])('rejects "$selector"', ({ selector, error }) => {
    const parse = () => parseLabelSelector(selector);
    expect(parse).toThrow(SelectorParseError);
    expect(parse).toThrow(new SelectorParseError(error));
  });
});

describe(LabelSelector.name, () => {
  describe('matches', () => {
    it.each<{ selector: string; labels?: Record<string, string>; matches: boolean }>([
      { selector: '', labels: { x: 'y' }, matches: true },
      { selector: '', labels: undefined, matches: true },
      { selector: 'x=y', labels: { x: 'y' }, matches: true },
      { selector: 'x=y,z=w', labels: { x: 'y', z: 'w' }, matches: true },
      { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'a' }, matches: true },
      { selector: 'notin=in', labels: { notin: 'in' }, matches: true },
      { selector: 'x', labels: { x: 'z' }, matches: true },
      { selector: '!x', labels: { y: 'z' }, matches: true },
      { selector: 'x>1', labels: { x: '2' }, matches: true },
      { selector: 'x<1', labels: { x: '0' }, matches: true },
      { selector: 'x=z', labels: {}, matches: false },
      { selector: 'x=y', labels: { x: 'z' }, matches: false },
      { selector: 'x=y,z=w', labels: { x: 'w', z: 'w' }, matches: false },
      { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'w' }, matches: false },
      { selector: 'x', labels: { y: 'z' }, matches: false },
      { selector: '!x', labels: { x: 'z' }, matches: false },
      { selector: 'x>1', labels: { x: '0' }, matches: false },
      { selector: 'x<1', labels: { x: '2' }, matches: false },
      { selector: 'x>1', labels: { x: 'v2' }, matches: false },
      { selector: 'x>1', labels: {}, matches: false },
      { selector: 'x<10000000000000000', labels: { x: '9999999999999999' }, matches: true },
      { selector: 'x>1', labels: { x: '9223372036854775808' }, matches: false }, // beyond int64: ParseInt fails
      { selector: 'x in (foo),y notin (alpha)', labels: { x: 'foo', y: 'baz' }, matches: true },
      { selector: 'x in (foo),y in (alpha)', labels: { x: 'foo', y: 'baz' }, matches: false },
      { selector: 'x notin (),y', labels: { y: '' }, matches: true },
      { selector: '!x,y', labels: { y: '' }, matches: true },
      { selector: 'x notin (),!y', labels: { y: '' }, matches: false },
      { selector: 'x in ()', labels: { y: 'baz' }, matches: false },
      { selector: 'x in ()', labels: { x: '' }, matches: true },
      { selector: 'x=', labels: { x: '' }, matches: true },
      { selector: 'x!=a', labels: {}, matches: true },
      { selector: 'x notin (a)', labels: undefined, matches: true },
      { selector: 'app=nginx,tier in (web,api),!canary', labels: { app: 'nginx', tier: 'api' }, matches: true },
      { selector: 'app=nginx,tier in (web,api),!canary', labels: { app: 'nginx', tier: 'db' }, matches: false },
      {
        selector: 'app=nginx,tier in (web,api),!canary',
        labels: { app: 'nginx', tier: 'web', canary: 'true' },
        matches: false,
      },
      { selector: 'app=nginx,tier in (web,api),!canary', labels: { app: 'nginx' }, matches: false },
      // Only the pod's own labels count, not what every JavaScript object inherits.
      { selector: 'constructor', labels: {}, matches: false },
      { selector: '!toString', labels: {}, matches: true },
    ])('"$selector" on $labels → $matches', ({ selector, labels, matches }) => {
      expect(parseLabelSelector(selector).matches(labels)).toBe(matches);
    });
  });

  describe('requiresExactMatch', () => {
    it.each([
      { selector: 'app=web,tier in (api)', key: 'app', value: 'web' },
      { selector: 'app=web,tier in (api)', key: 'tier', value: 'api' },
      { selector: 'app==web', key: 'app', value: 'web' },
      { selector: 'app in (api,web)', key: 'app', value: undefined },
      { selector: 'app!=web', key: 'app', value: undefined },
      { selector: 'app', key: 'app', value: undefined },
      { selector: 'app=web', key: 'tier', value: undefined },
    ])('"$selector" pins $key to $value', ({ selector, key, value }) => {
      expect(parseLabelSelector(selector).requiresExactMatch(key)).toBe(value);
    });
  });

  it('is empty only when it has no requirement', () => {
    expect(parseLabelSelector(' ').empty).toBe(true);
    expect(parseLabelSelector('x').empty).toBe(false);
  });
});
