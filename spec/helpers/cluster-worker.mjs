// A stand-in worker for WorkerPool tests, forked by node:cluster: argv[2] is what it does, argv[3]
// the message that says it is ready. `die`: ready, then exits 1 at once; `fail`: exits 2 without
// being ready; `serve`: ready, then exits 0 on SIGTERM; `late`: as serve, but only once the primary
// sends it 'go' (it says { type: 'waiting' } once it listens), and from then on it tells the
// primary of each SIGHUP ({ type: 'hup' }), as a switch has a SIGHUP handler only once started.
// Test-only.

const [mode, ready] = process.argv.slice(2);
if (mode === 'fail') process.exit(2);
// Before it says it is ready: the primary may send SIGTERM the moment it hears so.
process.on('SIGTERM', () => process.exit(0));
const start = () => {
  process.send({ type: ready }, () => {
    if (mode === 'die') process.exit(1);
  });
};
if (mode === 'late') {
  process.on('message', (m) => {
    if (m !== 'go') return;
    process.on('SIGHUP', () => process.send({ type: 'hup' }));
    start();
  });
  process.send({ type: 'waiting' }); // for 'go'
} else start();
