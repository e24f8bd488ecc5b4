import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, parseAst, type InstructionOf, type Instruction } from '../../../src/engine/build/parser/index.js';

const first = (df: string, stage = 0): Instruction => parseDockerfile(df).stages[stage].commands[0];
const err = (df: string): string => {
  try {
    parseDockerfile(df);
  } catch (e: any) {
    return e.message;
  }
  throw new Error('expected a parse error');
};

test('basic instructions and line numbers', () => {
  const p = parseDockerfile('FROM busybox:latest\nRUN echo hi > /x\nCOPY a.txt /a.txt\nCMD ["cat","/x"]\n');
  assert.equal(p.stages.length, 1);
  assert.equal(p.stages[0].baseName, 'busybox:latest');
  const [run, copy, cmd] = p.stages[0].commands as [InstructionOf<'run'>, InstructionOf<'copy'>, InstructionOf<'cmd'>];
  assert.deepEqual([run.line, copy.line, cmd.line], [2, 3, 4]);
  assert.deepEqual(run.cmd, { cmdLine: ['echo hi > /x'], prependShell: true, files: [] });
  assert.deepEqual(copy.sources, ['a.txt']);
  assert.equal(copy.dest, '/a.txt');
  assert.deepEqual(cmd.cmd.cmdLine, ['cat', '/x']);
  assert.equal(cmd.cmd.prependShell, false);
  assert.equal(cmd.code, 'CMD ["cat","/x"]');
});

test('unknown instruction error wording, with suggestion', () => {
  assert.equal(err('FROM a\nRUN x\nBOGUS bar\n'), 'dockerfile parse error on line 3: unknown instruction: BOGUS');
  assert.equal(err('FROM a\nRUNN x\n'), 'dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)');
});

test('empty and comment-only files', () => {
  assert.equal(err(''), 'the Dockerfile (Dockerfile) cannot be empty');
  assert.equal(err('# just a comment\n\n'), 'failed to parse Dockerfile: file with no instructions');
});

test('instruction before FROM', () => {
  assert.equal(err('RUN x\nFROM a\n'), 'no build stage in current context');
});

test('ARG before FROM is a meta arg; stage names lower-cased', () => {
  const p = parseDockerfile('ARG V=1\nARG B\nFROM img:$V AS Build\nARG V\n');
  assert.equal(p.metaArgs.length, 2);
  assert.deepEqual(p.metaArgs[0].args, [{ key: 'V', value: '1' }]);
  assert.deepEqual(p.metaArgs[1].args, [{ key: 'B' }]);
  assert.equal(p.stages[0].name, 'build');
  assert.equal(p.stages[0].baseName, 'img:$V');
});

