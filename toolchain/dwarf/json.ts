// Owns the JSON form of parsed call-frame information (`vdso-lab frames --json`): CIEs,
// FDEs with decoded instructions and row tables; bigints become decimal strings.
import { buildRowTable } from './rows';
import type { CfaInstruction, CfaRule, Cie, DwarfExpression, EncodedPointer, Fde, FrameEntry, FrameSection, RegisterRule, Row } from './types';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const hexOf = (n: number): string => '0x' + n.toString(16);

function pointer(p: EncodedPointer | undefined): Json {
  if (!p) return null;
  return { encoding: hexOf(p.encoding), raw: p.raw.toString(), value: p.value === undefined ? null : hexOf(p.value), indirect: p.indirect };
}

export function expressionJson(e: DwarfExpression): Json {
  return e.ops.map((op) => {
    const o: { [key: string]: Json } = { op: op.name, operands: op.operands.map((v) => v.toString()), at: op.at };
    if (op.block) o.block = [...op.block];
    if (op.nested) o.nested = expressionJson(op.nested);
    if (op.undecodable) o.undecodable = op.undecodable;
    return o;
  });
}

function instruction(i: CfaInstruction): Json {
  const o: { [key: string]: Json } = { at: hexOf(i.at), op: `DW_CFA_${i.op}` };
  for (const [k, v] of Object.entries(i)) {
    if (k === 'at' || k === 'op') continue;
    if (k === 'expression') o[k] = expressionJson(v as DwarfExpression);
    else if (k === 'address') o[k] = pointer(v as EncodedPointer);
    else o[k] = v as number;
  }
  return o;
}

function cfa(rule: CfaRule): Json {
  return rule.kind === 'expression'
    ? { kind: 'expression', expression: expressionJson(rule.expression) }
    : { kind: 'register', reg: rule.reg, offset: rule.offset };
}

function registerRule(rule: RegisterRule): Json {
  switch (rule.kind) {
    case 'offset': case 'val_offset': return { kind: rule.kind, offset: rule.offset };
    case 'register': return { kind: rule.kind, reg: rule.reg };
    case 'expression': case 'val_expression': return { kind: rule.kind, expression: expressionJson(rule.expression) };
    default: return { kind: rule.kind };
  }
}

function row(r: Row): Json {
  const registers: { [key: string]: Json } = {};
  for (const [reg, rule] of [...r.registers].sort((a, b) => a[0] - b[0])) registers[String(reg)] = registerRule(rule);
  return { start: hexOf(r.start), end: hexOf(r.end), cfa: cfa(r.cfa), registers, argsSize: r.argsSize ?? null };
}

function cie(c: Cie): Json {
  return {
    kind: 'cie', offset: hexOf(c.offset), length: c.length, version: c.version, augmentation: c.augmentation,
    addressSize: c.addressSize, segmentSize: c.segmentSize, codeAlignment: c.codeAlignment, dataAlignment: c.dataAlignment,
    returnAddressRegister: c.returnAddressRegister, augmentationData: [...c.augmentationData], fdeEncoding: hexOf(c.fdeEncoding),
    lsdaEncoding: c.lsdaEncoding === undefined ? null : hexOf(c.lsdaEncoding), personality: pointer(c.personality),
    signalFrame: c.signalFrame, instructions: c.instructions.map(instruction),
  };
}

function fde(f: Fde): Json {
  return {
    kind: 'fde', offset: hexOf(f.offset), length: f.length, cie: hexOf(f.cie.offset), start: hexOf(f.start), range: f.range,
    augmentationData: [...f.augmentationData], lsda: pointer(f.lsda), instructions: f.instructions.map(instruction),
    rows: buildRowTable(f).rows.map(row),
  };
}

function entry(e: FrameEntry): Json {
  if (e.kind === 'terminator') return { kind: 'terminator', offset: hexOf(e.offset) };
  return e.kind === 'cie' ? cie(e) : fde(e);
}

export function frameSectionJson(s: FrameSection): Json {
  return { section: s.section.name, address: hexOf(s.section.address), entries: s.entries.map(entry) };
}
