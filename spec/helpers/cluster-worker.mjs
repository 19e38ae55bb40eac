// A stand-in worker for WorkerPool tests, forked by node:cluster: argv[2] is what it does, argv[3]
// the message that says it is ready. `die`: ready, then exits 1 at once; `fail`: exits 2 without
// being ready; `serve`: ready, then exits 0 on SIGTERM. Test-only.

const [mode, ready] = process.argv.slice(2);
if (mode === 'fail') process.exit(2);
// Before it says it is ready: the primary may send SIGTERM the moment it hears so.
process.on('SIGTERM', () => process.exit(0));
process.send({ type: ready }, () => {
  if (mode === 'die') process.exit(1);
});
