// Owns numbering the file names of cpp's place columns (line-places.ts, spans.ts): each name
// once, numbered in the order first met, with the last one asked for kept beside it (a run of
// lines from one file asks for the same name again and again).
import { objectList } from '../../object-list';

export class FileNames {
  private readonly numbers = new Map<string, number>();
  /** The name `lastNumber` is of (before the first, a NUL, which no path holds: a string from the start, so that the comparison is always one of strings). */
  private lastName = '\0';
  private lastNumber = -1;

  /** `names`: the names numbered already, in order (taken, not copied). */
  constructor(private readonly names: string[] = objectList()) {
    for (let i = 0; i < names.length; i++) this.numbers.set(names[i]!, i);
  }

  /** The number of `name`, the next one when it is new. */
  number(name: string): number {
    if (name === this.lastName) return this.lastNumber;
    let n = this.numbers.get(name);
    if (n === undefined) {
      n = this.names.length;
      this.names.push(name);
      this.numbers.set(name, n);
    }
    this.lastName = name;
    this.lastNumber = n;
    return n;
  }

  /** The number of `name`, or undefined when it has none. */
  find(name: string): number | undefined {
    return this.numbers.get(name);
  }

  /** The name numbered `n`. */
  name(n: number): string {
    return this.names[n]!;
  }

  /** The same names and numbers in a table of their own. */
  copy(): FileNames {
    return new FileNames([...this.names]);
  }
}
