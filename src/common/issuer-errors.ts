// Errors of the issuer side, shared by the switch (which maps them to DE 39) and the backends.

import { SwitchError } from './errors.js';

/** An issuer did not answer in time (ISSUER_TIMEOUT) or could not be reached (ISSUER_UNAVAILABLE). */
export class IssuerError extends SwitchError {}

/** A request could not be routed to an issuer (ROUTE_NOT_FOUND) or the route table is bad. */
export class RoutingError extends SwitchError {}
