// The quick runner's second reporter (scripts/test-quick.mjs): records how long each test file
// took, as a JSON object { "test/DIR/NAME.test.ts": milliseconds } written to the file this
// reporter's destination names, so that the next run can balance its groups by time. A file
// run in a group is the suite named after it (nesting 0); a file run alone is the sum of its
// top-level tests. A file with a failing test is left out (the runner keeps its earlier time).
export default async function* quickTimes(source) {
  const times = {};
  const failed = new Set();
  for await (const event of source) {
    if (event.type === 'test:fail') failed.add(event.data.file);
    if (event.type !== 'test:pass' || event.data.nesting !== 0) continue;
    const { name, file, details } = event.data;
    const ms = details.duration_ms;
    if (/^test\/.+\.test\.ts$/.test(name)) times[name] = ms;
    else {
      const alone = /out-quick\/(test\/.+)\.js$/.exec(file ?? '');
      if (alone) times[`${alone[1]}.ts`] = (times[`${alone[1]}.ts`] ?? 0) + ms;
    }
  }
  for (const file of failed) {
    const alone = /out-quick\/(test\/.+)\.js$/.exec(file ?? '');
    if (alone) delete times[`${alone[1]}.ts`];
  }
  yield JSON.stringify(times);
}
