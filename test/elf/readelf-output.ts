// Owns parsing GNU readelf's text output (`readelf -h -l -S -s --dyn-syms -n -d -V -W`)
// into plain records, so the ELF tests can compare every field the reader decodes with
// what binutils says about the same file. Unknown shapes throw: the tests must not
// silently compare less than they claim.

export interface ReadelfHeader {
  readonly fields: Map<string, string>;
}

export interface ReadelfSection {
  readonly index: number;
  readonly name: string;
  readonly type: string;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
  readonly entsize: number;
  readonly flags: string;
  readonly link: number;
  readonly info: number;
  readonly align: number;
}

export interface ReadelfSegment {
  readonly type: string;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: string;
  readonly align: number;
}

export interface ReadelfSymbol {
  readonly num: number;
  readonly value: number;
  readonly size: number;
  readonly type: string;
  readonly bind: string;
  readonly vis: string;
  readonly ndx: string;
  /** The name as printed, with any @@VERSION / @VERSION (N) suffix. */
  readonly name: string;
}

export interface ReadelfDynamic {
  readonly tag: number;
  readonly typeName: string;
  readonly value: string;
}

export interface ReadelfNote {
  readonly section: string;
  readonly owner: string;
  readonly size: number;
  readonly description: string;
}

export interface ReadelfVerdef {
  readonly offset: number;
  readonly flags: string;
  readonly index: number;
  readonly cnt: number;
  readonly names: string[];
}

export interface ReadelfVerneed {
  readonly file: string;
  readonly cnt: number;
  readonly versions: { name: string; flags: string; version: number }[];
}

export interface Readelf {
  readonly header: ReadelfHeader;
  readonly sections: ReadelfSection[];
  readonly segments: ReadelfSegment[];
  readonly symbolTables: Map<string, ReadelfSymbol[]>;
  readonly dynamic: ReadelfDynamic[];
  readonly notes: ReadelfNote[];
  /** .gnu.version entries: "N (name)" values by symbol index, as printed ("2h" for hidden). */
  readonly versym: string[];
  readonly verdefs: ReadelfVerdef[];
  readonly verneeds: ReadelfVerneed[];
}

function num(text: string): number {
  const n = text.startsWith('0x') ? parseInt(text.slice(2), 16) : parseInt(text, 10);
  if (Number.isNaN(n)) throw new Error(`readelf output: not a number: '${text}'`);
  return n;
}

const hexNum = (text: string) => parseInt(text, 16);

