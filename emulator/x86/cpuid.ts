// Owns what cpuid reports for each CPU model: the vendor string (GenuineIntel, AuthenticAMD,
// or a generic one), family/model, and the feature bits the project models (TSC, CX8, SEP,
// CMOV, the x87 FPU with FCMOV and FXSAVE/FXRSTOR; SYSCALL in the AMD extended leaf; no SSE).
// The intel and amd models stand for the 64-bit processors a current kernel runs on (the
// ones whose kernels patch their vDSO with RDTSCP and RDPID): RDTSCP in 0x80000001 EDX
// (Intel since Nehalem, AMD since K8 revision F) and RDPID in leaf 7 ECX (Intel since Ice
// Lake, AMD since Zen 2), so the basic leaves go up to 7. The generic model has neither.
import type { CpuModel } from '../../toolchain/designs/options';

const FPU = 1 << 0;
const TSC = 1 << 4;
const CX8 = 1 << 8;
const SEP = 1 << 11;
const CMOV = 1 << 15;
const FXSR = 1 << 24;
const EXT_SYSCALL = 1 << 11;
const EXT_RDTSCP = 1 << 27;
/** Leaf 7 sub-leaf 0, ECX. */
const L7_UMIP = 1 << 2;
const L7_RDPID = 1 << 22;

const VENDORS: Record<CpuModel, string> = { intel: 'GenuineIntel', amd: 'AuthenticAMD', generic: 'VdsoLab i386' };

function word(text: string, at: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v |= text.charCodeAt(at + k) << (8 * k);
  return v;
}

/** Whether the model has RDTSCP and RDPID (and reports them). */
export function hasRdtscpRdpid(model: CpuModel): boolean {
  return model !== 'generic';
}

/** eax, ebx, ecx, edx for leaf `eax`, sub-leaf `ecx` (only leaf 7 has sub-leaves); UMIP as the model is set. */
export function cpuidLeaf(model: CpuModel, eax: number, ecx = 0, umip = true): Int32Array {
  const out = new Int32Array(4);
  const vendor = VENDORS[model];
  const modern = hasRdtscpRdpid(model);
  switch (eax) {
    case 0:
      out.set([modern ? 7 : 1, word(vendor, 0), word(vendor, 8), word(vendor, 4)]);
      break;
    case 7:
      if (modern && ecx === 0) out.set([0, 0, L7_RDPID | (umip ? L7_UMIP : 0), 0]);
      break;
    case 1:
      out.set([model === 'amd' ? 0x0662 : 0x0633, 0, 0, FPU | TSC | CX8 | CMOV | FXSR | (model === 'generic' ? 0 : SEP)]);
      break;
    case 0x80000000:
      out.set([0x80000001 | 0, 0, 0, 0]);
      break;
    case 0x80000001:
      out.set([0, 0, 0, (model === 'amd' ? EXT_SYSCALL : 0) | (modern ? EXT_RDTSCP : 0)]);
      break;
  }
  return out;
}
