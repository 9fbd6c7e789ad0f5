// Owns the numeric label references the assembler resolved while reading, kept for the editor
// (AssembleInput.numericReferences): once per statement and instance named, the statement's
// place (places.ts), the label's number, the direction and the instance, in columns. An object
// per reference was one more for the collector to copy for the whole assembly (16,000 on the
// language server's bench source); finish makes the module's NumericReference objects from
// these when the module's list is first read.
import type { SymbolState } from './symbol-table';
import { grown } from '../grown';
import { objectList } from '../object-list';

export class NumericReferenceColumns {
  private places = new Int32Array(256);
  private labels = new Float64Array(256);
  /** 1 for `Nb`, 0 for `Nf`. */
  private backward = new Uint8Array(256);
  private readonly instances = objectList<SymbolState>();
  private indexes = new Int32Array(0);
  count = 0;

  /**
   * Records that the statement at `place` names `instance` as `label` `direction`, unless one
   * of the last four records, of the same statement, names it already: a statement binds and
   * evaluates its operands several times (a .rept body line's copies share one place, and a
   * repeat further back is harmless).
   */
  add(place: number, label: number, direction: 'f' | 'b', instance: SymbolState): void {
    const n = this.count;
    for (let k = n - 1; k >= 0 && k >= n - 4 && this.places[k] === place; k--) if (this.instances[k] === instance) return;
    if (n === this.places.length) this.grow();
    this.places[n] = place;
    this.labels[n] = label;
    this.backward[n] = direction === 'b' ? 1 : 0;
    this.instances.push(instance);
    this.count = n + 1;
  }

  place(k: number): number {
    return this.places[k]!;
  }

  /** The instance reference `k` names, until nameLabels. */
  instance(k: number): SymbolState {
    return this.instances[k]!;
  }

  /**
   * Replaces each reference's instance by the index of the module's local label made for it
   * (`indexByOrder`: by the symbol's creation order, -1 for a symbol that is none), so that the
   * records keep none of the assembler's symbols once the module is made.
   */
  nameLabels(indexByOrder: Int32Array): void {
    const indexes = new Int32Array(this.count);
    for (let k = 0; k < this.count; k++) indexes[k] = indexByOrder[this.instances[k]!.order]!;
    this.indexes = indexes;
    this.instances.length = 0;
  }

  /** The index among the module's local labels of the instance reference `k` names (nameLabels), -1 when it names none. */
  labelIndex(k: number): number {
    return this.indexes[k]!;
  }

  /** The reference as written (`1b`). */
  text(k: number): string {
    return `${this.labels[k]!}${this.backward[k] === 1 ? 'b' : 'f'}`;
  }

  private grow(): void {
    const n = this.places.length * 2;
    this.places = grown(this.places, n);
    this.labels = grown(this.labels, n);
    this.backward = grown(this.backward, n);
  }
}
