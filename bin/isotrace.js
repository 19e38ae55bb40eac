#!/usr/bin/env node
// Thin launcher of the built CLI (npm install builds it into dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
