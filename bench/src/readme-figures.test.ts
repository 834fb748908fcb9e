// The bench README states how long a full run takes; that figure must agree with the committed
// report's own "Took m:ss", so a reader who plans around it is not misled when the bench changes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const read = (relative: string): string =>
  readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');

it("the README's full-run time is the committed report's", () => {
  const took = /Took (\d+):(\d\d)\./.exec(read('../results/report.md'));
  const stated =
    /full run: about (\d+) minutes on 2 cores \(the committed report: (\d+:\d\d)\)/.exec(
      read('../README.md'),
    );
  expect(took, 'report.md says "Took m:ss."').not.toBeNull();
  expect(
    stated,
    'README says "full run: about N minutes on 2 cores (the committed report: m:ss)"',
  ).not.toBeNull();
  const minutes = Number(took![1]) + Number(took![2]) / 60;
  expect(stated![2]).toBe(`${took![1]}:${took![2]}`);
  expect(Math.abs(Number(stated![1]) - minutes)).toBeLessThanOrEqual(1);
});
