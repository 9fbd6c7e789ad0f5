// Owns the i386 DWARF register numbering: the names readelf gives each number (eax=0,
// ecx=1, ... eip=8, eflags=9, st0-7, xmm0-7, mm0-7, segment registers, k0-k7).

const I386_NAMES: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = new Array(101).fill(undefined);
  ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'].forEach((n, i) => { names[i] = n; });
  for (let i = 0; i < 8; i++) {
    names[11 + i] = `st${i}`;
    names[21 + i] = `xmm${i}`;
    names[29 + i] = `mm${i}`;
    names[93 + i] = `k${i}`;
  }
  names[37] = 'fcw';
  names[38] = 'fsw';
  names[39] = 'mxcsr';
  ['es', 'cs', 'ss', 'ds', 'fs', 'gs'].forEach((n, i) => { names[40 + i] = n; });
  names[48] = 'tr';
  names[49] = 'ldtr';
  return names;
})();

/** Number of entries in readelf's i386 table; register numbers above it are "bad". */
export const I386_REGISTER_TABLE_SIZE = I386_NAMES.length;

export const DWARF_EAX = 0;
export const DWARF_ECX = 1;
export const DWARF_EDX = 2;
export const DWARF_EBX = 3;
export const DWARF_ESP = 4;
export const DWARF_EBP = 5;
export const DWARF_ESI = 6;
export const DWARF_EDI = 7;
export const DWARF_EIP = 8;

/** The register's name ("esp"), or undefined for numbers with none. */
export function i386RegisterName(reg: number): string | undefined {
  return I386_NAMES[reg];
}

/** readelf's spelling: "r4 (esp)" in full, "esp" name-only; "r50" either way when unnamed. */
export function regname(reg: number, nameOnly: boolean): string {
  const name = I386_NAMES[reg];
  if (name === undefined) return `r${reg}`;
  return nameOnly ? name : `r${reg} (${name})`;
}
