// Public surface of src/issuer: the stub issuer and its card data, the issuer definitions of the
// routes file, and the mapping of requests and answers between a terminal's spec and an issuer link's.

export { DEFAULT_MAX_HOLDS, StubIssuer } from './stub.js';
export { MS_PER_DAY, StubCalendar, approvalOf, cardDecline, decline, fundsDecline, fundsDeclineOf, holdReleased, openingMinor, serialOf, stubDelay } from './stub-rules.js';
export { loadCards, currencyExponent, CARD_STATUSES } from './cards.js';
export type { Card, CardStatus } from './cards.js';
export { DEFAULT_REMOTE_ISSUER, ISSUER_TYPES, PIN_BLOCK_RULES, STUB_ISSUER, checkIssuerSpec, parseIssuerDefinitions } from './issuer-definition.js';
export type {
  IssuerDefinition, IssuerEndpoint, IssuerTls, PinBlockRule, RemoteIssuerDefinition, StubIssuerDefinition, TraceField,
} from './issuer-definition.js';
export { IssuerMapping } from './issuer-mapping.js';
export type { IssuerMappingOptions } from './issuer-mapping.js';
export { toIssuerRequest } from './issuer-request.js';
export type { IssuerLeg } from './issuer-request.js';
export { toTerminalAnswer } from './terminal-answer.js';
export { REVERSAL_REASONS, reversalAdvice } from './reversal-advice.js';
export type { AdviceLeg, ReversalReason } from './reversal-advice.js';
export { MappingError } from './mapping-error.js';
export type { MappingErrorCode } from './mapping-error.js';
export { COMMON_FIELDS } from './edition-map.js';
export { RemoteIssuer } from './remote/remote-issuer.js';
export type { RemoteIssuerOptions } from './remote/remote-issuer.js';
export type { AcknowledgedAdvice } from './remote/advice-forwarder.js';
export type { IssuerLink } from './remote/issuer-links.js';