/** Parses the whole output of `readelf -h -l -S -s --dyn-syms -n -d -V -W FILE`. */
export function parseReadelf(text: string): Readelf {
  const lines = text.split('\n');
  const out: Readelf = {
    header: { fields: new Map() },
    sections: [],
    segments: [],
    symbolTables: new Map(),
    dynamic: [],
    notes: [],
    versym: [],
    verdefs: [],
    verneeds: [],
  };
  type Mode = 'none' | 'header' | 'sections' | 'segments' | 'mapping' | 'dynamic' | 'symbols' | 'versym' | 'verdef' | 'verneed' | 'notes';
  let mode: Mode = 'none';
  let symbols: ReadelfSymbol[] = [];
  let noteSection = '';
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if (line === 'ELF Header:') { mode = 'header'; continue; }
    if (line === 'Section Headers:') { mode = 'sections'; continue; }
    if (line === 'Program Headers:') { mode = 'segments'; continue; }
    if (line.startsWith(' Section to Segment mapping:')) { mode = 'mapping'; continue; }
    if ((m = line.match(/^Dynamic section at offset 0x[0-9a-f]+ contains \d+ entr/))) { mode = 'dynamic'; continue; }
    if ((m = line.match(/^Symbol table '([^']+)' contains \d+ entr/))) {
      mode = 'symbols';
      symbols = [];
      out.symbolTables.set(m[1]!, symbols);
      continue;
    }
    if (line.startsWith("Version symbols section '")) { mode = 'versym'; continue; }
    if (line.startsWith("Version definition section '")) { mode = 'verdef'; continue; }
    if (line.startsWith("Version needs section '")) { mode = 'verneed'; continue; }
    if ((m = line.match(/^Displaying notes found in: (.*)$/))) { mode = 'notes'; noteSection = m[1]!; continue; }
    if (line.startsWith('Displaying notes found at file offset')) { mode = 'notes'; noteSection = ''; continue; }
    switch (mode) {
      case 'header':
        if ((m = line.match(/^ {2}([^:]+):\s+(.*?)\s*$/))) out.header.fields.set(m[1]!, m[2]!);
        break;
      case 'sections':
        if ((m = line.match(/^\s*\[\s*(\d+)\] (.*?)\s*(\S+)\s+([0-9a-f]{8}) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/))) {
          out.sections.push({
            index: num(m[1]!), name: m[2]!, type: m[3]!, addr: hexNum(m[4]!), offset: hexNum(m[5]!), size: hexNum(m[6]!),
            entsize: hexNum(m[7]!), flags: m[8]!, link: num(m[9]!), info: num(m[10]!), align: num(m[11]!),
          });
        } else if (/^\s*\[/.test(line) && !line.includes('[Nr]')) {
          throw new Error(`readelf output: unparsed section line '${line}'`);
        }
        break;
      case 'segments':
        if ((m = line.match(/^ {2}(\S+)\s+(0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) ([RWE ]{3}) (0x[0-9a-f]+)$/))) {
          out.segments.push({
            type: m[1]!, offset: num(m[2]!), vaddr: num(m[3]!), paddr: num(m[4]!), filesz: num(m[5]!), memsz: num(m[6]!),
            flags: m[7]!.replace(/ /g, ''), align: num(m[8]!),
          });
        } else if (/^ {2}[A-Z]/.test(line) && !line.startsWith('  Type ')) {
          throw new Error(`readelf output: unparsed program header line '${line}'`);
        }
        break;
      case 'dynamic':
        if ((m = line.match(/^ 0x([0-9a-f]+) \((\S+)\)\s+(.*)$/))) out.dynamic.push({ tag: hexNum(m[1]!), typeName: m[2]!, value: m[3]! });
        break;
      case 'symbols':
        if ((m = line.match(/^\s*(\d+): ([0-9a-f]{8})\s+(\d+|0x[0-9a-f]+) (\S+)\s+(\S+)\s+(\S+)\s+(\S+) ?(.*)$/))) {
          symbols.push({
            num: num(m[1]!), value: hexNum(m[2]!), size: num(m[3]!), type: m[4]!, bind: m[5]!, vis: m[6]!, ndx: m[7]!, name: m[8]!,
          });
        } else if (/^\s*\d+:/.test(line)) {
          throw new Error(`readelf output: unparsed symbol line '${line}'`);
        }
        break;
      case 'versym':
        if ((m = line.match(/^ {2}[0-9a-f]+:(.*)$/))) {
          for (const e of m[1]!.matchAll(/\s+(\d+h?)\s*\(([^)]*)\)/g)) out.versym.push(`${e[1]} (${e[2]})`);
        }
        break;
      case 'verdef':
        if ((m = line.match(/^ {2}(0x[0-9a-f]+|0+): Rev: \d+\s+Flags: (.*?)\s+Index: (\d+)\s+Cnt: (\d+)\s+Name: (.*)$/))) {
          out.verdefs.push({ offset: num(m[1]!), flags: m[2]!, index: num(m[3]!), cnt: num(m[4]!), names: [m[5]!] });
        } else if ((m = line.match(/^ {2}(0x[0-9a-f]+|0+): Parent \d+: (.*)$/))) {
          out.verdefs[out.verdefs.length - 1]!.names.push(m[2]!);
        }
        break;
      case 'verneed':
        if ((m = line.match(/^ {2}(0x[0-9a-f]+|0+): Version: \d+\s+File: (.*?)\s+Cnt: (\d+)$/))) {
          out.verneeds.push({ file: m[2]!, cnt: num(m[3]!), versions: [] });
        } else if ((m = line.match(/^ {2}(0x[0-9a-f]+|0+):\s+Name: (.*?)\s+Flags: (.*?)\s+Version: (\d+)$/))) {
          out.verneeds[out.verneeds.length - 1]!.versions.push({ name: m[2]!, flags: m[3]!, version: num(m[4]!) });
        }
        break;
      case 'notes':
        if ((m = line.match(/^ {2}(\S+)\s+0x([0-9a-f]{8})\t(.*)$/))) {
          out.notes.push({ section: noteSection, owner: m[1]!, size: hexNum(m[2]!), description: m[3]! });
        } else if (line.startsWith('   ') && out.notes.length > 0) {
          const last = out.notes[out.notes.length - 1]!;
          out.notes[out.notes.length - 1] = { ...last, description: `${last.description} ${line.trim()}` };
        }
        break;
      default:
        break;
    }
  }
  return out;
}
