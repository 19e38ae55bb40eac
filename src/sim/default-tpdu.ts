// The TPDU the simulators (terminal, load, replay) send with the `tpdu` header when a message
// carries none of its own, and `encode` writes by default. A constant; no I/O.

/** Protocol 60, destination NII 012, source 0000, as the 40-bit integer the framing writes. */
export const DEFAULT_TPDU = 0x6000120000;
