// Test support: where gcc -E says each line of its output came from (its line markers).

/** Each non-blank line of gcc -E output (markers kept) with the file:line its line markers give it. */
export function gccLineMap(output: string): { text: string; place: string }[] {
  const out: { text: string; place: string }[] = [];
  let file = '';
  let line = 0;
  for (const l of output.split('\n')) {
    const m = /^# (\d+) "([^"]*)"/.exec(l);
    if (m) {
      line = Number(m[1]);
      file = m[2]!;
      continue;
    }
    if (l.trim() !== '') out.push({ text: l.trimEnd(), place: `${file}:${line}` });
    line++;
  }
  return out;
}
