// The tests that read the official spec (../shared/apiframe/openapi.json) skip when `officialSpec()` returns
// undefined. That must mean one thing only: the file is not there. (test/run-all.mjs also fails the run when
// such a test skipped while the file exists.)
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { officialSpec, officialSpecPath } from '../contract/officialSpec';

describe('official spec presence', () => {
  it('officialSpec() loads the spec whenever its file exists, and reads as absent only when it does not', function () {
    this.timeout(30_000); // compiling the spec takes a few seconds
    const file = officialSpecPath();
    const spec = officialSpec();
    if (existsSync(file)) {
      assert.ok(spec, `the spec is at ${file} but officialSpec() returned nothing: the tests that need it would skip`);
      assert.equal(spec.file, file);
      assert.ok(spec.schemaNames.includes('GenerateImageRequest'), 'it is the Apiframe spec the contract tests expect');
    } else {
      assert.equal(spec, undefined);
    }
  });
});
