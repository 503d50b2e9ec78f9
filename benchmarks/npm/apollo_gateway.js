// Apollo Gateway (npm @apollo/gateway in @apollo/server's standalone server) over the four bureaus' subgraphs, for
// benchmarks/gateway_vs_apollo.py. Apollo's own composition composes the committed subgraph SDL; the caller's
// Authorization header is forwarded to every subgraph call, as our gateway does, so both see the same data.
// Apollo Gateway refuses a supergraph with the authorization directives (@authenticated, @requiresScopes, @policy:
// "for: SECURITY but is unsupported"; only Apollo Router enforces them), so they are taken out before composing:
// Apollo Gateway checks no scopes, and the subgraphs still verify the token and apply need-to-know themselves.
// Usage: node apollo_gateway.js PORT '{"approval": ["http://127.0.0.1:p/graphql", "services/approval/schema.graphql"], ...}'
// Prints its URL as the first line of stdout once it listens.
const fs = require("fs");
const { parse, visit, Kind } = require("graphql");
const { composeServices } = require("@apollo/composition");
const { ApolloServer } = require("@apollo/server");
const { startStandaloneServer } = require("@apollo/server/standalone");
const { ApolloGateway, RemoteGraphQLDataSource } = require("@apollo/gateway");

const SECURITY = new Set(["authenticated", "requiresScopes", "policy"]);

function withoutAuthorization(document) {
  return visit(document, {
    Directive(node) {
      return SECURITY.has(node.name.value) ? null : undefined;
    },
    ListValue(node) { // the @link import list
      const kept = node.values.filter((v) => !(v.kind === Kind.STRING && SECURITY.has(v.value.replace(/^@/, ""))));
      return kept.length === node.values.length ? undefined : { ...node, values: kept };
    },
  });
}

class ForwardingDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.authorization) request.http.headers.set("authorization", context.authorization);
  }
}

async function main() {
  const [port, subgraphsJson] = process.argv.slice(2);
  const subgraphs = JSON.parse(subgraphsJson);
  const composed = composeServices(Object.entries(subgraphs).map(([name, [url, file]]) => (
    { name, url, typeDefs: withoutAuthorization(parse(fs.readFileSync(file, "utf8"))) })));
  if (composed.errors && composed.errors.length) {
    for (const error of composed.errors) console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
    process.exit(1);
  }
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ url }) => new ForwardingDataSource({ url }),
    logger: { debug() {}, info() {}, warn: console.error, error: console.error },
  });
  const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false, csrfPrevention: false });
  const { url } = await startStandaloneServer(server, {
    listen: { host: "127.0.0.1", port: Number(port) },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  process.stdout.write(url + "\n");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
