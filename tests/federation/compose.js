// Composes subgraph SDL files with Apollo's own composition and prints the supergraph, or the errors.
// Usage: node compose.js name=path.graphql [name=path.graphql ...]
const fs = require("fs");
const { parse } = require("graphql");
const { composeServices } = require("@apollo/composition");

const services = process.argv.slice(2).map((arg) => {
  const [name, file] = arg.split("=");
  return { name, url: `http://${name}/graphql`, typeDefs: parse(fs.readFileSync(file, "utf8")) };
});
const result = composeServices(services);
if (result.errors && result.errors.length) {
  for (const error of result.errors) console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  process.exit(1);
}
for (const hint of result.hints ?? []) console.error(`hint ${hint.definition.code}: ${hint.message}`);
process.stdout.write(result.supergraphSdl);
