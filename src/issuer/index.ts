// Public surface of src/issuer: the stub issuer and its card data.

export { DEFAULT_MAX_HOLDS, StubIssuer } from './stub.js';
export { loadCards, currencyExponent, CARD_STATUSES } from './cards.js';
export type { Card, CardStatus } from './cards.js';
