import { GRANTS_FILE_LIMITS, GrantsDocumentError, parseGrantsDocument } from './grants-document.js';

const SOURCE = 'AUTH_GRANTS_FILE (/etc/pod-api/grants.yaml)';
const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const OTHER_HASH = 'a'.repeat(64);

function problemsOf(text: string): readonly string[] {
  try {
    parseGrantsDocument(text, SOURCE);
  } catch (error) {
    if (error instanceof GrantsDocumentError) return error.problems;
    throw error;
  }
  throw new Error('the document was accepted');
}

/** A grant in flow style, with `fields` replacing or adding to a valid one. */
function grantText(fields: Record<string, string> = {}): string {
  const all = { subject: '{user: alice}', role: 'viewer', clusters: '["*"]', namespaces: '["*"]', ...fields };
  return `{${Object.entries(all)
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ')}}`;
}

describe(parseGrantsDocument.name, () => {
  it('reads the example of api.md §6', () => {
    const text = [
      'tokens:                      # static API tokens for integrations: a name and the SHA-256 of the token',
      '  - name: portal',
      `    sha256: ${HASH}`,
      'grants:',
      '  - subject: { user: alice }   # a JWT`s `sub`; or { group: sre } from the groups claim; or { token: portal }',
      '    role: viewer               # viewer | operator | admin',
      '    clusters: ["*"]            # globs over cluster ids',
      '    namespaces: ["team-a", "shop-*"]   # globs; "*" for all, including cluster-scoped lists',
    ].join('\n');
    expect(parseGrantsDocument(text, SOURCE)).toEqual({
      tokens: [{ name: 'portal', sha256: HASH }],
      grants: [{ subject: { user: 'alice' }, role: 'viewer', clusters: ['*'], namespaces: ['team-a', 'shop-*'] }],
    });
  });

  it('reads JSON', () => {
    const text = JSON.stringify({
      tokens: [{ name: 'ci', sha256: HASH }],
      grants: [
        { subject: { group: 'sre' }, role: 'admin', clusters: ['prod-*'], namespaces: ['*'] },
        { subject: { token: 'ci' }, role: 'operator', clusters: ['staging'], namespaces: ['team-?'] },
      ],
    });
    expect(parseGrantsDocument(text, SOURCE)).toEqual({
      tokens: [{ name: 'ci', sha256: HASH }],
      grants: [
        { subject: { group: 'sre' }, role: 'admin', clusters: ['prod-*'], namespaces: ['*'] },
        { subject: { token: 'ci' }, role: 'operator', clusters: ['staging'], namespaces: ['team-?'] },
      ],
    });
  });

  it.each([
    { label: 'an empty mapping', text: '{}', expected: { tokens: [], grants: [] } },
    { label: 'empty lists', text: 'tokens: []\ngrants: []\n', expected: { tokens: [], grants: [] } },
    {
      label: 'tokens without grants',
      text: `tokens: [{name: ci, sha256: "${HASH}"}]`,
      expected: { tokens: [{ name: 'ci', sha256: HASH }], grants: [] },
    },
    {
      label: 'a hash in upper case, kept in lower case',
      text: `tokens: [{name: ci, sha256: "${HASH.toUpperCase()}"}]`,
      expected: { tokens: [{ name: 'ci', sha256: HASH }], grants: [] },
    },
    {
      label: 'a dotted token name',
      text: `tokens: [{name: ci.example-1, sha256: "${HASH}"}]`,
      expected: { tokens: [{ name: 'ci.example-1', sha256: HASH }], grants: [] },
    },
    {
      label: 'subjects that are not Kubernetes names (a JWT sub is any string)',
      text: `grants: [${grantText({ subject: '{user: "Alice@Example.com"}' })}, ${grantText({ subject: '{group: "system:masters"}' })}]`,
      expected: {
        tokens: [],
        grants: [
          { subject: { user: 'Alice@Example.com' }, role: 'viewer', clusters: ['*'], namespaces: ['*'] },
          { subject: { group: 'system:masters' }, role: 'viewer', clusters: ['*'], namespaces: ['*'] },
        ],
      },
    },
  ])('reads $label', ({ text, expected }) => {
    expect(parseGrantsDocument(text, SOURCE)).toEqual(expected);
  });

  it('returns a frozen document', () => {
    const document = parseGrantsDocument(`grants: [${grantText()}]`, SOURCE);
    expect(Object.isFrozen(document)).toBe(true);
    expect(Object.isFrozen(document.grants)).toBe(true);
    expect(Object.isFrozen(document.grants[0])).toBe(true);
    expect(Object.isFrozen(document.grants[0].subject)).toBe(true);
    expect(Object.isFrozen(document.grants[0].namespaces)).toBe(true);
  });

  it.each([
    // the document
    { label: 'an empty text', text: '', problems: ['empty (write {} for a file that grants nothing)'] },
    { label: 'a comment only', text: '# nothing yet\n', problems: ['empty (write {} for a file that grants nothing)'] },
    { label: 'a list', text: '[]', problems: ['must be a mapping of tokens, grants, not a list'] },
    { label: 'a string', text: 'grants', problems: ['must be a mapping of tokens, grants, not a string'] },
    { label: 'broken YAML', text: 'grants: [', problems: ['not valid YAML or JSON (not valid YAML)'] },
    { label: 'broken JSON', text: '{"grants": [}', problems: ['not valid YAML or JSON (not valid YAML)'] },
    {
      label: 'a repeated key',
      text: 'grants: []\ngrants: []\n',
      problems: ['not valid YAML or JSON (a key is repeated within one mapping)'],
    },
    {
      label: 'two documents',
      text: 'grants: []\n---\ngrants: []\n',
      problems: ['not valid YAML or JSON (it holds more than one YAML document)'],
    },
    {
      label: 'an alias',
      text: `x: &all ["*"]\ngrants: [${grantText({ clusters: '*all' })}]`,
      problems: ['uses YAML anchors or aliases (& and *), which is refused'],
    },
    { label: 'a tag', text: 'grants: !!seq []', problems: ['uses a YAML tag (!), which is refused'] },
    {
      label: 'an unknown top-level field',
      text: 'grant: []',
      problems: ['grant: unknown field; the fields are tokens, grants'],
    },
    { label: 'tokens: null', text: 'tokens:\n', problems: ['tokens: must be a list, not empty'] },
    { label: 'grants as a mapping', text: 'grants: {a: 1}', problems: ['grants: must be a list, not a mapping'] },
    // tokens
    {
      label: 'a token without a hash',
      text: 'tokens: [{name: ci}]',
      problems: ['tokens[0].sha256: is required'],
    },
    {
      label: 'a token without a name',
      text: `tokens: [{sha256: "${HASH}"}]`,
      problems: ['tokens[0].name: is required'],
    },
    {
      label: 'a token name in upper case',
      text: `tokens: [{name: CI, sha256: "${HASH}"}]`,
      problems: [
        "tokens[0].name: must be lower case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
      ],
    },
    {
      label: 'an empty token name',
      text: `tokens: [{name: "", sha256: "${HASH}"}]`,
      problems: ['tokens[0].name: must be a non-empty string, not empty'],
    },
    {
      label: 'a short hash',
      text: `tokens: [{name: ci, sha256: "${HASH.slice(1)}"}]`,
      problems: ["tokens[0].sha256: must be the token's SHA-256 as 64 hexadecimal characters"],
    },
    {
      label: 'a hash that is not hexadecimal',
      text: `tokens: [{name: ci, sha256: "${'g'.repeat(64)}"}]`,
      problems: ["tokens[0].sha256: must be the token's SHA-256 as 64 hexadecimal characters"],
    },
    {
      label: 'a hash of digits that YAML reads as a number',
      text: `tokens: [{name: ci, sha256: ${'1'.repeat(64)}}]`,
      problems: ['tokens[0].sha256: must be a non-empty string, not a number (quote it)'],
    },
    {
      label: 'a token with an unknown field',
      text: `tokens: [{name: ci, sha256: "${HASH}", role: admin}]`,
      problems: ['tokens[0].role: unknown field; the fields are name, sha256'],
    },
    {
      label: 'a hash written as a key (not quoted back)',
      text: `tokens: [{name: ci, sha256: "${HASH}", ${HASH}: x}]`,
      problems: ['tokens[0]: has an unknown field; the fields are name, sha256'],
    },
    {
      label: 'two tokens of one name',
      text: `tokens: [{name: ci, sha256: "${HASH}"}, {name: ci, sha256: "${OTHER_HASH}"}]`,
      problems: ['tokens[1].name: repeats the name of tokens[0]'],
    },
    {
      label: 'two tokens of one hash (in different cases)',
      text: `tokens: [{name: ci, sha256: "${HASH}"}, {name: cd, sha256: "${HASH.toUpperCase()}"}]`,
      problems: ['tokens[1].sha256: repeats the sha256 of tokens[0]'],
    },
    // grants
    {
      label: 'a grant that is a string',
      text: 'grants: [alice]',
      problems: ['grants[0]: must be a mapping of subject, role, clusters, namespaces, not a string'],
    },
    {
      label: 'a grant missing every field',
      text: 'grants: [{}]',
      problems: [
        'grants[0].subject: is required',
        'grants[0].role: is required',
        'grants[0].clusters: is required',
        'grants[0].namespaces: is required',
      ],
    },
    {
      label: 'a misspelt field',
      text: `grants: [${grantText({ namespace: '[x]' })}]`,
      problems: ['grants[0].namespace: unknown field; the fields are subject, role, clusters, namespaces'],
    },
    {
      label: 'an unknown role (third grant)',
      text: `grants: [${grantText()}, ${grantText()}, ${grantText({ role: 'owner' })}]`,
      problems: ['grants[2].role: must be one of viewer, operator, admin'],
    },
    {
      label: 'a role in upper case',
      text: `grants: [${grantText({ role: 'Admin' })}]`,
      problems: ['grants[0].role: must be one of viewer, operator, admin'],
    },
    {
      label: 'a subject with no kind',
      text: `grants: [${grantText({ subject: '{}' })}]`,
      problems: ['grants[0].subject: must name exactly one of user, group, token'],
    },
    {
      label: 'a subject with two kinds',
      text: `grants: [${grantText({ subject: '{user: alice, group: sre}' })}]`,
      problems: ['grants[0].subject: must name exactly one of user, group, token'],
    },
    {
      label: 'a subject of an unknown kind',
      text: `grants: [${grantText({ subject: '{sub: alice}' })}]`,
      problems: ['grants[0].subject.sub: unknown field; the fields are user, group, token'],
    },
    {
      label: 'a subject written as a string',
      text: `grants: [${grantText({ subject: 'alice' })}]`,
      problems: ['grants[0].subject: must be a mapping of user, group, token, not a string'],
    },
    {
      label: 'an empty user',
      text: `grants: [${grantText({ subject: '{user: ""}' })}]`,
      problems: ['grants[0].subject.user: must be a non-empty string, not empty'],
    },
    {
      label: 'a numeric user that YAML reads as a number',
      text: `grants: [${grantText({ subject: '{user: 1234}' })}]`,
      problems: ['grants[0].subject.user: must be a non-empty string, not a number (quote it)'],
    },
    {
      label: 'a group left empty',
      text: `grants: [${grantText({ subject: '{group: }' })}]`,
      problems: ['grants[0].subject.group: must be a non-empty string, not empty'],
    },
    {
      label: 'a token subject naming no token',
      text: `tokens: [{name: ci, sha256: "${HASH}"}]\ngrants: [${grantText({ subject: '{token: portal}' })}]`,
      problems: ['grants[0].subject.token: names no token of tokens'],
    },
    {
      label: 'a token subject without tokens',
      text: `grants: [${grantText({ subject: '{token: ci}' })}]`,
      problems: ['grants[0].subject.token: names no token of tokens'],
    },
    {
      label: 'a token subject naming a broken token (one problem, not two)',
      text: `tokens: [{name: ci, sha256: x}]\ngrants: [${grantText({ subject: '{token: ci}' })}]`,
      problems: ["tokens[0].sha256: must be the token's SHA-256 as 64 hexadecimal characters"],
    },
    {
      label: 'clusters as one string',
      text: `grants: [${grantText({ clusters: '"*"' })}]`,
      problems: ['grants[0].clusters: must be a list, not a string'],
    },
    {
      label: 'no clusters',
      text: `grants: [${grantText({ clusters: '[]' })}]`,
      problems: ['grants[0].clusters: must list at least one glob ("*" for all)'],
    },
    {
      label: 'no namespaces',
      text: `grants: [${grantText({ namespaces: '[]' })}]`,
      problems: ['grants[0].namespaces: must list at least one glob ("*" for all)'],
    },
    {
      label: 'an empty namespace glob',
      text: `grants: [${grantText({ namespaces: '[team-a, ""]' })}]`,
      problems: ['grants[0].namespaces[1]: must be a non-empty glob, not empty'],
    },
    {
      label: 'a namespace glob that is a number',
      text: `grants: [${grantText({ namespaces: '[42]' })}]`,
      problems: ['grants[0].namespaces[0]: must be a non-empty glob, not a number (quote it)'],
    },
    {
      label: 'a null cluster glob',
      text: `grants: [${grantText({ clusters: '[null]' })}]`,
      problems: ['grants[0].clusters[0]: must be a non-empty glob, not empty'],
    },
    {
      label: 'a prototype key',
      text: `grants: [${grantText({ subject: '{__proto__: {user: alice}}' })}]`,
      problems: ['grants[0].subject.__proto__: unknown field; the fields are user, group, token'],
    },
    {
      label: 'problems in several places, all listed',
      text: `tokens: [{name: ci}]\ngrants: [${grantText({ role: 'root' })}, ${grantText({ clusters: '[]' })}]`,
      problems: [
        'tokens[0].sha256: is required',
        'grants[0].role: must be one of viewer, operator, admin',
        'grants[1].clusters: must list at least one glob ("*" for all)',
      ],
    },
  ])('refuses $label', ({ text, problems }) => {
    expect(problemsOf(text)).toEqual(problems);
  });

  it('lists at most ten problems, and how many more there are', () => {
    const grants = Array.from({ length: 13 }, () => grantText({ role: 'root' }));
    const problems = problemsOf(`grants: [${grants.join(', ')}]`);
    expect(problems).toHaveLength(11);
    expect(problems[9]).toBe('grants[9].role: must be one of viewer, operator, admin');
    expect(problems[10]).toBe('and 3 more');
  });

  it('refuses a text larger than its limit before reading it', () => {
    const text = `grants: []\n${'#'.repeat(GRANTS_FILE_LIMITS.maxBytes)}\n`;
    expect(problemsOf(text)).toEqual(['larger than the limit of 1 MiB']);
  });

  it('refuses a text of too many YAML tokens', () => {
    const text = `grants: [${'[], '.repeat(GRANTS_FILE_LIMITS.maxTokens / 2)}]`;
    expect(Buffer.byteLength(text)).toBeLessThan(GRANTS_FILE_LIMITS.maxBytes);
    expect(problemsOf(text)).toEqual([`has more than ${GRANTS_FILE_LIMITS.maxTokens} YAML tokens, which is refused`]);
  });

  it('names the source in the message and quotes no token hash', () => {
    const text = `tokens: [{name: ci, sha256: "${HASH}"}, {name: ci, sha256: "${HASH.slice(2)}"}]`;
    expect(() => parseGrantsDocument(text, SOURCE)).toThrow(GrantsDocumentError);
    try {
      parseGrantsDocument(text, SOURCE);
    } catch (error) {
      const { message } = error as GrantsDocumentError;
      expect(message).toBe(`${SOURCE}: tokens[1].sha256: must be the token's SHA-256 as 64 hexadecimal characters`);
      expect(message).not.toContain(HASH.slice(2, 20));
    }
  });
});
