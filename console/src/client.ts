// urql with graphql-ws: queries and mutations over HTTP, `projectEvents` over the gateway's WebSocket
// (graphql-transport-ws), the token in the Authorization header and in connection_init.
import { cacheExchange, Client, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient } from 'graphql-ws';
import { endpoint, websocketEndpoint } from './auth';

export function makeClient(token: string | null): Client {
  const authorization = token ? { authorization: `Bearer ${token}` } : undefined;
  const exchanges = [cacheExchange, fetchExchange];
  if (token) {
    const ws = createWsClient({ url: websocketEndpoint(), connectionParams: authorization, lazy: true,
                                retryAttempts: 5 });
    exchanges.push(subscriptionExchange({
      forwardSubscription(request) {
        const input = { ...request, query: request.query || '' };
        return {
          subscribe(sink) {
            const unsubscribe = ws.subscribe(input, sink);
            return { unsubscribe };
          },
        };
      },
    }));
  }
  return new Client({
    url: endpoint(),
    exchanges,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { ...(authorization ?? {}), accept: 'application/json' } }),
  });
}