test('bad stage names and FROM arity', () => {
  assert.match(err('FROM a AS 1x\n'), /line 1: invalid name for build stage: "1x", name can't start with a number or contain symbols/);
  assert.equal(err('FROM a b\n'), 'dockerfile parse error on line 1: FROM requires either one or three arguments');
});

test('FROM --platform', () => {
  assert.equal(parseDockerfile('FROM --platform=linux/amd64 a\n').stages[0].platform, 'linux/amd64');
});

test('line continuations with comments and empty lines inside', () => {
  const p = parseDockerfile('FROM a\nRUN echo a \\\n# a comment\n  && echo b \\\n\n  && echo c\nENV X=1\n');
  const run = p.stages[0].commands[0] as InstructionOf<'run'>;
  assert.equal(run.cmd.cmdLine[0], 'echo a   && echo b   && echo c');
  assert.equal(run.line, 2);
  assert.equal(run.endLine, 6);
  assert.equal(p.stages[0].commands[1].line, 7);
  assert.equal(p.warnings.length, 1);
  assert.match(p.warnings[0].short, /^Empty continuation line found in: RUN echo a/);
});

test('continuation at end of file', () => {
  const run = first('FROM a\nRUN echo \\') as InstructionOf<'run'>;
  assert.equal(run.cmd.cmdLine[0], 'echo');
});

test('escape directive with backtick', () => {
  const p = parseDockerfile('# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo ok\n');
  assert.equal(p.escapeToken, '`');
  assert.equal((p.stages[0].commands[0] as InstructionOf<'run'>).cmd.cmdLine[0], 'dir c:\\   && echo ok');
  assert.equal(p.stages[0].commands[0].line, 3);
});

test('syntax directive recorded; directives only at the top', () => {
  const p = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=\\\nFROM a\n');
  assert.equal(p.directives.syntax, 'docker/dockerfile:1');
  const q = parseDockerfile('# hello\n# escape=`\nFROM a\nRUN a \\\n b\n');
  assert.equal(q.escapeToken, '\\');
  assert.equal(err('# escape=x\nFROM a\n'), "failed to parse Dockerfile: invalid escape token 'x' does not match ` or \\");
  assert.equal(err('# escape=`\n# escape=`\nFROM a\n'), 'failed to parse Dockerfile: only one escape parser directive can be used');
});

test('heredoc RUN, quoted delimiter, <<- tab stripping', () => {
  const p = parseDockerfile('FROM a\nRUN <<EOF\necho $HOME\nEOF\nCOPY <<-"END" /x\n\thello $X\n\tEND\nRUN echo after\n');
  const [run, copy, after] = p.stages[0].commands as [InstructionOf<'run'>, InstructionOf<'copy'>, InstructionOf<'run'>];
  assert.deepEqual(run.cmd.files, [{ name: 'EOF', data: 'echo $HOME\n', chomp: false }]);
  assert.deepEqual(copy.contents, [{ path: 'END', data: 'hello $X\n', expand: false }]);
  assert.deepEqual(copy.sources, []);
  assert.equal(copy.dest, '/x');
  assert.equal(after.line, 8);
});

test('multiple heredocs on one line', () => {
  const run = first('FROM a\nRUN cat <<A && cat <<B\nfirst\nA\nsecond\nB\n') as InstructionOf<'run'>;
  assert.deepEqual(run.cmd.files.map((f) => [f.name, f.data]), [['A', 'first\n'], ['B', 'second\n']]);
});

test('unterminated heredoc', () => {
  assert.equal(err('FROM a\nRUN <<EOF\necho\n'), 'failed to parse Dockerfile: unterminated heredoc');
});

test('heredoc not recognised in JSON form', () => {
  const run = first('FROM a\nRUN ["cat", "<<EOF"]\n') as InstructionOf<'run'>;
  assert.deepEqual(run.cmd.files, []);
});

test('COPY heredoc as destination is refused', () => {
  assert.match(err('FROM a\nCOPY x <<EOF\nEOF\n'), /COPY cannot accept a heredoc as a destination/);
});

test('ENV old and new forms', () => {
  assert.deepEqual((first('FROM a\nENV A b c  d\n') as InstructionOf<'env'>).env, [{ key: 'A', value: 'b c  d' }]);
  assert.deepEqual((first('FROM a\nENV A=1 B="x y" C=\n') as InstructionOf<'env'>).env, [
    { key: 'A', value: '1' },
    { key: 'B', value: '"x y"' },
    { key: 'C', value: '' },
  ]);
  assert.match(err('FROM a\nENV A=1 B\n'), /Syntax error - can't find = in "B". Must be of the form: name=value/);
  assert.match(err('FROM a\nENV A\n'), /ENV must have two arguments/);
});

test('LABEL, MAINTAINER, USER, WORKDIR, STOPSIGNAL', () => {
  const p = parseDockerfile('FROM a\nLABEL a=b "c d"=e\nMAINTAINER Jo <j@x>\nUSER app:app\nWORKDIR /srv/app\nSTOPSIGNAL SIGKILL\n');
  const [label, m, u, w, s] = p.stages[0].commands as any[];
  assert.deepEqual(label.labels, [{ key: 'a', value: 'b' }, { key: '"c d"', value: 'e' }]);
  assert.equal(m.maintainer, 'Jo <j@x>');
  assert.equal(u.user, 'app:app');
  assert.equal(w.path, '/srv/app');
  assert.equal(s.signal, 'SIGKILL');
  assert.equal(err('FROM a\nUSER\n'), 'dockerfile parse error on line 2: USER requires exactly one argument');
});

test('ARG with defaults, multiple', () => {
  assert.deepEqual((first('FROM a\nARG A=1 B C="x"\n') as InstructionOf<'arg'>).args, [{ key: 'A', value: '1' }, { key: 'B' }, { key: 'C', value: '"x"' }]);
  assert.match(err('FROM a\nARG =x\n'), /ARG names can not be blank/);
});

test('EXPOSE sorted, VOLUME JSON and list', () => {
  assert.deepEqual((first('FROM a\nEXPOSE 8080 443/tcp 53/udp\n') as InstructionOf<'expose'>).ports, ['443/tcp', '53/udp', '8080']);
  assert.deepEqual((first('FROM a\nVOLUME ["/a", "/b c"]\n') as InstructionOf<'volume'>).volumes, ['/a', '/b c']);
  assert.deepEqual((first('FROM a\nVOLUME /a /b\n') as InstructionOf<'volume'>).volumes, ['/a', '/b']);
});

test('SHELL needs JSON; ENTRYPOINT and CMD forms', () => {
  assert.deepEqual((first('FROM a\nSHELL ["/bin/bash", "-c"]\n') as InstructionOf<'shell'>).shell, ['/bin/bash', '-c']);
  assert.equal(err('FROM a\nSHELL /bin/bash -c\n'), 'dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form');
  const e = first('FROM a\nENTRYPOINT exec top -b\n') as InstructionOf<'entrypoint'>;
  assert.deepEqual(e.cmd, { cmdLine: ['exec top -b'], prependShell: true, files: [] });
  assert.equal(err('FROM a\nCMD ["a", 1]\n'), 'failed to parse Dockerfile: when using JSON array syntax, arrays must be comprised of strings only');
  // Not valid JSON: shell form.
  assert.deepEqual((first("FROM a\nCMD ['a']\n") as InstructionOf<'cmd'>).cmd.cmdLine, ["['a']"]);
});

test('HEALTHCHECK NONE and CMD with flags', () => {
  assert.deepEqual((first('FROM a\nHEALTHCHECK NONE\n') as InstructionOf<'healthcheck'>).health, { Test: ['NONE'] });
  const h = (first('FROM a\nHEALTHCHECK --interval=30s --timeout=1m30s --start-period=5s --start-interval=500ms --retries=3 CMD curl -f http://x/ || exit 1\n') as InstructionOf<'healthcheck'>).health;
  assert.deepEqual(h, { Test: ['CMD-SHELL', 'curl -f http://x/ || exit 1'], Interval: 30e9, Timeout: 90e9, StartPeriod: 5e9, StartInterval: 5e8, Retries: 3 });
  assert.deepEqual((first('FROM a\nHEALTHCHECK CMD ["true"]\n') as InstructionOf<'healthcheck'>).health.Test, ['CMD', 'true']);
  assert.match(err('FROM a\nHEALTHCHECK NONE x\n'), /HEALTHCHECK NONE takes no arguments/);
  assert.match(err('FROM a\nHEALTHCHECK FOO x\n'), /Unknown type "FOO" in HEALTHCHECK \(try CMD\)/);
  assert.match(err('FROM a\nHEALTHCHECK CMD\n'), /Missing command after HEALTHCHECK CMD/);
  assert.match(err('FROM a\nHEALTHCHECK --retries=-1 CMD x\n'), /--retries cannot be negative \(-1\)/);
  assert.match(err('FROM a\nHEALTHCHECK --interval=1ns CMD x\n'), /Interval "interval" cannot be less than 1ms/);
});

test('ONBUILD triggers and forbidden ones', () => {
  const o = first('FROM a\nONBUILD RUN echo hi\n') as InstructionOf<'onbuild'>;
  assert.equal(o.expression, 'RUN echo hi');
  assert.equal(err('FROM a\nONBUILD ONBUILD RUN x\n'), 'dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  assert.equal(err('FROM a\nONBUILD FROM x\n'), "dockerfile parse error on line 2: FROM isn't allowed as an ONBUILD trigger");
  const h = first('FROM a\nONBUILD RUN <<EOF\necho x\nEOF\n') as InstructionOf<'onbuild'>;
  assert.equal(h.expression, 'RUN <<EOF\necho x\nEOF');
});

test('COPY/ADD flags', () => {
  const c = first('FROM a\nCOPY --from=build --chown=app:app --chmod=0755 --link a b /dst/\n') as InstructionOf<'copy'>;
  assert.equal(c.from, 'build');
  assert.equal(c.chown, 'app:app');
  assert.equal(c.chmod, '0755');
  assert.equal(c.link, true);
  assert.deepEqual(c.sources, ['a', 'b']);
  const a = first('FROM a\nADD --keep-git-dir=false --checksum=sha256:abc http://x/y /y\n') as InstructionOf<'add'>;
  assert.equal(a.keepGitDir, false);
  assert.equal(a.checksum, 'sha256:abc');
  assert.equal(err('FROM a\nCOPY --form=x a b\n'), 'dockerfile parse error on line 2: unknown flag: --form (did you mean from?)');
  assert.equal(err('FROM a\nCOPY --from a b\n'), 'dockerfile parse error on line 2: missing a value on flag: --from');
  assert.equal(err('FROM a\nCOPY --link=maybe a b\n'), 'dockerfile parse error on line 2: expecting boolean value for flag --link, not: maybe');
  assert.equal(err('FROM a\nCOPY --from=a --from=b a b\n'), 'dockerfile parse error on line 2: duplicate flag specified: --from');
  assert.equal(err('FROM a\nCOPY a\n'), 'dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined');
  const j = first('FROM a\nCOPY ["a b", "/c d/"]\n') as InstructionOf<'copy'>;
  assert.deepEqual([j.sources, j.dest], [['a b'], '/c d/']);
});

test('RUN flags are parsed', () => {
  const r = first('FROM a\nRUN --mount=type=cache,target=/x --network=none echo\n') as InstructionOf<'run'>;
  assert.deepEqual(r.mounts, ['type=cache,target=/x']);
  assert.equal(r.network, 'none');
  assert.deepEqual(r.flagsUsed, ['mount', 'network']);
  assert.deepEqual(r.cmd.cmdLine, ['echo']);
});

test('instructions are case-insensitive; multiple stages', () => {
  const p = parseDockerfile('from a as one\nrun x\nFROM one\ncopy --from=one /a /b\n');
  assert.equal(p.stages.length, 2);
  assert.equal(p.stages[1].baseName, 'one');
  assert.equal(p.stages[1].commands[0].name, 'copy');
});

test('CRLF line endings and BOM', () => {
  const p = parseDockerfile('\uFEFFFROM a\r\nRUN echo a \\\r\n  b\r\n');
  assert.equal((p.stages[0].commands[0] as InstructionOf<'run'>).cmd.cmdLine[0], 'echo a   b');
});

test('comments between instructions are attached', () => {
  const ast = parseAst('# about a\nFROM a\n# run it\nRUN x\n');
  assert.deepEqual(ast.children[1].comments, ['run it']);
});

test('escaped escape at line end is not a continuation only when doubled oddly', () => {
  const p = parseDockerfile('FROM a\nRUN echo \\\\\nRUN b\n');
  // `\\` at end: the regex sees an escape preceded by an escape, so no continuation.
  assert.equal(p.stages[0].commands.length, 2);
});
