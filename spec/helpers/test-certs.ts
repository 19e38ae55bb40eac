// Test certificates for the TLS tests, made once per test file with Debian's openssl CLI: the
// benchmark's maker (bench/test-certs.ts), so that tests and the TLS benchmark use the same set.

import { afterAll, beforeAll } from 'vitest';
import { makeTestCerts, type TestCerts } from '../../bench/test-certs.js';

export { makeTestCerts };
export type { TestCerts };

/** Makes a set before the file's tests and removes it after them; call the function returned inside a test. */
export function certsForThisFile(): () => TestCerts {
  let certs: TestCerts | null = null;
  beforeAll(() => {
    certs = makeTestCerts();
  });
  afterAll(() => certs?.remove());
  return () => certs!;
}
