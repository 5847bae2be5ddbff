import { aPod } from '../../../test/helpers/pod-builder.js';
import {
  escapeFieldValue,
  EVENT_SELECTABLE_FIELDS,
  eventFieldValue,
  FieldSelector,
  parseEventFieldSelector,
  parseFieldSelector,
  parsePodFieldSelector,
  POD_SELECTABLE_FIELDS,
  podFieldValue,
  SelectorParseError,
} from './field-selector.js';
import type { KubeCoreEvent } from './kube-objects.js';

// Rows from k8s.io/apimachinery v0.36.3 pkg/fields/selector_test.go, and the pod and event field sets of
// kubernetes pkg/registry/core/{pod,event}/strategy.go.

const fieldsOf = (fields: Record<string, string>) => (field: string) => fields[field] ?? '';

describe(parseFieldSelector.name, () => {
  it.each([
    { selector: '', canonical: '' },
    { selector: 'x=a,y=b,z=c', canonical: 'x=a,y=b,z=c' },
    { selector: 'x!=a,y=b', canonical: 'x!=a,y=b' },
    { selector: 'x=a,a=x', canonical: 'a=x,x=a' },
    { selector: 'b==bvalue', canonical: 'b=bvalue' },
    { selector: 'x=a||y\\=b', canonical: 'x=a||y\\=b' },
    { selector: 'x=a\\=\\=b', canonical: 'x=a\\=\\=b' },
    { selector: 'k=\\,,k2=v2', canonical: 'k2=v2,k=\\,' },
    { selector: 'a=a,', canonical: 'a=a' },
    { selector: ',a=a', canonical: 'a=a' },
    { selector: 'x=', canonical: 'x=' },
    { selector: ' x = a ', canonical: ' x = a ' }, // no trimming: the field is " x " and the value " a "
    { selector: '함=수,목=록', canonical: '목=록,함=수' },
  ])('accepts "$selector" as "$canonical"', ({ selector, canonical }) => {
    expect(parseFieldSelector(selector).toString()).toBe(canonical);
  });

  it('reads terms into requirements, unescaping values and reading == as =', () => {
    expect(parseFieldSelector('status.phase==Running,spec.nodeName!=node\\,1').requirements).toEqual([
      { field: 'spec.nodeName', operator: '!=', value: 'node,1' },
      { field: 'status.phase', operator: '=', value: 'Running' },
    ]);
  });

  it.each([
    { selector: 'x=a||y=b', error: 'invalid field selector: unescaped character in value: 61' },
    { selector: 'x==a==b', error: 'invalid field selector: unescaped character in value: 61' },
    { selector: 'x=a,b', error: "invalid selector: 'x=a,b'; can't understand 'b'" },
    { selector: 'x in (a)', error: "invalid selector: 'x in (a)'; can't understand 'x in (a)'" },
    { selector: 'x in (a,b,c)', error: "invalid selector: 'x in (a,b,c)'; can't understand 'b'" },
    { selector: 'x', error: "invalid selector: 'x'; can't understand 'x'" },
    { selector: 'k=\\', error: 'invalid field selector: invalid escape sequence: \\' },
    { selector: 'k=\\\\\\', error: 'invalid field selector: invalid escape sequence: \\' },
    { selector: 'k=\\a', error: 'invalid field selector: invalid escape sequence: \\a' },
  ])('rejects "$selector"', ({ selector, error }) => {
    const parse = () => parseFieldSelector(selector);
    expect(parse).toThrow(SelectorParseError);
    expect(parse).toThrow(new SelectorParseError(error));
  });
});

