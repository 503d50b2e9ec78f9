// GraphiQL from the console's own build: every script is bundled (no CDN), the Monaco workers come from Vite.
// The token is the one the console's sign-in keeps in session storage, or what a person types in the Headers pane;
// never a URL parameter, which would end up in access logs.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import { endpoint, readSession, websocketEndpoint } from './auth';

const session = readSession();
const authorization = session ? { authorization: `Bearer ${session.token}` } : undefined;
const fetcher = createGraphiQLFetcher({
  url: endpoint(),
  subscriptionUrl: websocketEndpoint(),
  headers: authorization,
  wsConnectionParams: authorization,
});

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL fetcher={fetcher} defaultQuery={'# ' + (session ? `Signed in as ${session.label}` : 'The public (no token)') +
    ': the console\'s sign-in, or an Authorization header in the Headers pane below.\n{\n  publishedProjects(first: 5) { totalCount edges { node { code name status investment } } }\n}\n'} />,
);
