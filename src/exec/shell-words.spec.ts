/**
 * A command line split into argv as a POSIX shell reads its words (XCU 2.2 Quoting, 2.3 Token Recognition, 2.6.7
 * Quote Removal), with nothing expanded. Each row is the argv a shell builds from the same line (as
 * `sh -c 'set -f; printf "[%s]" <line>'` shows it), except the rows near the end, whose expansions, operators and `#`
 * a shell would interpret: here they stay literal characters.
 */
import { shellWords, ShellWordsError } from './shell-words.js';

describe(shellWords.name, () => {
  it.each([
    { line: '', argv: [] },
    { line: '   \t \n ', argv: [] },
    { line: '/bin/sh', argv: ['/bin/sh'] },
    { line: 'ls -la /tmp', argv: ['ls', '-la', '/tmp'] },
    { line: '  ls \t -la\n\n/tmp  ', argv: ['ls', '-la', '/tmp'] },
    // 2.2.2: everything between single quotes is literal, backslashes and double quotes included
    { line: `sh -c 'echo "a  b"; exit 3'`, argv: ['sh', '-c', 'echo "a  b"; exit 3'] },
    { line: `echo 'a\\b' 'c\\'`, argv: ['echo', 'a\\b', 'c\\'] },
    // 2.2.3: inside double quotes a backslash escapes only $ ` " \ and newline; before anything else it stays
    { line: 'echo "a \\" b"', argv: ['echo', 'a " b'] },
    { line: 'echo "\\$HOME \\`x\\` \\\\"', argv: ['echo', '$HOME `x` \\'] },
    { line: 'echo "a\\nb \\t"', argv: ['echo', 'a\\nb \\t'] },
    { line: `echo "it's"`, argv: ['echo', "it's"] },
    { line: 'echo "line\\\nrest"', argv: ['echo', 'linerest'] },
    { line: 'echo "two\nlines"', argv: ['echo', 'two\nlines'] },
    // 2.2.1: outside quotes a backslash keeps the next character literal; before a newline it joins the lines
    { line: 'echo a\\ b', argv: ['echo', 'a b'] },
    { line: `echo \\'x\\' \\"y\\" \\\\`, argv: ['echo', "'x'", '"y"', '\\'] },
    { line: 'echo one\\\ntwo', argv: ['echo', 'onetwo'] },
    { line: 'echo \\\n next', argv: ['echo', 'next'] },
    // Quote removal keeps a word made only of quotes: an empty argument
    { line: "printf '%s|' '' x", argv: ['printf', '%s|', '', 'x'] },
    { line: 'printf "%s|" ""', argv: ['printf', '%s|', ''] },
    { line: "a '' ''b", argv: ['a', '', 'b'] },
    // Adjacent quoted and unquoted parts make one word
    { line: `a'b'"c"d\\ e`, argv: ['abcd e'] },
    { line: `--name="John Smith"`, argv: ['--name=John Smith'] },
    // Nothing is expanded or interpreted: no shell reads these words
    { line: 'echo $HOME ~ *.txt `id` $(id)', argv: ['echo', '$HOME', '~', '*.txt', '`id`', '$(id)'] },
    {
      line: 'ls | grep x; rm -rf / && true # not a comment',
      argv: ['ls', '|', 'grep', 'x;', 'rm', '-rf', '/', '&&', 'true', '#', 'not', 'a', 'comment'],
    },
    { line: 'echo é€ 漢 🚀', argv: ['echo', 'é€', '漢', '🚀'] },
  ])('$line → $argv', ({ line, argv }) => {
    expect(shellWords(line)).toEqual(argv);
  });

  it.each([
    { line: "echo 'unterminated", message: 'unbalanced single quote' },
    { line: 'echo "unterminated', message: 'unbalanced double quote' },
    { line: `echo "it's`, message: 'unbalanced double quote' },
    { line: `echo 'a'"b`, message: 'unbalanced double quote' },
    { line: 'echo "a\\"', message: 'unbalanced double quote' },
    { line: 'echo trailing\\', message: 'ends with a backslash' },
    { line: '\\', message: 'ends with a backslash' },
  ])('refuses $line ($message)', ({ line, message }) => {
    expect(() => shellWords(line)).toThrow(ShellWordsError);
    expect(() => shellWords(line)).toThrow(message);
  });
});
