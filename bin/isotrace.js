#!/usr/bin/env node
// Thin launcher of the built CLI (npm install builds it into dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
// The command is done: a timer or socket a library still holds (an OTLP export retrying a collector
// that is down) must not keep the process alive past it.
setImmediate(() => process.exit()).unref();
