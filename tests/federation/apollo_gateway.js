// Apollo Gateway (npm @apollo/gateway in @apollo/server) serving a supergraph, for the differential test.
// Usage: node apollo_gateway.js supergraph.graphql '{"subgraph": "http://127.0.0.1:port/subgraph", ...}'
// Listens on a free loopback port and prints its URL as the first line of stdout; runs until stdin closes,
// so it never outlives the test that started it.
const fs = require("fs");
const { ApolloServer } = require("@apollo/server");
const { startStandaloneServer } = require("@apollo/server/standalone");
const { ApolloGateway, RemoteGraphQLDataSource } = require("@apollo/gateway");

async function main() {
  const [supergraphFile, urlsJson] = process.argv.slice(2);
  const urls = JSON.parse(urlsJson);
  const gateway = new ApolloGateway({
    supergraphSdl: fs.readFileSync(supergraphFile, "utf8"),
    // the supergraph names each subgraph's URL symbolically; the test serves them on free ports
    buildService: ({ name }) => new RemoteGraphQLDataSource({ url: urls[name] }),
    logger: { debug() {}, info() {}, warn: console.error, error: console.error },
  });
  const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false, csrfPrevention: false });
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
  process.stdout.write(url + "\n");
  process.stdin.resume();
  process.stdin.on("end", async () => {
    await server.stop();
    process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
