/**
 * Runner of the table-driven hostile-input suite: loads every compiled table under
 * `out/test/hostile/cases/`, runs each case as one test, and prints `hostile: cases=<n> failures=<f>`.
 * Tables are found by listing the folder, so adding a table needs no change here.
 */
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { isHostileCase } from '../hostile/types';
import type { HostileCase } from '../hostile/types';

const casesFolder = path.resolve(__dirname, '..', 'hostile', 'cases');
const loadModule = createRequire(__filename);
/** Title of the check that tables were found; it counts as a failure when it fails, not as a case. */
const GUARD = 'finds non-empty case tables';

function loadTables(): { file: string; cases: HostileCase[] }[] {
  const files = readdirSync(casesFolder)
    .filter((name) => name.endsWith('.js'))
    .sort();
  return files.map((file) => {
    const exported: unknown = loadModule(path.join(casesFolder, file));
    const list: unknown =
      typeof exported === 'object' && exported !== null && 'cases' in exported ? exported.cases : undefined;
    assert.ok(Array.isArray(list), `${file} exports no \`cases\` array`);
    const cases = list.filter(isHostileCase);
    assert.equal(cases.length, list.length, `${file} has entries that are not hostile cases`);
    return { file, cases };
  });
}

describe('hostile input', function () {
  const tables = loadTables();
  let ran = 0;
  let failures = 0;

  afterEach(function () {
    if (this.currentTest?.title !== GUARD) ran++;
    if (this.currentTest?.state !== 'passed') failures++;
  });

  after(function () {
    console.log(`hostile: cases=${ran} failures=${failures}`);
  });

  it(GUARD, () => {
    assert.ok(tables.length > 0 && tables.every((t) => t.cases.length > 0), 'no hostile cases found');
  });

  for (const table of tables) {
    describe(table.file.replace(/\.js$/, ''), () => {
      const seen = new Set<string>();
      for (const hostile of table.cases) {
        const title = `[${hostile.area}] ${hostile.name}`;
        assert.ok(!seen.has(title), `duplicate case name ${title} in ${table.file}`);
        seen.add(title);
        it(title, async () => {
          await hostile.run();
        });
      }
    });
  }
});
