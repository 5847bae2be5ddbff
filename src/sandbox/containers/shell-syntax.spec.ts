import { parseScript, ShellSyntaxError } from './shell-syntax.js';

/** A script as nested arrays of word texts ($NAME kept as written), for readable rows. */
function shape(source: string): unknown {
  return parseScript(source).map((list) => [
    words(list.first),
    ...list.rest.flatMap(({ op, command }) => [op, words(command)]),
  ]);
}

function words(command: ReturnType<typeof parseScript>[number]['first']): string[] {
  const texts = command.words.map((word) =>
    word.parts.map((part) => (part.kind === 'text' ? part.text : `$${part.name}`)).join(''),
  );
  return [
    ...texts,
    ...command.redirects.map(
      (redirect) =>
        `${redirect.fd}${redirect.op}${redirect.target.parts.map((part) => (part.kind === 'text' ? part.text : `$${part.name}`)).join('')}`,
    ),
  ];
}

describe(parseScript.name, () => {
  it.each([
    { source: 'echo a b', shape: [[['echo', 'a', 'b']]] },
    { source: 'a; b\nc', shape: [[['a']], [['b']], [['c']]] },
    { source: 'a && b || c', shape: [[['a'], '&&', ['b'], '||', ['c']]] },
    { source: 'a &&\n  b', shape: [[['a'], '&&', ['b']]] },
    { source: `echo 'x y' "$HOME/z" \\$q`, shape: [[['echo', 'x y', '$HOME/z', '$q']]] },
    { source: 'echo ${A}b $1 $?', shape: [[['echo', '$Ab', '$1', '$?']]] },
    { source: 'echo hi >/dev/null 2>&1', shape: [[['echo', 'hi', '1>/dev/null', '2>&1']]] },
    { source: 'cat < /etc/hostname # comment', shape: [[['cat', '0</etc/hostname']]] },
    { source: 'sleep 1 &', shape: [[['sleep', '1']]] },
    { source: '\n\n', shape: [] },
  ])('$source', ({ source, shape: expected }) => {
    expect(shape(source)).toEqual(expected);
  });

  it.each([
    { source: "echo 'open", message: 'syntax error: unterminated quoted string' },
    { source: 'a | b', message: 'pipelines are not supported by the sandbox shell' },
    { source: 'echo $(id)', message: 'command substitution is not supported by the sandbox shell' },
    { source: '&& a', message: 'syntax error: unexpected "&&"' },
    { source: 'a &&', message: 'syntax error: unexpected end of file' },
    { source: '; a', message: 'syntax error: unexpected ";"' },
    { source: '(a)', message: 'syntax error: unexpected "("' },
    { source: 'echo >', message: 'syntax error: unexpected end of file' },
  ])('$source is refused: $message', ({ source, message }) => {
    expect(() => parseScript(source)).toThrow(new ShellSyntaxError(message));
  });
});
