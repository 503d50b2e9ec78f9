// Subscribes to Subscription.projectEvents at the gateway with the graphql-ws client (graphql-transport-ws over
// the `ws` package), as another agency's system would, and prints each event as one JSON line on stdout:
//   {"receivedAt": <ms since the epoch, sub-millisecond>, "event": {...the ProjectEvent...}}
// Lifecycle notes go to stderr. Exits 0 after --count events (0: never, until killed), 1 on any error or close
// by the gateway, 2 on --timeout-ms.
//
// node subscribe.mjs --url ws://127.0.0.1:8000/graphql --token <jwt> [--filter '{"types":["approval.#"]}']
//                    [--count N] [--timeout-ms 60000]
import { createClient } from 'graphql-ws';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const SUBSCRIPTION = `subscription Events($filter: ProjectEventFilter) {
  projectEvents(filter: $filter) {
    __typename id type source time projectId jurisdiction unitId
    ... on ProjectDecisionEvent { decision projectCode reasons }
  }
}`;

function options(argv) {
  const parsed = { filter: null, count: 0, timeoutMs: 60000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--url') parsed.url = value;
    else if (name === '--token') parsed.token = value;
    else if (name === '--filter') parsed.filter = JSON.parse(value);
    else if (name === '--count') parsed.count = Number(value);
    else if (name === '--timeout-ms') parsed.timeoutMs = Number(value);
    else throw new Error(`unknown option ${name}`);
  }
  if (!parsed.url || !parsed.token) throw new Error('--url and --token are required');
  return parsed;
}

const note = (what) => process.stderr.write(JSON.stringify(what) + '\n');
const now = () => performance.timeOrigin + performance.now();
const opts = options(process.argv.slice(2));
let received = 0;

const client = createClient({
  url: opts.url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: 'Bearer ' + opts.token },
  retryAttempts: 0, // a refusal or a dropped connection is a failure here, not something to hide by reconnecting
  on: {
    connected: () => note({ connected: true }),
    closed: (event) => note({ closed: event?.code ?? null, reason: event?.reason ?? null }),
  },
});

async function finish(code) {
  await client.dispose();
  process.exit(code);
}

setTimeout(() => { note({ timeout: opts.timeoutMs }); finish(2); }, opts.timeoutMs);

client.subscribe(
  { query: SUBSCRIPTION, variables: { filter: opts.filter } },
  {
    next: (result) => {
      const receivedAt = now();
      if (result.errors) {
        note({ errors: result.errors });
        finish(1);
        return;
      }
      process.stdout.write(JSON.stringify({ receivedAt, event: result.data.projectEvents }) + '\n');
      received += 1;
      if (opts.count > 0 && received >= opts.count) finish(0);
    },
    error: (error) => {
      note({ error: error instanceof Error ? error.message : (error?.code ?? error?.message ?? String(error)) });
      finish(1);
    },
    complete: () => { note({ complete: true }); finish(0); },
  },
);
