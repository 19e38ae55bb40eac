// Public surface of src/collections: generic tables kept in typed arrays, for state that lives as
// long as the process and must hold no object per entry. Know nothing of messages or the switch;
// import nothing from the project.
export { SlotFifo } from './slot-fifo.js';
export { SlotIndex } from './slot-index.js';
export { SlotStrings } from './slot-strings.js';
