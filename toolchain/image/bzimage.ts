// Owns the x86 boot protocol's setup header in a bzImage (vmlinuz): recognising it
// ("HdrS" at 0x202) and finding the compressed kernel payload and the version string.
import { InputError, hex } from '../errors';

/** What the setup header says about the image. */
export interface BzImageHeader {
  /** Boot protocol version, e.g. 0x020f. */
  readonly protocol: number;
  /** Offset in the file of the protected-mode code ((setup_sects + 1) * 512). */
  readonly protectedModeOffset: number;
  /** Offset and length of the compressed payload in the file. */
  readonly payloadOffset: number;
  readonly payloadLength: number;
  /** The kernel_version string ("6.1.0-56-cloud-amd64 (debian-kernel@...) #1 SMP ..."), if present. */
  readonly version?: string;
}

const HDRS = 0x53726448; // "HdrS" little-endian

/** True when `data` has the boot protocol's "HdrS" magic at 0x202. */
export function isBzImage(data: Uint8Array): boolean {
  return data.length >= 0x206 && new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0x202, true) === HDRS;
}

function readVersion(data: Uint8Array, view: DataView): string | undefined {
  const pointer = view.getUint16(0x20e, true);
  if (pointer === 0) return undefined;
  const start = pointer + 0x200;
  if (start >= data.length) return undefined;
  const end = data.indexOf(0, start);
  if (end < 0 || end - start > 512) return undefined;
  const text = Buffer.from(data.subarray(start, end)).toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/** Parses the setup header; throws InputError when the payload fields are missing or out of the file. */
export function parseBzImage(data: Uint8Array, fileName: string): BzImageHeader {
  if (!isBzImage(data)) throw new InputError(fileName, 'offset 0x202', 'not a bzImage (no "HdrS" magic)');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const protocol = view.getUint16(0x206, true);
  if (protocol < 0x208) {
    throw new InputError(fileName, 'offset 0x206', `boot protocol ${protocol >> 8}.${(protocol & 0xff).toString().padStart(2, '0')} has no payload_offset field (2.08 or later needed)`);
  }
  if (data.length < 0x250) throw new InputError(fileName, `offset ${hex(data.length)}`, 'file ends inside the setup header');
  const setupSects = data[0x1f1]! || 4;
  const protectedModeOffset = (setupSects + 1) * 512;
  const payloadOffset = protectedModeOffset + view.getUint32(0x248, true);
  const payloadLength = view.getUint32(0x24c, true);
  if (protectedModeOffset > data.length || payloadLength === 0 || payloadOffset + payloadLength > data.length) {
    throw new InputError(
      fileName,
      'offset 0x248',
      `payload (offset ${hex(payloadOffset)}, length ${hex(payloadLength)}) is not inside the ${data.length}-byte file (truncated?)`,
    );
  }
  const version = readVersion(data, view);
  return { protocol, protectedModeOffset, payloadOffset, payloadLength, ...(version !== undefined ? { version } : {}) };
}
