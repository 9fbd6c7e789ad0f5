// Owns the one error type for bad input: every reader, parser and assembler throws an
// InputError naming the file and the place (offset, line, section), and every surface
// (CLI, DAP, LSP) prints its `message` as one line.

export class InputError extends Error {
  override readonly name = 'InputError';

  /**
   * @param file   the file the input came from (as the user named it)
   * @param place  where in it: "offset 0x1c", "line 12:5", "section .eh_frame offset 0x40"
   * @param detail what is wrong, in one line
   */
  constructor(
    readonly file: string,
    readonly place: string,
    readonly detail: string,
  ) {
    super(place ? `${file}: ${place}: ${detail}` : `${file}: ${detail}`);
  }
}

/** Hex with a 0x prefix, as error places and listings print offsets. */
export function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}
