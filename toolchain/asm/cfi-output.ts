// Owns the module's CFI procedures (AsmModule.cfi): each .cfi_startproc ... .cfi_endproc at
// its final addresses, its instructions and location made from the assembly's CFI rows when
// read. The procedures are made when relaxation is done, before the sections, symbols and
// object are, and live as long as the module: objects made then for each instruction (four a
// function on the bench's source) were copied by every collection of the young generation in
// between on a large source and promoted, where an object file's writer reads them only once,
// at its end (docs/speed-and-exactness.md, the 20 MB row's sections).
import type { CfiInstruction, CfiOp, CfiPointer, CfiProcedure, SourceLocation } from './module';
import type { CfiRows, CfiState, PendingProcedure } from './cfi-directives';
import type { Places } from './places';
import type { AsmState } from './state';
import type { ChunkedList } from '../chunked-list';

/** The CFI procedures at their final addresses (relaxation done). */
export function cfiProcedures(st: AsmState, cfi: CfiState): CfiProcedure[] {
  const rows = placedRows(st.places, cfi.rows);
  const out: CfiProcedure[] = new Array(cfi.done.length);
  for (let k = 0; k < out.length; k++) out[k] = new PlacedCfiProcedure(cfi.done.get(k), rows);
  return out;
}

/**
 * What the instructions are made from: each row's final address, its op and its statement's
 * place, shared by the procedures of one module. The rows' frags are not kept: the module
 * lets go of them.
 */
class PlacedRows {
  constructor(
    readonly addresses: Int32Array,
    readonly ops: ChunkedList<CfiOp>,
    readonly rowPlaces: Int32Array,
    readonly places: Places,
  ) {}
}

function placedRows(places: Places, rows: CfiRows): PlacedRows {
  const n = rows.count;
  const addresses = new Int32Array(n);
  for (let k = 0; k < n; k++) addresses[k] = rows.frags.get(k).address + rows.offsets[k]!;
  return new PlacedRows(addresses, rows.ops, rows.places, places);
}

/**
 * One procedure. Its `instructions` and `location` are made on each read (a new array, new
 * objects): an object file's writer reads them once, when it writes the procedure's FDE, and
 * they die young there, where the same objects kept with the procedure were promoted with the
 * module on a large source. Both are getters and the rows private fields: a copy by spread
 * sees the other fields only, so a copy that needs them sets both itself (the language
 * server's region analysis, and its rows read back from a procedure's own .eh_frame).
 */
class PlacedCfiProcedure implements CfiProcedure {
  readonly section: string;
  readonly start: number;
  readonly end: number;
  readonly simple: boolean;
  readonly signalFrame: boolean;
  readonly returnColumn: number;
  readonly personality: CfiPointer | undefined;
  readonly lsda: CfiPointer | undefined;
  readonly ehFrame: boolean;
  readonly debugFrame: boolean;
  readonly #rows: PlacedRows;
  readonly #firstRow: number;
  readonly #endRow: number;
  readonly #place: number;

  constructor(p: PendingProcedure, rows: PlacedRows) {
    this.section = p.section;
    this.start = p.startFrag.address + p.startOffset;
    this.end = p.endFrag!.address + p.endOffset;
    this.simple = p.simple;
    this.signalFrame = p.signalFrame;
    this.returnColumn = p.returnColumn;
    this.personality = p.personality;
    this.lsda = p.lsda;
    this.ehFrame = p.ehFrame;
    this.debugFrame = p.debugFrame;
    this.#rows = rows;
    this.#firstRow = p.firstRow;
    this.#endRow = p.endRow;
    this.#place = p.place;
  }

  get location(): SourceLocation {
    return this.#rows.places.location(this.#place);
  }

  get instructions(): readonly CfiInstruction[] {
    return placedInstructions(this.#rows, this.#firstRow, this.#endRow);
  }
}

/** Rows `from` to `to` as instructions. */
function placedInstructions(rows: PlacedRows, from: number, to: number): CfiInstruction[] {
  const out: CfiInstruction[] = new Array(to - from);
  for (let k = from; k < to; k++) out[k - from] = new PlacedCfiInstruction(rows.addresses[k]!, rows.ops.get(k), rows.rowPlaces[k]!, rows.places);
  return out;
}

/**
 * A CFI instruction whose location is made from its statement's place when read: a message
 * about it reads it, the language server's first answer and an object file read none (8,000
 * location objects kept with a 20,000-line source's module, docs/speed-and-exactness.md).
 * The place is a private field: a copy by spread, a comparison and JSON see the offset and op.
 */
class PlacedCfiInstruction implements CfiInstruction {
  readonly #place: number;
  readonly #places: Places;

  constructor(readonly offset: number, readonly op: CfiOp, place: number, places: Places) {
    this.#place = place;
    this.#places = places;
  }

  get location(): SourceLocation {
    return this.#places.location(this.#place);
  }
}
