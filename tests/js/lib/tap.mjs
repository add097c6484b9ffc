// Reporter for node's test runner that prove reads: top-level tests as ok / not ok lines, failures and output as # comments.
export default async function* tap(source) {
  let n = 0;
  for await (const { type, data } of source) {
    if ((type === 'test:pass' || type === 'test:fail') && data.nesting === 0) {
      n++;
      yield `${type === 'test:pass' ? 'ok' : 'not ok'} ${n} - ${data.name}\n`;
      if (type === 'test:fail') {
        const err = data.details.error;
        const why = err && err.cause instanceof Error ? err.cause : err;
        yield `# ${String((why && why.stack) || why).replace(/\n/g, '\n# ')}\n`;
      }
    } else if (type === 'test:stdout' || type === 'test:stderr') {
      // What a file printed, as when it cannot be loaded; a line of its own even when it came in pieces.
      yield `# ${data.message.replace(/\n$/, '').replace(/\n/g, '\n# ')}\n`;
    }
  }
  yield `1..${n}\n`;
}
