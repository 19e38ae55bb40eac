// Public surface of src/shared: the error base and the code registry. Imports nothing.
export { SwitchError } from './errors.js';
export { ERROR_CODES, isErrorCode } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';
