// Runs graphql-http's server audits (the GraphQL-over-HTTP spec's checks) against one endpoint and prints the
// results as JSON: [{id, name, status, reason, httpStatus, contentType}].
// Usage: node http_audit.js http://127.0.0.1:PORT/graphql
const { serverAudits } = require("graphql-http");

async function main(url) {
  const results = [];
  for (const audit of serverAudits({ url, fetchFn: fetch })) {
    let result;
    try {
      result = await audit.fn();
    } catch (error) {
      result = { status: "error", reason: `the audit threw: ${error}` };
    }
    const response = result.response;
    results.push({
      id: audit.id,
      name: audit.name,
      status: result.status,
      reason: result.reason === undefined ? undefined : String(result.reason),
      httpStatus: response?.status,
      contentType: response?.headers?.get("content-type") ?? undefined,
    });
  }
  process.stdout.write(JSON.stringify(results));
}

main(process.argv[2]).catch((error) => {
  console.error(error);
  process.exit(1);
});
