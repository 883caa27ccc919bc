// Parses each file named on the command line with Mermaid's own parser and exits non-zero on
// the first that does not parse. Mermaid needs a DOM to load; jsdom stands in for a browser,
// which is enough to parse (not to lay out or draw).
import fs from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const mermaid = (await import('mermaid')).default;
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(fs.readFileSync(file, 'utf8'));
    console.log(`ok ${file} (${result.diagramType})`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${file}: ${String(error?.message ?? error)}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
