import { PlainYamlError, readPlainYaml } from './plain-yaml.js';

const limits = { maxTokens: 1000, maxDepth: 8 };

describe(readPlainYaml.name, () => {
  it.each([
    { label: 'block style', text: 'a: 1\nb:\n- x\n- y: z\n', value: { a: 1, b: ['x', { y: 'z' }] } },
    { label: 'flow style', text: '{a: 1, b: [x, {y: z}]}', value: { a: 1, b: ['x', { y: 'z' }] } },
    { label: 'JSON', text: '{"a": 1, "b": ["x", {"y": "z"}]}', value: { a: 1, b: ['x', { y: 'z' }] } },
    { label: 'comments and document markers', text: '# c\n---\na: 1 # c\n...\n', value: { a: 1 } },
    { label: 'keys read as strings', text: '1: a\nnull: b\ntrue: c\n', value: { 1: 'a', null: 'b', true: 'c' } },
    {
      label: 'YAML 1.2 scalars (no yes/no booleans)',
      text: 'a: yes\nb: 0o10\nc: ~\n',
      value: { a: 'yes', b: 8, c: null },
    },
    { label: 'nothing', text: '', value: null },
  ])('reads $label', ({ text, value }) => {
    expect(readPlainYaml(text, limits)).toEqual(value);
  });

  it('keeps the text of scalars that start like YAML properties', () => {
    expect(readPlainYaml('url: https://h/?a=1&b=*\nq: "&x *y !z"\na: |\n  &x\n  *y\n  !z\n  %w\n', limits)).toEqual({
      url: 'https://h/?a=1&b=*',
      q: '&x *y !z',
      a: '&x\n*y\n!z\n%w\n',
    });
  });

  it.each([
    { label: 'an anchor', text: 'a: &x 1\n', kind: 'refused', message: 'uses YAML anchors or aliases (& and *)' },
    { label: 'an alias', text: 'a: *x\n', kind: 'refused', message: 'uses YAML anchors or aliases (& and *)' },
    {
      label: 'an anchor in flow style',
      text: '[&x 1, *x]',
      kind: 'refused',
      message: 'uses YAML anchors or aliases (& and *)',
    },
    { label: 'a core tag', text: 'a: !!str 1\n', kind: 'refused', message: 'uses a YAML tag (!)' },
    { label: 'a binary tag', text: 'a: !!binary aGk=\n', kind: 'refused', message: 'uses a YAML tag (!)' },
    { label: 'a local tag', text: 'a: !x 1\n', kind: 'refused', message: 'uses a YAML tag (!)' },
    {
      label: 'a verbatim tag',
      text: 'a: !<tag:yaml.org,2002:merge> 1\n',
      kind: 'refused',
      message: 'uses a YAML tag (!)',
    },
    {
      label: 'a %YAML directive',
      text: '%YAML 1.1\n---\na: 1\n',
      kind: 'refused',
      message: 'uses a YAML directive (%)',
    },
    {
      label: 'a %TAG directive',
      text: '%TAG ! tag:x,2000:\n---\na: 1\n',
      kind: 'refused',
      message: 'uses a YAML directive (%)',
    },
    { label: 'a merge key', text: 'a: {<<: {b: 1}}\n', kind: 'refused', message: 'uses a YAML merge key (<<)' },
    { label: 'a quoted merge key', text: '{"<<": {"b": 1}}', kind: 'refused', message: 'uses a YAML merge key (<<)' },
    {
      label: 'an explicit merge key',
      text: '? <<\n: {b: 1}\n',
      kind: 'refused',
      message: 'uses a YAML merge key (<<)',
    },
    { label: 'a repeated key', text: 'a: 1\na: 2\n', kind: 'invalid', message: 'a key is repeated within one mapping' },
    {
      label: 'a key repeated in another spelling',
      text: 'a: 1\n"\\x61": 2\n',
      kind: 'invalid',
      message: 'a key is repeated within one mapping',
    },
    {
      label: 'a key repeated as a number',
      text: '{1: a, "1": b}',
      kind: 'invalid',
      message: 'a key is repeated within one mapping',
    },
    { label: 'a collection as key', text: '? [a]\n: 1\n', kind: 'invalid', message: 'a mapping key is not a string' },
    {
      label: 'two documents',
      text: 'a: 1\n---\nb: 2\n',
      kind: 'invalid',
      message: 'it holds more than one YAML document',
    },
    { label: 'broken syntax', text: 'a: [1\nb: 2\n', kind: 'invalid', message: 'not valid YAML' },
    {
      label: 'too many tokens',
      text: `[${'1,'.repeat(600)}]`,
      kind: 'refused',
      message: 'has more than 1000 YAML tokens',
    },
    {
      label: 'too many line breaks',
      text: '\n'.repeat(1001),
      kind: 'refused',
      message: 'has more than 1000 YAML tokens',
    },
    {
      label: 'flow collections nested too deep',
      text: '['.repeat(100_000),
      kind: 'refused',
      message: 'nests collections more than 8 levels deep',
    },
    {
      label: 'block sequences nested too deep',
      text: '- '.repeat(100_000),
      kind: 'refused',
      message: 'nests collections more than 8 levels deep',
    },
    {
      label: 'block mappings nested too deep',
      text: Array.from({ length: 20 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
      kind: 'refused',
      message: 'nests collections more than 8 levels deep',
    },
  ])('refuses $label', ({ text, kind, message }) => {
    expect(() => readPlainYaml(text, limits)).toThrow(expect.objectContaining({ kind, message }) as PlainYamlError);
  });

  it('never quotes the text', () => {
    expect(() => readPlainYaml('token: [s3cr3t\n', limits)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr3t') }) as PlainYamlError,
    );
  });
});