describe(FieldSelector.name, () => {
  const fields = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };

  it.each<{ selector: string; fields: Record<string, string>; matches: boolean }>([
    { selector: '', fields: { x: 'y' }, matches: true },
    { selector: 'x=y', fields: { x: 'y' }, matches: true },
    { selector: 'x=y,z=w', fields: { x: 'y', z: 'w' }, matches: true },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'a' }, matches: true },
    { selector: 'notin=in', fields: { notin: 'in' }, matches: true },
    { selector: 'x=y', fields: { x: 'z' }, matches: false },
    { selector: 'x=y,z=w', fields: { x: 'w', z: 'w' }, matches: false },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'w' }, matches: false },
    { selector: 'foo=bar,baz=blah', fields, matches: true },
    { selector: 'foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fields, matches: true },
    { selector: 'foo=blah', fields, matches: false },
    { selector: 'foo=bar,foobar=bar,baz=blah', fields, matches: false },
    // A missing field reads as "", as fields.Set.Get answers.
    { selector: 'x=', fields: {}, matches: true },
    { selector: 'x!=', fields: {}, matches: false },
  ])('"$selector" on $fields → $matches', ({ selector, fields, matches }) => {
    expect(parseFieldSelector(selector).matches(fieldsOf(fields))).toBe(matches);
  });

  it.each([
    { selector: 'a=b,test=b', field: 'test', value: 'b' },
    { selector: 'test=', field: 'test', value: '' },
    { selector: 'test==b', field: 'test', value: 'b' },
    { selector: 'test!=b', field: 'test', value: undefined },
    { selector: 'a=b', field: 'test', value: undefined },
    { selector: '', field: 'test', value: undefined },
  ])('"$selector" pins $field to $value', ({ selector, field, value }) => {
    expect(parseFieldSelector(selector).requiresExactMatch(field)).toBe(value);
  });
});

describe(escapeFieldValue.name, () => {
  it.each([
    { value: '', escaped: '' },
    { value: 'a', escaped: 'a' },
    { value: '=', escaped: '\\=' },
    { value: ',', escaped: '\\,' },
    { value: '\\', escaped: '\\\\' },
    { value: '\\=\\,\\', escaped: '\\\\\\=\\\\\\,\\\\' },
  ])('$value → $escaped, and back', ({ value, escaped }) => {
    expect(escapeFieldValue(value)).toBe(escaped);
    expect(parseFieldSelector(`f=${escaped}`).requirements[0].value).toBe(value);
  });
});

describe(parsePodFieldSelector.name, () => {
  it.each(POD_SELECTABLE_FIELDS)('accepts %s', (field) => {
    expect(parsePodFieldSelector(`${field}=x`).requirements).toEqual([{ field, operator: '=', value: 'x' }]);
  });

  it('reads the pre-1.0 alias spec.host as spec.nodeName, as the API server does', () => {
    expect(parsePodFieldSelector('spec.host=node-1').requirements).toEqual([
      { field: 'spec.nodeName', operator: '=', value: 'node-1' },
    ]);
  });

  it.each([
    { selector: 'status.hostIP=10.0.0.1', error: 'field label not supported: status.hostIP' },
    { selector: 'metadata.labels.app=web', error: 'field label not supported: metadata.labels.app' },
    { selector: 'status.podIPs=10.244.0.10', error: 'field label not supported: status.podIPs' },
    { selector: '=x', error: 'field label not supported: ' },
    // Checked term by term in sorted order, after the whole selector has parsed.
    { selector: 'z.unknown=1,a.unknown=2', error: 'field label not supported: a.unknown' },
    { selector: 'bogus=1,x', error: "invalid selector: 'bogus=1,x'; can't understand 'x'" },
  ])('rejects "$selector"', ({ selector, error }) => {
    expect(() => parsePodFieldSelector(selector)).toThrow(new SelectorParseError(error));
  });

  it('selects pods as the API server does', () => {
    const pods = [
      aPod('web-0').inNamespace('shop').onNode('node-1').running().build(),
      aPod('web-1').inNamespace('shop').onNode('node-2').running().build(),
      aPod('job-1').inNamespace('batch').onNode('node-1').completed().build(),
      aPod('queued').inNamespace('shop').pending().build(),
    ];
    const select = (selector: string) => {
      const parsed = parsePodFieldSelector(selector);
      return pods.filter((pod) => parsed.matches((field) => podFieldValue(pod, field))).map((pod) => pod.metadata.name);
    };
    expect(select('spec.nodeName=node-1')).toEqual(['web-0', 'job-1']);
    expect(select('spec.nodeName=')).toEqual(['queued']);
    expect(select('status.phase!=Running,metadata.namespace=shop')).toEqual(['queued']);
    expect(select('metadata.name==web-1')).toEqual(['web-1']);
    expect(select('spec.hostNetwork=false')).toEqual(['web-0', 'web-1', 'job-1', 'queued']);
  });
});

