// SPEC.md tied to the validator and to the tests, the way Rack's SPEC is generated from
// Rack::Lint: every rule is either checked by the validator or named as the server's to keep, the
// words each check quotes are still SPEC.md's words, and every rule has a test that says so by
// starting its title with the rule's number. A rule added, renumbered or reworded without its
// check or its test fails here, by name. Everything is read statically: no test is run to find
// the titles.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '../..');
const read = (file: string): string => readFileSync(path.join(packageRoot, file), 'utf8');
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

const RULE_ID = /^\d+\.\d+$/;

/** SPEC.md's rules: id → the rule's text, from its bold number to the next rule or heading. */
function specRules(): Map<string, string> {
  const rules = new Map<string, string>();
  const spec = read('SPEC.md');
  const starts = [...spec.matchAll(/^\*\*(\d+\.\d+)\*\*/gm)];
  starts.forEach((match, i) => {
    const from = match.index + match[0].length;
    const next = starts[i + 1]?.index ?? spec.length;
    const heading = spec.slice(from, next).search(/^#/m);
    rules.set(match[1]!, squash(spec.slice(from, heading === -1 ? next : from + heading)));
  });
  return rules;
}

const VALIDATOR_FILES = ['src/validate/validate.ts', 'src/validate/_body.ts', 'src/validate/_environ.ts'];

interface Quote {
  rule: string;
  words: string;
  where: string;
}

/**
 * Every `N.M "words"` in a doc comment of the validator's modules: the rule a check enforces and
 * SPEC.md's words for it. An ellipsis (…) inside the quote stands for words left out.
 */
function validatorQuotes(): Quote[] {
  const quotes: Quote[] = [];
  for (const file of VALIDATOR_FILES) {
    const source = read(file);
    for (const comment of source.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const text = squash(comment[1]!.replace(/^\s*\*/gm, ' '));
      const line = source.slice(0, comment.index).split('\n').length;
      for (const quote of text.matchAll(/(\d+\.\d+) "([^"]+)"/g)) {
        quotes.push({ rule: quote[1]!, words: quote[2]!, where: `${file}:${line}` });
      }
    }
  }
  return quotes;
}

/** The header of validate.ts: the rules it checks, and those it leaves to the server. */
function validatorHeader(): { checked: Set<string>; serverSide: string[] } {
  const lines = read('src/validate/validate.ts').split('\n');
  const header = lines.slice(0, lines.findIndex((line) => !line.startsWith('//')));
  const checksAt = header.findIndex((line) => line.includes('What it checks'));
  const serverAt = header.findIndex((line) => line.includes('Not seen from between the two sides'));
  const checked = new Set(
    header
      .slice(checksAt + 1, serverAt)
      .map((line) => /^\/\/\s+(\d+\.\d+)\s/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined),
  );
  const serverSide = [...header.slice(serverAt).join(' ').matchAll(/\b(\d+\.(?:\d+|x))\b/g)].map((m) => m[1]!);
  return { checked, serverSide };
}

function testFiles(dir: string): string[] {
  return readdirSync(path.join(packageRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(packageRoot, path.join(entry.parentPath, entry.name)));
}

/** From `(` at `open`, the index just past its matching `)`. */
function pastClosingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return i + 1;
  }
  return source.length;
}

/**
 * The title of every `it`, `test` and `describe` in `source`, with `.each(table)` and modifiers
 * (`.skip`, `.concurrent`…) stepped over. Titles are string literals; a template's `${…}` stays as
 * written.
 */
