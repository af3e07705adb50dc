// failure-summary.mjs: a node:test reporter that ends the run with one line per failing test
// and the first lines of its error, each marked "# ", so a log cut down to its marked lines
// still says why a test failed.
export default async function* failureSummary(source) {
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, details } = event.data;
    const err = details?.error;
    const cause = err?.cause ?? err;
    const text = String(cause?.message ?? cause ?? 'unknown failure').split('\n').slice(0, 6);
    failures.push({ name, text });
  }
  if (failures.length === 0) return;
  yield `# ---- ${failures.length} failing test(s), why ----\n`;
  for (const f of failures) {
    yield `# FAILED: ${f.name}\n`;
    for (const line of f.text) yield `#   ${line}\n`;
  }
}
