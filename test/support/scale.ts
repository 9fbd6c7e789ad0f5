// Owns how much randomised testing a run does: the differential CPU test's case count and
// every fuzzer's iteration count are full counts scaled by one setting, the environment
// variable VDSO_LAB_TEST_SCALE. Unset or "full" (the default, and what CI runs) keeps the full
// counts; "quick" (npm run test:quick) runs a tenth of them; a number in (0, 1] runs that
// fraction. Anything else stops the run with a message, so a typo never silently shrinks CI.

const QUICK = 0.1;

function parseScale(text: string | undefined): number {
  if (text === undefined || text === '' || text === 'full') return 1;
  if (text === 'quick') return QUICK;
  const n = Number(text);
  if (!/^[0-9.]+$/.test(text) || !(n > 0 && n <= 1)) {
    throw new Error(`VDSO_LAB_TEST_SCALE must be full, quick or a number in (0, 1], got '${text}'`);
  }
  return n;
}

/** The fraction of the full counts this run does (1 unless VDSO_LAB_TEST_SCALE says less). */
export const TEST_SCALE = parseScale(process.env.VDSO_LAB_TEST_SCALE);

/** `full` scaled by the setting, never below `least` (nor above `full`). */
export function scaled(full: number, least = 1): number {
  return Math.min(full, Math.max(least, Math.round(full * TEST_SCALE)));
}