describe(podFieldValue.name, () => {
  const pod = aPod('web-0')
    .inNamespace('shop')
    .onNode('node-1')
    .withRestartPolicy('OnFailure')
    .withSchedulerName('bin-packer')
    .withServiceAccount('web')
    .withHostNetwork()
    .withNominatedNode('node-2')
    .running()
    .withPodIP('10.244.3.7')
    .build();

  it.each([
    { field: 'metadata.name', value: 'web-0' },
    { field: 'metadata.namespace', value: 'shop' },
    { field: 'spec.nodeName', value: 'node-1' },
    { field: 'spec.restartPolicy', value: 'OnFailure' },
    { field: 'spec.schedulerName', value: 'bin-packer' },
    { field: 'spec.serviceAccountName', value: 'web' },
    { field: 'spec.hostNetwork', value: 'true' },
    { field: 'status.phase', value: 'Running' },
    { field: 'status.podIP', value: '10.244.3.7' },
    { field: 'status.nominatedNodeName', value: 'node-2' },
    { field: 'status.hostIP', value: '' },
  ])('$field of a running pod → "$value"', ({ field, value }) => {
    expect(podFieldValue(pod, field)).toBe(value);
  });

  const bare = { metadata: {}, spec: { containers: [] } };
  it.each(POD_SELECTABLE_FIELDS.map((field) => ({ field, value: field === 'spec.hostNetwork' ? 'false' : '' })))(
    '$field of a pod without it → "$value"',
    ({ field, value }) => {
      expect(podFieldValue(bare, field)).toBe(value);
    },
  );

  it('takes the primary IP from podIPs when podIP is not set', () => {
    expect(
      podFieldValue({ ...bare, status: { podIPs: [{ ip: 'fd00::7' }, { ip: '10.0.0.7' }] } }, 'status.podIP'),
    ).toBe('fd00::7');
  });
});

describe(parseEventFieldSelector.name, () => {
  it.each(EVENT_SELECTABLE_FIELDS)('accepts %s', (field) => {
    expect(parseEventFieldSelector(`${field}=x`).requirements).toEqual([{ field, operator: '=', value: 'x' }]);
  });

  it.each(['involvedObject.labels', 'message', 'count', 'spec.nodeName'])('rejects %s', (field) => {
    expect(() => parseEventFieldSelector(`${field}=x`)).toThrow(
      new SelectorParseError(`field label not supported: ${field}`),
    );
  });
});

describe(eventFieldValue.name, () => {
  const event: KubeCoreEvent = {
    metadata: { name: 'web-0.17f0', namespace: 'shop' },
    involvedObject: {
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-0',
      uid: 'uid-shop-web-0',
      apiVersion: 'v1',
      resourceVersion: '42',
      fieldPath: 'spec.containers{app}',
    },
    reason: 'BackOff',
    type: 'Warning',
    source: { component: 'kubelet', host: 'node-1' },
    reportingComponent: 'kubelet',
  };

  it.each([
    { field: 'involvedObject.kind', value: 'Pod' },
    { field: 'involvedObject.namespace', value: 'shop' },
    { field: 'involvedObject.name', value: 'web-0' },
    { field: 'involvedObject.uid', value: 'uid-shop-web-0' },
    { field: 'involvedObject.apiVersion', value: 'v1' },
    { field: 'involvedObject.resourceVersion', value: '42' },
    { field: 'involvedObject.fieldPath', value: 'spec.containers{app}' },
    { field: 'reason', value: 'BackOff' },
    { field: 'reportingComponent', value: 'kubelet' },
    { field: 'source', value: 'kubelet' },
    { field: 'type', value: 'Warning' },
    { field: 'metadata.name', value: 'web-0.17f0' },
    { field: 'metadata.namespace', value: 'shop' },
  ])('$field → "$value"', ({ field, value }) => {
    expect(eventFieldValue(event, field)).toBe(value);
  });

  it('takes source from reportingComponent when the event has no source component', () => {
    const fromEventsApi: KubeCoreEvent = { ...event, source: {}, reportingComponent: 'default-scheduler' };
    expect(eventFieldValue(fromEventsApi, 'source')).toBe('default-scheduler');
    expect(eventFieldValue({ ...event, source: undefined, reportingComponent: undefined }, 'source')).toBe('');
  });

  it("finds a pod's events by uid, as kubectl describe asks for them", () => {
    const selector = parseEventFieldSelector(
      'involvedObject.name=web-0,involvedObject.namespace=shop,involvedObject.uid=uid-shop-web-0',
    );
    const olderPodEvent = { ...event, involvedObject: { ...event.involvedObject, uid: 'uid-old' } };
    expect(selector.matches((field) => eventFieldValue(event, field))).toBe(true);
    expect(selector.matches((field) => eventFieldValue(olderPodEvent, field))).toBe(false);
  });
});
