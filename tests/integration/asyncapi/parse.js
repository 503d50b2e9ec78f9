// Parses AsyncAPI documents with the official parser (@asyncapi/parser, its Spectral rules included).
// Usage: node parse.js FILE...  Prints every diagnostic; exits 1 if any is an error (warnings are printed only).
const fs = require('fs');
const path = require('path');
const { Parser, fromFile, DiagnosticSeverity } = require('@asyncapi/parser');

async function main(files) {
  if (files.length === 0) {
    console.error('usage: node parse.js FILE...');
    return 2;
  }
  const parser = new Parser();
  let failed = false;
  for (const file of files) {
    const { document, diagnostics } = await fromFile(parser, path.resolve(file)).parse();
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    for (const d of diagnostics) {
      const severity = Object.keys(DiagnosticSeverity).find((k) => DiagnosticSeverity[k] === d.severity);
      console.log(`${file}: ${severity} ${d.code} at /${d.path.join('/')}: ${d.message}`);
    }
    if (document === undefined || errors.length > 0) {
      failed = true;
      console.log(`${file}: NOT VALID (${errors.length} errors)`);
    } else {
      console.log(`${file}: valid AsyncAPI ${document.version()}, ${document.channels().length} channels, ` +
                  `${document.operations().length} operations, ${document.allMessages().length} messages`);
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
