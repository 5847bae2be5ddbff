import {
  CLUSTER_ID_PATTERN,
  dnsLabelErrors,
  dnsSubdomainErrors,
  isDnsLabel,
  isDnsSubdomain,
  labelValueErrors,
  qualifiedNameErrors,
} from './names.js';

// Expected texts from k8s.io/apimachinery v0.36.3: pkg/util/validation/validation_test.go,
// pkg/api/validate/content/*_test.go and pkg/api/validate/strfmt_test.go.
const LABEL_KEY_NAME_REGEX_ERROR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_REGEX_ERROR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_REGEX_ERROR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe(isDnsLabel.name, () => {
  it.each([
    { value: 'a', valid: true },
    { value: 'shop', valid: true },
    { value: '1', valid: true },
    { value: 'a-1-b', valid: true },
    { value: '0-prod', valid: true },
    { value: 'a'.repeat(63), valid: true },
    { value: 'a'.repeat(64), valid: false },
    { value: '', valid: false },
    { value: '-a', valid: false },
    { value: 'a-', valid: false },
    { value: 'Shop', valid: false },
    { value: 'a.b', valid: false },
    { value: 'a_b', valid: false },
    { value: 'caf\u00e9', valid: false },
  ])('$value → $valid', ({ value, valid }) => {
    expect(isDnsLabel(value)).toBe(valid);
    expect(dnsLabelErrors(value).length === 0).toBe(valid);
  });
});

describe(dnsLabelErrors.name, () => {
  it.each([
    { value: 'a.b', errors: ['must not contain dots'] },
    { value: 'A', errors: [LABEL_REGEX_ERROR] },
    { value: '', errors: [LABEL_REGEX_ERROR] },
    { value: 'a'.repeat(64), errors: ['must be no more than 63 characters'] },
    { value: `-${'a'.repeat(63)}`, errors: ['must be no more than 63 characters', LABEL_REGEX_ERROR] },
  ])('$value → $errors', ({ value, errors }) => {
    expect(dnsLabelErrors(value)).toEqual(errors);
  });
});

describe(isDnsSubdomain.name, () => {
  const label63 = 'a'.repeat(63);
  it.each([
    { value: 'web-0', valid: true },
    { value: 'web-0.shop', valid: true },
    { value: 'a.b.c', valid: true },
    { value: [label63, label63, label63, 'a'.repeat(61)].join('.'), valid: true }, // 253
    { value: [label63, label63, label63, 'a'.repeat(62)].join('.'), valid: false }, // 254
    { value: '', valid: false },
    { value: 'a..b', valid: false },
    { value: '.a', valid: false },
    { value: 'a.', valid: false },
    { value: 'a.-b', valid: false },
    { value: 'Web-0', valid: false },
  ])('$value → $valid', ({ value, valid }) => {
    expect(isDnsSubdomain(value)).toBe(valid);
    expect(dnsSubdomainErrors(value).length === 0).toBe(valid);
  });

  it('words its errors as the API server does', () => {
    expect(dnsSubdomainErrors('a_b')).toEqual([SUBDOMAIN_REGEX_ERROR]);
    expect(dnsSubdomainErrors('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });
});

describe(qualifiedNameErrors.name, () => {
  it.each([
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    '1234',
    'simple/simple',
    'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes',
    'now.with.dots/simple',
    'now-with.dashes-and.dots/simple',
    '1-num.2-num/3-num',
    '1234/5678',
    '1.2.3.4/5678',
    'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo',
    'a'.repeat(63),
    `${'a'.repeat(253)}/${'b'.repeat(63)}`,
  ])('accepts %s', (key) => {
    expect(qualifiedNameErrors(key)).toEqual([]);
  });

  it.each([
    { key: '', errors: ['name part must be non-empty', LABEL_KEY_NAME_REGEX_ERROR] },
    { key: 'nospecialchars%^=@', errors: [LABEL_KEY_NAME_REGEX_ERROR] },
    { key: '-starts-with-dash', errors: [LABEL_KEY_NAME_REGEX_ERROR] },
    { key: 'example.com/_e', errors: [LABEL_KEY_NAME_REGEX_ERROR] },
    { key: 'example.com/e_', errors: [LABEL_KEY_NAME_REGEX_ERROR] },
    { key: 'a'.repeat(64), errors: ['name part must be no more than 63 bytes'] },
    { key: `example.com/${'a'.repeat(64)}`, errors: ['name part must be no more than 63 bytes'] },
    { key: '/simple', errors: ['prefix part must be non-empty'] },
    { key: 'Example.com/simple', errors: [`prefix part ${SUBDOMAIN_REGEX_ERROR}`] },
    { key: `${'a'.repeat(254)}/simple`, errors: ['prefix part must be no more than 253 bytes'] },
    { key: 'example.com/', errors: ['name part must be non-empty', LABEL_KEY_NAME_REGEX_ERROR] },
    {
      key: 'example/foo/bar',
      errors: [
        "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    },
  ])('rejects $key', ({ key, errors }) => {
    expect(qualifiedNameErrors(key)).toEqual(errors);
  });

  it('counts UTF-8 bytes, as Go does', () => {
    // 32 two-byte characters: 32 characters but 64 bytes.
    expect(qualifiedNameErrors('\u00e9'.repeat(32))).toEqual([
      'name part must be no more than 63 bytes',
      LABEL_KEY_NAME_REGEX_ERROR,
    ]);
  });
});

describe(labelValueErrors.name, () => {
  it.each([
    '',
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    'end-with-num-1',
    '1234',
    'UPPER_and.dots',
    'a'.repeat(63),
  ])('accepts "%s"', (value) => {
    expect(labelValueErrors(value)).toEqual([]);
  });

  it.each([
    { value: 'nospecialchars%^=@', errors: [LABEL_VALUE_REGEX_ERROR] },
    { value: 'Tama-nui-te-rā.is.Māori.sun', errors: [LABEL_VALUE_REGEX_ERROR] },
    { value: '\\backslashes\\are\\bad', errors: [LABEL_VALUE_REGEX_ERROR] },
    { value: '-starts-with-dash', errors: [LABEL_VALUE_REGEX_ERROR] },
    { value: 'ends-with-dash-', errors: [LABEL_VALUE_REGEX_ERROR] },
    { value: '.starts.with.dot', errors: [LABEL_VALUE_REGEX_ERROR] },
    { value: 'a b', errors: [LABEL_VALUE_REGEX_ERROR] },
    { value: 'a'.repeat(64), errors: ['must be no more than 63 bytes'] },
  ])('rejects $value', ({ value, errors }) => {
    expect(labelValueErrors(value)).toEqual(errors);
  });
});

describe('CLUSTER_ID_PATTERN', () => {
  it.each([
    { id: '1', valid: true },
    { id: 'prod-eu', valid: true },
    { id: 'sandbox', valid: true },
    { id: 'a'.repeat(63), valid: true },
    { id: 'a'.repeat(64), valid: false },
    { id: '', valid: false },
    { id: 'Prod', valid: false },
    { id: 'prod-', valid: false },
    { id: 'prod.eu', valid: false },
  ])('$id → $valid', ({ id, valid }) => {
    expect(CLUSTER_ID_PATTERN.test(id)).toBe(valid);
  });
});
