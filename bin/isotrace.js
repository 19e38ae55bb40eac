#!/usr/bin/env node
// Thin launcher of the built CLI (npm install builds it into dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
// The command is done: once what it printed is out (pipes are asynchronous on macOS), exit, so that
// a timer or socket a library still holds (an OTLP export retrying a collector that is down) cannot
// keep the process alive.
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
