// Why a module did not load, in one line. A syntax error in a TypeScript app surfaces from the
// loader as something unhelpful (outside a "type": "module" package Node reports "Cannot require()
// ES Module … in a cycle"; inside one, "Transform failed with 1 error:" on its own line), so the
// file is parsed again with esbuild, the compiler tsx itself uses, to name file, line and column.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { transform } from 'esbuild';
import type { TransformFailure } from 'esbuild';

const LOADERS = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
} as const;

/** `file:line:column: message` for the first syntax error in `file`, or undefined if it parses. */
export async function syntaxErrorIn(file: string): Promise<string | undefined> {
  const loader = LOADERS[path.extname(file) as keyof typeof LOADERS];
  if (loader === undefined) return undefined;
  try {
    await transform(await readFile(file, 'utf8'), { loader, sourcefile: file, logLevel: 'silent' });
    return undefined;
  } catch (error) {
    const first = (error as Partial<TransformFailure>).errors?.[0];
    if (first === undefined) return undefined;
    const where = first.location
      ? `${first.location.file}:${first.location.line}:${first.location.column + 1}`
      : file;
    return `syntax error at ${where}: ${first.text}`;
  }
}

/** One line saying why importing `file` failed: its syntax error if it has one, else the error's first line. */
export async function whyNotLoaded(file: string, error: unknown): Promise<string> {
  const syntax = await syntaxErrorIn(file);
  if (syntax !== undefined) return syntax;
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  // "Transform failed with 1 error:" only announces the line that follows.
  const first =
    lines[0]?.endsWith(':') && lines[1] !== undefined ? `${lines[0]} ${lines[1]}` : lines[0];
  return first ?? 'unknown error';
}