function titlesIn(source: string): string[] {
  const titles: string[] = [];
  for (const call of source.matchAll(/\b(?:it|test|describe)((?:\.\w+)*)\(/g)) {
    let open = call.index + call[0].length - 1;
    if (call[1]!.endsWith('.each')) {
      open = pastClosingParen(source, open);
      if (source[open] !== '(') continue;
    }
    const title = /^\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/s.exec(source.slice(open));
    if (title) titles.push(title[2]!);
  }
  return titles;
}

/** Rule id → the tests (file: title) whose title starts with it. */
function testsByRule(): Map<string, string[]> {
  const byRule = new Map<string, string[]>();
  // This file is left out: its own sample titles below would count as tests of 1.1, 2.2 and 3.3.
  const self = path.relative(packageRoot, fileURLToPath(import.meta.url));
  for (const file of [...testFiles('src'), ...testFiles('test')].filter((file) => file !== self)) {
    for (const title of titlesIn(read(file))) {
      const id = /^(\d+\.\d+)\s/.exec(title)?.[1];
      if (id !== undefined) byRule.set(id, [...(byRule.get(id) ?? []), `${file}: ${title}`]);
    }
  }
  return byRule;
}

const rules = specRules();
const quotes = validatorQuotes();
const { checked, serverSide } = validatorHeader();
const leftToServer = (id: string): boolean => serverSide.includes(id) || serverSide.includes(`${id.split('.')[0]}.x`);

describe('SPEC.md and the validator', () => {
  it('finds the rules, the quotes and the header lists it reads (else the checks below prove nothing)', () => {
    expect(rules.size).toBeGreaterThan(40);
    expect(quotes.length).toBeGreaterThan(15);
    expect(checked.size).toBeGreaterThan(20);
    expect(serverSide.length).toBeGreaterThan(3);
  });

  it('each rule is checked by the validator or named in validate.ts as left to the server', () => {
    const unaccounted = [...rules.keys()].filter((id) => !checked.has(id) && !leftToServer(id));
    expect(
      unaccounted.map((id) => `rule ${id} is neither in validate.ts's "What it checks" list nor in its "Not seen from between the two sides" list`),
    ).toEqual([]);
  });

  it('each rule validate.ts names is a rule of SPEC.md', () => {
    const named = [...checked, ...serverSide.filter((id) => RULE_ID.test(id))];
    const sections = new Set([...rules.keys()].map((id) => `${id.split('.')[0]}.x`));
    const stale = [
      ...named.filter((id) => !rules.has(id)).map((id) => `validate.ts names rule ${id}, which SPEC.md does not have`),
      ...serverSide.filter((id) => id.endsWith('.x') && !sections.has(id)).map((id) => `validate.ts names section ${id}, which SPEC.md does not have`),
    ];
    expect(stale).toEqual([]);
  });

  it('each rule the header says is checked has a check that quotes it', () => {
    const quoted = new Set(quotes.map((quote) => quote.rule));
    expect(
      [...checked].filter((id) => !quoted.has(id)).map((id) => `rule ${id} is in validate.ts's "What it checks" list, but no check in ${VALIDATOR_FILES.join(', ')} quotes it (/** ${id} "SPEC.md's words" */)`),
    ).toEqual([]);
  });

  it("each check's quote is SPEC.md's words for its rule", () => {
    const drifted = quotes.flatMap(({ rule, words, where }) => {
      const text = rules.get(rule);
      if (text === undefined) return [`${where}: quotes rule ${rule}, which SPEC.md does not have`];
      // Each piece between ellipses must be in the rule, in order.
      let from = 0;
      for (const piece of words.split('…').map(squash).filter((p) => p !== '')) {
        const at = text.indexOf(piece, from);
        if (at === -1) return [`${where}: rule ${rule} in SPEC.md does not say "${piece}"`];
        from = at + piece.length;
      }
      return [];
    });
    expect(drifted).toEqual([]);
  });
});

describe('SPEC.md and the tests', () => {
  const byRule = testsByRule();

  it('reads the test titles (else the check below proves nothing)', () => {
    expect(titlesIn(`it('1.1 a', () => {}); it.each([[1, (2)]])('2.2 %s', () => {}); describe.skip("3.3 c", () => {});`)).toEqual(['1.1 a', '2.2 %s', '3.3 c']);
    expect(byRule.size).toBeGreaterThan(20);
  });

  it('each rule has a test whose title starts with its number', () => {
    const untested = [...rules.keys()].filter((id) => !byRule.has(id));
    expect(
      untested.map((id) => `rule ${id} has no test titled '${id} …' in packages/gateway/src/**/*.test.ts or test/**/*.test.ts`),
    ).toEqual([]);
  });
});
