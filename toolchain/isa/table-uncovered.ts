// Owns the rows of the opcode table (same syntax as table.ts, read with it into TABLE) for the
// forms of the 0f, 0f 38 and 0f 3a maps that the architecture defines but the emulator does
// not execute: MMX, SSE..SSE4.2, AES, SHA, the system and virtualisation groups. Each row is
// `nc` (op NotCovered: #UD when run, `(not covered: ...)` when listed, never assembled) and
// gives what decoding needs: mandatory prefix, modrm use and kind (mod=, modrm=), immediates
// (Ib), and how objdump reads 66/f2/f3 before it (prefix=table|opcode|modfirst, see
// PrefixStyle in entry.ts). `gate=cpl0` marks a privileged form: at CPL 3 it raises #GP, not
// #UD (docs/kernel-facts.md §15). A form no row here or in table.ts names is undefined:
// (bad), #UD; an `undef` row names one only to give objdump's prefix reading for it.
// The mnemonics are objdump's (binutils 2.40), upper-cased.

export const UNCOVERED_ROWS = `
0f 00 /2 | LLDT | nc gate=cpl0
0f 00 /3 | LTR | nc gate=cpl0
0f 01 /0 | VMCALL | nc modrm=c1 prefix=table
0f 01 /0 | ENCLV | nc modrm=c0 prefix=table
0f 01 /0 | VMLAUNCH | nc modrm=c2 prefix=table
0f 01 /0 | VMRESUME | nc modrm=c3 prefix=table
0f 01 /0 | VMXOFF | nc modrm=c4 prefix=table
0f 01 /0 | PCONFIG | nc modrm=c5 prefix=table
0f 01 /0 | WRMSRNS | nc modrm=c6 prefix=table
0f 01 /1 | MWAIT | nc modrm=c9 prefix=table
0f 01 /1 | MONITOR | nc modrm=c8 prefix=table
0f 01 /1 | CLAC | nc modrm=ca prefix=table
0f 01 /1 | STAC | nc modrm=cb prefix=table
0f 01 /1 | ENCLS | nc modrm=cf prefix=table
0f 01 /2 | LGDTL | nc gate=cpl0 mod=mem prefix=table
0f 01 /2 | XSETBV | nc modrm=d1 prefix=table
0f 01 /2 | XGETBV | nc modrm=d0 prefix=table
0f 01 /2 | VMFUNC | nc modrm=d4 prefix=table
0f 01 /2 | XEND | nc modrm=d5 prefix=table
0f 01 /2 | XTEST | nc modrm=d6 prefix=table
0f 01 /2 | ENCLU | nc modrm=d7 prefix=table
0f 01 /3 | LIDTL | nc gate=cpl0 mod=mem prefix=table
0f 01 /3 | VMMCALL | nc modrm=d9 prefix=table
0f 01 /3 | VMRUN | nc modrm=d8 prefix=table
0f 01 /3 | VMLOAD | nc modrm=da prefix=table
0f 01 /3 | VMSAVE | nc modrm=db prefix=table
0f 01 /3 | STGI | nc modrm=dc prefix=table
0f 01 /3 | CLGI | nc modrm=dd prefix=table
0f 01 /3 | SKINIT | nc modrm=de prefix=table
0f 01 /3 | INVLPGA | nc modrm=df prefix=table
0f 01 /5 | SERIALIZE | nc modrm=e8 prefix=table
0f 01 /5 | RDPKRU | nc modrm=ee prefix=table
0f 01 /5 | WRPKRU | nc modrm=ef prefix=table
0f 01 /6 | LMSW | nc gate=cpl0 prefix=table
0f 01 /7 | INVLPG | nc gate=cpl0 mod=mem prefix=table
0f 01 /7 | SWAPGS | nc modrm=f8 prefix=table
0f 01 /7 | MONITORX | nc modrm=fa prefix=table
0f 01 /7 | MWAITX | nc modrm=fb prefix=opcode
0f 01 /7 | CLZERO | nc modrm=fc prefix=table
0f 01 /7 | RDPRU | nc modrm=fd prefix=table
0f 01 /7 | INVLPGB | nc modrm=fe prefix=table
0f 01 /7 | TLBSYNC | nc modrm=ff prefix=table
66 0f 01 /0 | VMCALL | nc modrm=c1 prefix=table
66 0f 01 /0 | ENCLV | nc modrm=c0 prefix=table
66 0f 01 /0 | VMLAUNCH | nc modrm=c2 prefix=table
66 0f 01 /0 | VMRESUME | nc modrm=c3 prefix=table
66 0f 01 /0 | VMXOFF | nc modrm=c4 prefix=table
66 0f 01 /0 | PCONFIG | nc modrm=c5 prefix=table
66 0f 01 /1 | MWAIT | nc modrm=c9 prefix=table
66 0f 01 /1 | MONITOR | nc modrm=c8 prefix=table
66 0f 01 /1 | CLAC | nc modrm=ca prefix=table
66 0f 01 /1 | STAC | nc modrm=cb prefix=table
66 0f 01 /1 | TDCALL | nc modrm=cc prefix=table
66 0f 01 /2 | LGDTW | nc gate=cpl0 mod=mem prefix=table
66 0f 01 /2 | XSETBV | nc modrm=d1 prefix=table
66 0f 01 /2 | XGETBV | nc modrm=d0 prefix=table
66 0f 01 /2 | VMFUNC | nc modrm=d4 prefix=table
66 0f 01 /2 | XEND | nc modrm=d5 prefix=table
66 0f 01 /2 | XTEST | nc modrm=d6 prefix=table
66 0f 01 /2 | ENCLU | nc modrm=d7 prefix=table
66 0f 01 /3 | LIDTW | nc gate=cpl0 mod=mem prefix=table
66 0f 01 /3 | VMRUN | nc modrm=d8 prefix=table
66 0f 01 /3 | VMLOAD | nc modrm=da prefix=table
66 0f 01 /3 | VMSAVE | nc modrm=db prefix=table
66 0f 01 /3 | STGI | nc modrm=dc prefix=table
66 0f 01 /3 | CLGI | nc modrm=dd prefix=table
66 0f 01 /3 | SKINIT | nc modrm=de prefix=table
66 0f 01 /3 | INVLPGA | nc modrm=df prefix=table
66 0f 01 /6 | LMSW | nc gate=cpl0 prefix=table
66 0f 01 /7 | INVLPG | nc gate=cpl0 mod=mem prefix=table
66 0f 01 /7 | SWAPGS | nc modrm=f8 prefix=table
66 0f 01 /7 | CLZERO | nc modrm=fc prefix=table
f2 0f 01 /0 | VMCALL | nc modrm=c1 prefix=table
f2 0f 01 /0 | ENCLV | nc modrm=c0 prefix=table
f2 0f 01 /0 | VMLAUNCH | nc modrm=c2 prefix=table
f2 0f 01 /0 | VMRESUME | nc modrm=c3 prefix=table
f2 0f 01 /0 | VMXOFF | nc modrm=c4 prefix=table
f2 0f 01 /0 | PCONFIG | nc modrm=c5 prefix=table
f2 0f 01 /1 | MWAIT | nc modrm=c9 prefix=table
f2 0f 01 /1 | MONITOR | nc modrm=c8 prefix=table
f2 0f 01 /1 | CLAC | nc modrm=ca prefix=table
f2 0f 01 /1 | STAC | nc modrm=cb prefix=table
f2 0f 01 /2 | LGDTL | nc gate=cpl0 mod=mem prefix=table
f2 0f 01 /2 | XSETBV | nc modrm=d1 prefix=table
f2 0f 01 /2 | XGETBV | nc modrm=d0 prefix=table
f2 0f 01 /2 | VMFUNC | nc modrm=d4 prefix=table
f2 0f 01 /2 | XEND | nc modrm=d5 prefix=table
f2 0f 01 /2 | XTEST | nc modrm=d6 prefix=table
f2 0f 01 /2 | ENCLU | nc modrm=d7 prefix=table
f2 0f 01 /3 | LIDTL | nc gate=cpl0 mod=mem prefix=table
f2 0f 01 /3 | VMGEXIT | nc modrm=d9 prefix=table
f2 0f 01 /3 | VMRUN | nc modrm=d8 prefix=table
f2 0f 01 /3 | VMLOAD | nc modrm=da prefix=table
f2 0f 01 /3 | VMSAVE | nc modrm=db prefix=table
f2 0f 01 /3 | STGI | nc modrm=dc prefix=table
f2 0f 01 /3 | CLGI | nc modrm=dd prefix=table
f2 0f 01 /3 | SKINIT | nc modrm=de prefix=table
f2 0f 01 /3 | INVLPGA | nc modrm=df prefix=table
f2 0f 01 /5 | XRESLDTRK | nc modrm=e9 prefix=table
f2 0f 01 /5 | XSUSLDTRK | nc modrm=e8 prefix=table
f2 0f 01 /6 | LMSW | nc gate=cpl0 prefix=table
f2 0f 01 /7 | INVLPG | nc gate=cpl0 mod=mem prefix=table
f2 0f 01 /7 | SWAPGS | nc modrm=f8 prefix=table
f2 0f 01 /7 | CLZERO | nc modrm=fc prefix=table
f2 0f 01 /7 | PVALIDATE | nc modrm=ff prefix=table
f3 0f 01 /0 | VMCALL | nc modrm=c1 prefix=table
f3 0f 01 /0 | ENCLV | nc modrm=c0 prefix=table
f3 0f 01 /0 | VMLAUNCH | nc modrm=c2 prefix=table
f3 0f 01 /0 | VMRESUME | nc modrm=c3 prefix=table
f3 0f 01 /0 | VMXOFF | nc modrm=c4 prefix=table
f3 0f 01 /0 | PCONFIG | nc modrm=c5 prefix=table
f3 0f 01 /1 | MWAIT | nc modrm=c9 prefix=table
f3 0f 01 /1 | MONITOR | nc modrm=c8 prefix=table
f3 0f 01 /1 | CLAC | nc modrm=ca prefix=table
f3 0f 01 /1 | STAC | nc modrm=cb prefix=table
f3 0f 01 /2 | LGDTL | nc gate=cpl0 mod=mem prefix=table
f3 0f 01 /2 | XSETBV | nc modrm=d1 prefix=table
f3 0f 01 /2 | XGETBV | nc modrm=d0 prefix=table
f3 0f 01 /2 | VMFUNC | nc modrm=d4 prefix=table
f3 0f 01 /2 | XEND | nc modrm=d5 prefix=table
f3 0f 01 /2 | XTEST | nc modrm=d6 prefix=table
f3 0f 01 /2 | ENCLU | nc modrm=d7 prefix=table
f3 0f 01 /3 | LIDTL | nc gate=cpl0 mod=mem prefix=table
f3 0f 01 /3 | VMGEXIT | nc modrm=d9 prefix=table
f3 0f 01 /3 | VMRUN | nc modrm=d8 prefix=table
f3 0f 01 /3 | VMLOAD | nc modrm=da prefix=table
f3 0f 01 /3 | VMSAVE | nc modrm=db prefix=table
f3 0f 01 /3 | STGI | nc modrm=dc prefix=table
f3 0f 01 /3 | CLGI | nc modrm=dd prefix=table
f3 0f 01 /3 | SKINIT | nc modrm=de prefix=table
f3 0f 01 /3 | INVLPGA | nc modrm=df prefix=table
f3 0f 01 /5 | RSTORSSP | nc mod=mem prefix=table
f3 0f 01 /5 | SETSSBSY | nc modrm=e8 prefix=table
f3 0f 01 /5 | SAVEPREVSSP | nc modrm=ea prefix=table
f3 0f 01 /6 | LMSW | nc gate=cpl0 prefix=table
f3 0f 01 /7 | INVLPG | nc gate=cpl0 mod=mem prefix=table
f3 0f 01 /7 | SWAPGS | nc modrm=f8 prefix=table
f3 0f 01 /7 | MCOMMIT | nc modrm=fa prefix=table
f3 0f 01 /7 | CLZERO | nc modrm=fc prefix=table
0f 06 | CLTS | nc gate=cpl0
0f 08 | INVD | nc gate=cpl0
0f 09 | WBINVD | nc gate=cpl0 prefix=table
f3 0f 09 | WBNOINVD | nc gate=cpl0 prefix=table
0f 0d /0 | PREFETCH | nc mod=mem
0f 0d /1 | PREFETCHW | nc mod=mem
0f 0d /2 | PREFETCHWT1 | nc mod=mem
0f 0d /3 | PREFETCH | nc mod=mem
0f 0d /4 | PREFETCH | nc mod=mem
0f 0d /5 | PREFETCH | nc mod=mem
0f 0d /6 | PREFETCH | nc mod=mem
0f 0d /7 | PREFETCH | nc mod=mem
0f 0e | FEMMS | nc
0f 0f /r | 3DNOW Ib | nc
0f 10 /r | MOVUPS | nc
0f 11 /r | MOVUPS | nc
0f 12 /r | MOVLPS | nc mod=mem prefix=table
0f 12 /r | MOVHLPS | nc mod=reg prefix=table
66 0f 12 /r | MOVLPD | nc mod=mem prefix=table
f2 0f 12 /r | MOVDDUP | nc prefix=table
f3 0f 12 /r | MOVSLDUP | nc prefix=table
0f 13 /r | MOVLPS | nc mod=mem prefix=modfirst
66 0f 13 /r | MOVLPD | nc mod=mem prefix=modfirst
0f 14 /r | UNPCKLPS | nc prefix=opcode
66 0f 14 /r | UNPCKLPD | nc prefix=opcode
0f 15 /r | UNPCKHPS | nc prefix=opcode
66 0f 15 /r | UNPCKHPD | nc prefix=opcode
0f 16 /r | MOVHPS | nc mod=mem prefix=table
0f 16 /r | MOVLHPS | nc mod=reg prefix=table
66 0f 16 /r | MOVHPD | nc mod=mem prefix=table
f3 0f 16 /r | MOVSHDUP | nc prefix=table
0f 17 /r | MOVHPS | nc mod=mem prefix=modfirst
66 0f 17 /r | MOVHPD | nc mod=mem prefix=modfirst
0f 18 /0 | PREFETCHNTA | nc mod=mem
0f 18 /0 | NOP | nc mod=reg
0f 18 /1 | PREFETCHT0 | nc mod=mem
0f 18 /1 | NOP | nc mod=reg
0f 18 /2 | PREFETCHT1 | nc mod=mem
0f 18 /2 | NOP | nc mod=reg
0f 18 /3 | PREFETCHT2 | nc mod=mem
0f 18 /3 | NOP | nc mod=reg
0f 18 /4 | NOPL | nc mod=mem
0f 18 /4 | NOP | nc mod=reg
0f 18 /5 | NOPL | nc mod=mem
0f 18 /5 | NOP | nc mod=reg
0f 18 /6 | NOPL | nc mod=mem
0f 18 /6 | NOP | nc mod=reg
0f 18 /7 | NOPL | nc mod=mem
0f 18 /7 | NOP | nc mod=reg
0f 19 /r | NOPL | nc mod=mem
0f 19 /r | NOP | nc mod=reg
0f 1a /0 | BNDLDX | nc mod=mem
0f 1a /0 | NOP | nc mod=reg
0f 1a /1 | BNDLDX | nc mod=mem
0f 1a /1 | NOP | nc mod=reg
0f 1a /2 | BNDLDX | nc mod=mem
0f 1a /2 | NOP | nc mod=reg
0f 1a /3 | BNDLDX | nc mod=mem
0f 1a /3 | NOP | nc mod=reg
0f 1a /4 | NOP | nc mod=reg
0f 1a /5 | NOP | nc mod=reg
0f 1a /6 | NOP | nc mod=reg
0f 1a /7 | NOP | nc mod=reg
0f 1b /0 | BNDSTX | nc mod=mem
0f 1b /0 | NOP | nc mod=reg
0f 1b /1 | BNDSTX | nc mod=mem
0f 1b /1 | NOP | nc mod=reg
0f 1b /2 | BNDSTX | nc mod=mem
0f 1b /2 | NOP | nc mod=reg
0f 1b /3 | BNDSTX | nc mod=mem
0f 1b /3 | NOP | nc mod=reg
0f 1b /4 | NOP | nc mod=reg
0f 1b /5 | NOP | nc mod=reg
0f 1b /6 | NOP | nc mod=reg
0f 1b /7 | NOP | nc mod=reg
0f 1c /0 | CLDEMOTE | nc mod=mem
0f 1c /0 | NOP | nc mod=reg
0f 1c /1 | NOPL | nc mod=mem
0f 1c /1 | NOP | nc mod=reg
0f 1c /2 | NOPL | nc mod=mem
0f 1c /2 | NOP | nc mod=reg
0f 1c /3 | NOPL | nc mod=mem
0f 1c /3 | NOP | nc mod=reg
0f 1c /4 | NOPL | nc mod=mem
0f 1c /4 | NOP | nc mod=reg
0f 1c /5 | NOPL | nc mod=mem
0f 1c /5 | NOP | nc mod=reg
0f 1c /6 | NOPL | nc mod=mem
0f 1c /6 | NOP | nc mod=reg
0f 1c /7 | NOPL | nc mod=mem
0f 1c /7 | NOP | nc mod=reg
0f 1d /r | NOPL | nc mod=mem
0f 1d /r | NOP | nc mod=reg
0f 20 /r | MOV | nc gate=cpl0
0f 21 /r | MOV | nc gate=cpl0
0f 22 /r | MOV | nc gate=cpl0
0f 23 /r | MOV | nc gate=cpl0
0f 24 /r | MOV | nc
0f 26 /r | MOV | nc
0f 28 /r | MOVAPS | nc prefix=opcode
66 0f 28 /r | MOVAPD | nc prefix=opcode
0f 29 /r | MOVAPS | nc prefix=opcode
66 0f 29 /r | MOVAPD | nc prefix=opcode
0f 2a /r | CVTPI2PS | nc
0f 2b /r | MOVNTPS | nc mod=mem prefix=table
66 0f 2b /r | MOVNTPD | nc mod=mem prefix=table
f2 0f 2b /r | MOVNTSD | nc mod=mem prefix=table
f3 0f 2b /r | MOVNTSS | nc mod=mem prefix=table
0f 2c /r | CVTTPS2PI | nc
0f 2d /r | CVTPS2PI | nc
0f 2e /r | UCOMISS | nc prefix=table
66 0f 2e /r | UCOMISD | nc prefix=table
0f 2f /r | COMISS | nc prefix=table
66 0f 2f /r | COMISD | nc prefix=table
0f 30 | WRMSR | nc gate=cpl0
0f 32 | RDMSR | nc gate=cpl0
0f 33 | RDPMC | nc gate=cpl0
0f 37 | GETSEC | nc
0f 50 /r | MOVMSKPS | nc mod=reg prefix=modfirst
66 0f 50 /r | MOVMSKPD | nc mod=reg prefix=modfirst
0f 51 /r | SQRTPS | nc
0f 52 /r | RSQRTPS | nc prefix=table
f3 0f 52 /r | RSQRTSS | nc prefix=table
0f 53 /r | RCPPS | nc prefix=table
f3 0f 53 /r | RCPSS | nc prefix=table
0f 54 /r | ANDPS | nc prefix=opcode
66 0f 54 /r | ANDPD | nc prefix=opcode
0f 55 /r | ANDNPS | nc prefix=opcode
66 0f 55 /r | ANDNPD | nc prefix=opcode
0f 56 /r | ORPS | nc prefix=opcode
66 0f 56 /r | ORPD | nc prefix=opcode
0f 57 /r | XORPS | nc prefix=opcode
66 0f 57 /r | XORPD | nc prefix=opcode
0f 58 /r | ADDPS | nc
0f 59 /r | MULPS | nc
0f 5a /r | CVTPS2PD | nc
0f 5b /r | CVTDQ2PS | nc prefix=table
66 0f 5b /r | CVTPS2DQ | nc prefix=table
f3 0f 5b /r | CVTTPS2DQ | nc prefix=table
0f 5c /r | SUBPS | nc
0f 5d /r | MINPS | nc
0f 5e /r | DIVPS | nc
0f 5f /r | MAXPS | nc
0f 60 /r | PUNPCKLBW | nc prefix=table
66 0f 60 /r | PUNPCKLBW | nc prefix=table
0f 61 /r | PUNPCKLWD | nc prefix=table
66 0f 61 /r | PUNPCKLWD | nc prefix=table
0f 62 /r | PUNPCKLDQ | nc prefix=table
66 0f 62 /r | PUNPCKLDQ | nc prefix=table
0f 63 /r | PACKSSWB | nc prefix=opcode
66 0f 63 /r | PACKSSWB | nc prefix=opcode
0f 64 /r | PCMPGTB | nc prefix=opcode
66 0f 64 /r | PCMPGTB | nc prefix=opcode
0f 65 /r | PCMPGTW | nc prefix=opcode
66 0f 65 /r | PCMPGTW | nc prefix=opcode
0f 66 /r | PCMPGTD | nc prefix=opcode
66 0f 66 /r | PCMPGTD | nc prefix=opcode
0f 67 /r | PACKUSWB | nc prefix=opcode
66 0f 67 /r | PACKUSWB | nc prefix=opcode
0f 68 /r | PUNPCKHBW | nc prefix=opcode
66 0f 68 /r | PUNPCKHBW | nc prefix=opcode
0f 69 /r | PUNPCKHWD | nc prefix=opcode
66 0f 69 /r | PUNPCKHWD | nc prefix=opcode
0f 6a /r | PUNPCKHDQ | nc prefix=opcode
66 0f 6a /r | PUNPCKHDQ | nc prefix=opcode
0f 6b /r | PACKSSDW | nc prefix=opcode
66 0f 6b /r | PACKSSDW | nc prefix=opcode
66 0f 6c /r | PUNPCKLQDQ | nc prefix=opcode
66 0f 6d /r | PUNPCKHQDQ | nc prefix=opcode
0f 6e /r | MOVD | nc prefix=opcode
66 0f 6e /r | MOVD | nc prefix=opcode
0f 6f /r | MOVQ | nc prefix=table
66 0f 6f /r | MOVDQA | nc prefix=table
f3 0f 6f /r | MOVDQU | nc prefix=table
0f 70 /r | PSHUFW Ib | nc
0f 71 /2 | PSRLW Ib | nc mod=reg prefix=modfirst
0f 71 /4 | PSRAW Ib | nc mod=reg prefix=modfirst
0f 71 /6 | PSLLW Ib | nc mod=reg prefix=modfirst
66 0f 71 /2 | PSRLW Ib | nc mod=reg prefix=modfirst
66 0f 71 /4 | PSRAW Ib | nc mod=reg prefix=modfirst
66 0f 71 /6 | PSLLW Ib | nc mod=reg prefix=modfirst
0f 72 /2 | PSRLD Ib | nc mod=reg prefix=modfirst
0f 72 /4 | PSRAD Ib | nc mod=reg prefix=modfirst
0f 72 /6 | PSLLD Ib | nc mod=reg prefix=modfirst
66 0f 72 /2 | PSRLD Ib | nc mod=reg prefix=modfirst
66 0f 72 /4 | PSRAD Ib | nc mod=reg prefix=modfirst
66 0f 72 /6 | PSLLD Ib | nc mod=reg prefix=modfirst
0f 73 /2 | PSRLQ Ib | nc mod=reg prefix=modfirst
0f 73 /6 | PSLLQ Ib | nc mod=reg prefix=modfirst
66 0f 73 /2 | PSRLQ Ib | nc mod=reg prefix=modfirst
66 0f 73 /3 | PSRLDQ Ib | nc mod=reg prefix=modfirst
66 0f 73 /6 | PSLLQ Ib | nc mod=reg prefix=modfirst
66 0f 73 /7 | PSLLDQ Ib | nc mod=reg prefix=modfirst
0f 74 /r | PCMPEQB | nc prefix=opcode
66 0f 74 /r | PCMPEQB | nc prefix=opcode
0f 75 /r | PCMPEQW | nc prefix=opcode
66 0f 75 /r | PCMPEQW | nc prefix=opcode
0f 76 /r | PCMPEQD | nc prefix=opcode
66 0f 76 /r | PCMPEQD | nc prefix=opcode
0f 77 | EMMS | nc prefix=opcode
0f 78 /r | VMREAD | nc prefix=table
66 0f 78 /r | EXTRQ Ib,Ib | nc mod=reg prefix=table
f2 0f 78 /r | INSERTQ Ib,Ib | nc mod=reg prefix=table
0f 79 /r | VMWRITE | nc prefix=table
66 0f 79 /r | EXTRQ | nc mod=reg prefix=table
f2 0f 79 /r | INSERTQ | nc mod=reg prefix=table
66 0f 7c /r | HADDPD | nc prefix=table
f2 0f 7c /r | HADDPS | nc prefix=table
66 0f 7d /r | HSUBPD | nc prefix=table
f2 0f 7d /r | HSUBPS | nc prefix=table
0f 7e /r | MOVD | nc prefix=table
66 0f 7e /r | MOVD | nc prefix=table
f3 0f 7e /r | MOVQ | nc prefix=table
0f 7f /r | MOVQ | nc prefix=table
66 0f 7f /r | MOVDQA | nc prefix=table
f3 0f 7f /r | MOVDQU | nc prefix=table
0f aa | RSM | nc
0f ae /2 | LDMXCSR | nc mod=mem prefix=table
0f ae /3 | STMXCSR | nc mod=mem prefix=table
0f ae /4 | XSAVE | nc mod=mem prefix=table
0f ae /5 | XRSTOR | nc mod=mem prefix=opcode
0f ae /6 | XSAVEOPT | nc mod=mem prefix=table
0f ae /7 | CLFLUSH | nc mod=mem prefix=table
66 0f ae /2 | LDMXCSR | nc mod=mem prefix=table
66 0f ae /3 | STMXCSR | nc mod=mem prefix=table
66 0f ae /6 | CLWB | nc mod=mem prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f1 prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f2 prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f3 prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f4 prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f5 prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f6 prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f7 prefix=table
66 0f ae /7 | CLFLUSHOPT | nc mod=mem prefix=table
f2 0f ae /2 | LDMXCSR | nc mod=mem prefix=table
f2 0f ae /3 | STMXCSR | nc mod=mem prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f1 prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f2 prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f3 prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f4 prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f5 prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f6 prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f7 prefix=table
f3 0f ae /0 | RDFSBASE | nc mod=reg prefix=table
f3 0f ae /1 | RDGSBASE | nc mod=reg prefix=table
f3 0f ae /2 | LDMXCSR | nc mod=mem prefix=table
f3 0f ae /2 | WRFSBASE | nc mod=reg prefix=table
f3 0f ae /3 | STMXCSR | nc mod=mem prefix=table
f3 0f ae /3 | WRGSBASE | nc mod=reg prefix=table
f3 0f ae /4 | PTWRITE | nc prefix=table
f3 0f ae /6 | CLRSSBSY | nc mod=mem prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f1 prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f2 prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f3 prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f4 prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f5 prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f6 prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f7 prefix=table
f3 0f b8 /r | POPCNT | nc prefix=table
0f b9 /r | UD1 | nc
0f c2 /r | CMPPS Ib | nc
0f c3 /r | MOVNTI | nc mod=mem prefix=modfirst
0f c4 /r | PINSRW Ib | nc prefix=opcode
66 0f c4 /r | PINSRW Ib | nc prefix=opcode
0f c5 /r | PEXTRW Ib | nc mod=reg prefix=opcode
66 0f c5 /r | PEXTRW Ib | nc mod=reg prefix=opcode
0f c6 /r | SHUFPS Ib | nc prefix=opcode
66 0f c6 /r | SHUFPD Ib | nc prefix=opcode
0f c7 /3 | XRSTORS | nc mod=mem
0f c7 /4 | XSAVEC | nc mod=mem
0f c7 /5 | XSAVES | nc mod=mem
0f c7 /6 | VMPTRLD | nc mod=mem prefix=table
0f c7 /6 | RDRAND | nc mod=reg prefix=table
0f c7 /7 | VMPTRST | nc mod=mem
0f c7 /7 | RDSEED | nc mod=reg prefix=table
66 0f c7 /6 | VMCLEAR | nc mod=mem prefix=table
66 0f c7 /6 | RDRAND | nc mod=reg prefix=table
66 0f c7 /7 | RDSEED | nc mod=reg prefix=table
f3 0f c7 /6 | VMXON | nc mod=mem prefix=table
66 0f d0 /r | ADDSUBPD | nc prefix=table
f2 0f d0 /r | ADDSUBPS | nc prefix=table
0f d1 /r | PSRLW | nc prefix=opcode
66 0f d1 /r | PSRLW | nc prefix=opcode
0f d2 /r | PSRLD | nc prefix=opcode
66 0f d2 /r | PSRLD | nc prefix=opcode
0f d3 /r | PSRLQ | nc prefix=opcode
66 0f d3 /r | PSRLQ | nc prefix=opcode
0f d4 /r | PADDQ | nc prefix=opcode
66 0f d4 /r | PADDQ | nc prefix=opcode
0f d5 /r | PMULLW | nc prefix=opcode
66 0f d5 /r | PMULLW | nc prefix=opcode
66 0f d6 /r | MOVQ | nc prefix=table
f2 0f d6 /r | MOVDQ2Q | nc mod=reg prefix=table
f3 0f d6 /r | MOVQ2DQ | nc mod=reg prefix=table
0f d7 /r | PMOVMSKB | nc mod=reg
0f d8 /r | PSUBUSB | nc prefix=opcode
66 0f d8 /r | PSUBUSB | nc prefix=opcode
0f d9 /r | PSUBUSW | nc prefix=opcode
66 0f d9 /r | PSUBUSW | nc prefix=opcode
0f da /r | PMINUB | nc prefix=opcode
66 0f da /r | PMINUB | nc prefix=opcode
0f db /r | PAND | nc prefix=opcode
66 0f db /r | PAND | nc prefix=opcode
0f dc /r | PADDUSB | nc prefix=opcode
66 0f dc /r | PADDUSB | nc prefix=opcode
0f dd /r | PADDUSW | nc prefix=opcode
66 0f dd /r | PADDUSW | nc prefix=opcode
0f de /r | PMAXUB | nc prefix=opcode
66 0f de /r | PMAXUB | nc prefix=opcode
0f df /r | PANDN | nc prefix=opcode
66 0f df /r | PANDN | nc prefix=opcode
0f e0 /r | PAVGB | nc prefix=opcode
66 0f e0 /r | PAVGB | nc prefix=opcode
0f e1 /r | PSRAW | nc prefix=opcode
66 0f e1 /r | PSRAW | nc prefix=opcode
0f e2 /r | PSRAD | nc prefix=opcode
66 0f e2 /r | PSRAD | nc prefix=opcode
0f e3 /r | PAVGW | nc prefix=opcode
66 0f e3 /r | PAVGW | nc prefix=opcode
0f e4 /r | PMULHUW | nc prefix=opcode
66 0f e4 /r | PMULHUW | nc prefix=opcode
0f e5 /r | PMULHW | nc prefix=opcode
66 0f e5 /r | PMULHW | nc prefix=opcode
66 0f e6 /r | CVTTPD2DQ | nc prefix=table
f2 0f e6 /r | CVTPD2DQ | nc prefix=table
f3 0f e6 /r | CVTDQ2PD | nc prefix=table
0f e7 /r | MOVNTQ | nc mod=mem prefix=table
66 0f e7 /r | MOVNTDQ | nc mod=mem prefix=table
0f e8 /r | PSUBSB | nc prefix=opcode
66 0f e8 /r | PSUBSB | nc prefix=opcode
0f e9 /r | PSUBSW | nc prefix=opcode
66 0f e9 /r | PSUBSW | nc prefix=opcode
0f ea /r | PMINSW | nc prefix=opcode
66 0f ea /r | PMINSW | nc prefix=opcode
0f eb /r | POR | nc prefix=opcode
66 0f eb /r | POR | nc prefix=opcode
0f ec /r | PADDSB | nc prefix=opcode
66 0f ec /r | PADDSB | nc prefix=opcode
0f ed /r | PADDSW | nc prefix=opcode
66 0f ed /r | PADDSW | nc prefix=opcode
0f ee /r | PMAXSW | nc prefix=opcode
66 0f ee /r | PMAXSW | nc prefix=opcode
0f ef /r | PXOR | nc prefix=opcode
66 0f ef /r | PXOR | nc prefix=opcode
f2 0f f0 /r | LDDQU | nc mod=mem prefix=table
0f f1 /r | PSLLW | nc prefix=opcode
66 0f f1 /r | PSLLW | nc prefix=opcode
0f f2 /r | PSLLD | nc prefix=opcode
66 0f f2 /r | PSLLD | nc prefix=opcode
0f f3 /r | PSLLQ | nc prefix=opcode
66 0f f3 /r | PSLLQ | nc prefix=opcode
0f f4 /r | PMULUDQ | nc prefix=opcode
66 0f f4 /r | PMULUDQ | nc prefix=opcode
0f f5 /r | PMADDWD | nc prefix=opcode
66 0f f5 /r | PMADDWD | nc prefix=opcode
0f f6 /r | PSADBW | nc prefix=opcode
66 0f f6 /r | PSADBW | nc prefix=opcode
0f f7 /r | MASKMOVQ | nc mod=reg prefix=table
66 0f f7 /r | MASKMOVDQU | nc mod=reg prefix=table
0f f8 /r | PSUBB | nc prefix=opcode
66 0f f8 /r | PSUBB | nc prefix=opcode
0f f9 /r | PSUBW | nc prefix=opcode
66 0f f9 /r | PSUBW | nc prefix=opcode
0f fa /r | PSUBD | nc prefix=opcode
66 0f fa /r | PSUBD | nc prefix=opcode
0f fb /r | PSUBQ | nc prefix=opcode
66 0f fb /r | PSUBQ | nc prefix=opcode
0f fc /r | PADDB | nc prefix=opcode
66 0f fc /r | PADDB | nc prefix=opcode
0f fd /r | PADDW | nc prefix=opcode
66 0f fd /r | PADDW | nc prefix=opcode
0f fe /r | PADDD | nc prefix=opcode
66 0f fe /r | PADDD | nc prefix=opcode
0f ff /r | UD0 | nc
0f 38 00 /r | PSHUFB | nc prefix=opcode
66 0f 38 00 /r | PSHUFB | nc prefix=opcode
0f 38 01 /r | PHADDW | nc prefix=opcode
66 0f 38 01 /r | PHADDW | nc prefix=opcode
0f 38 02 /r | PHADDD | nc prefix=opcode
66 0f 38 02 /r | PHADDD | nc prefix=opcode
0f 38 03 /r | PHADDSW | nc prefix=opcode
66 0f 38 03 /r | PHADDSW | nc prefix=opcode
0f 38 04 /r | PMADDUBSW | nc prefix=opcode
66 0f 38 04 /r | PMADDUBSW | nc prefix=opcode
0f 38 05 /r | PHSUBW | nc prefix=opcode
66 0f 38 05 /r | PHSUBW | nc prefix=opcode
0f 38 06 /r | PHSUBD | nc prefix=opcode
66 0f 38 06 /r | PHSUBD | nc prefix=opcode
0f 38 07 /r | PHSUBSW | nc prefix=opcode
66 0f 38 07 /r | PHSUBSW | nc prefix=opcode
0f 38 08 /r | PSIGNB | nc prefix=opcode
66 0f 38 08 /r | PSIGNB | nc prefix=opcode
0f 38 09 /r | PSIGNW | nc prefix=opcode
66 0f 38 09 /r | PSIGNW | nc prefix=opcode
0f 38 0a /r | PSIGND | nc prefix=opcode
66 0f 38 0a /r | PSIGND | nc prefix=opcode
0f 38 0b /r | PMULHRSW | nc prefix=opcode
66 0f 38 0b /r | PMULHRSW | nc prefix=opcode
66 0f 38 10 /r | PBLENDVB | nc prefix=opcode
66 0f 38 14 /r | BLENDVPS | nc prefix=opcode
66 0f 38 15 /r | BLENDVPD | nc prefix=opcode
66 0f 38 17 /r | PTEST | nc prefix=opcode
0f 38 1c /r | PABSB | nc prefix=opcode
66 0f 38 1c /r | PABSB | nc prefix=opcode
0f 38 1d /r | PABSW | nc prefix=opcode
66 0f 38 1d /r | PABSW | nc prefix=opcode
0f 38 1e /r | PABSD | nc prefix=opcode
66 0f 38 1e /r | PABSD | nc prefix=opcode
66 0f 38 20 /r | PMOVSXBW | nc prefix=opcode
66 0f 38 21 /r | PMOVSXBD | nc prefix=opcode
66 0f 38 22 /r | PMOVSXBQ | nc prefix=opcode
66 0f 38 23 /r | PMOVSXWD | nc prefix=opcode
66 0f 38 24 /r | PMOVSXWQ | nc prefix=opcode
66 0f 38 25 /r | PMOVSXDQ | nc prefix=opcode
66 0f 38 28 /r | PMULDQ | nc prefix=opcode
66 0f 38 29 /r | PCMPEQQ | nc prefix=opcode
66 0f 38 2a /r | MOVNTDQA | nc mod=mem prefix=modfirst
66 0f 38 2b /r | PACKUSDW | nc prefix=opcode
66 0f 38 30 /r | PMOVZXBW | nc prefix=opcode
66 0f 38 31 /r | PMOVZXBD | nc prefix=opcode
66 0f 38 32 /r | PMOVZXBQ | nc prefix=opcode
66 0f 38 33 /r | PMOVZXWD | nc prefix=opcode
66 0f 38 34 /r | PMOVZXWQ | nc prefix=opcode
66 0f 38 35 /r | PMOVZXDQ | nc prefix=opcode
66 0f 38 37 /r | PCMPGTQ | nc prefix=opcode
66 0f 38 38 /r | PMINSB | nc prefix=opcode
66 0f 38 39 /r | PMINSD | nc prefix=opcode
66 0f 38 3a /r | PMINUW | nc prefix=opcode
66 0f 38 3b /r | PMINUD | nc prefix=opcode
66 0f 38 3c /r | PMAXSB | nc prefix=opcode
66 0f 38 3d /r | PMAXSD | nc prefix=opcode
66 0f 38 3e /r | PMAXUW | nc prefix=opcode
66 0f 38 3f /r | PMAXUD | nc prefix=opcode
66 0f 38 40 /r | PMULLD | nc prefix=opcode
66 0f 38 41 /r | PHMINPOSUW | nc prefix=opcode
66 0f 38 80 /r | INVEPT | nc mod=mem prefix=opcode
66 0f 38 81 /r | INVVPID | nc mod=mem prefix=opcode
66 0f 38 82 /r | INVPCID | nc mod=mem prefix=opcode
0f 38 c8 /r | SHA1NEXTE | nc prefix=opcode
0f 38 c9 /r | SHA1MSG1 | nc prefix=opcode
0f 38 ca /r | SHA1MSG2 | nc prefix=opcode
0f 38 cb /r | SHA256RNDS2 | nc prefix=opcode
0f 38 cc /r | SHA256MSG1 | nc prefix=opcode
0f 38 cd /r | SHA256MSG2 | nc prefix=opcode
66 0f 38 cf /r | GF2P8MULB | nc prefix=opcode
f3 0f 38 d8 /0 | AESENCWIDE128KL | nc mod=mem prefix=table
f3 0f 38 d8 /1 | AESDECWIDE128KL | nc mod=mem prefix=table
f3 0f 38 d8 /2 | AESENCWIDE256KL | nc mod=mem prefix=table
f3 0f 38 d8 /3 | AESDECWIDE256KL | nc mod=mem prefix=table
66 0f 38 db /r | AESIMC | nc prefix=opcode
66 0f 38 dc /r | AESENC | nc prefix=table
f3 0f 38 dc /r | AESENC128KL | nc mod=mem prefix=table
f3 0f 38 dc /r | LOADIWKEY | nc mod=reg prefix=table
66 0f 38 dd /r | AESENCLAST | nc prefix=table
f3 0f 38 dd /r | AESDEC128KL | nc mod=mem prefix=table
66 0f 38 de /r | AESDEC | nc prefix=table
f3 0f 38 de /r | AESENC256KL | nc mod=mem prefix=table
66 0f 38 df /r | AESDECLAST | nc prefix=table
f3 0f 38 df /r | AESDEC256KL | nc mod=mem prefix=table
0f 38 f0 /r | MOVBE | nc mod=mem prefix=table
66 0f 38 f0 /r | MOVBE | nc mod=mem prefix=table
f2 0f 38 f0 /r | CRC32B | nc mod=mem prefix=table
f2 0f 38 f0 /r | CRC32 | nc mod=reg prefix=table
0f 38 f1 /r | MOVBE | nc mod=mem prefix=table
66 0f 38 f1 /r | MOVBE | nc mod=mem prefix=table
f2 0f 38 f1 /r | CRC32L | nc mod=mem prefix=table
f2 0f 38 f1 /r | CRC32 | nc mod=reg prefix=table
66 0f 38 f5 /r | WRUSSD | nc mod=mem prefix=modfirst
0f 38 f6 /r | WRSSD | nc mod=mem prefix=table
66 0f 38 f6 /r | ADCX | nc prefix=table
f3 0f 38 f6 /r | ADOX | nc prefix=table
66 0f 38 f8 /r | MOVDIR64B | nc mod=mem prefix=table
f2 0f 38 f8 /r | ENQCMD | nc mod=mem prefix=table
f3 0f 38 f8 /r | ENQCMDS | nc mod=mem prefix=table
0f 38 f9 /r | MOVDIRI | nc mod=mem prefix=modfirst
f3 0f 38 fa /r | ENCODEKEY128 | nc mod=reg prefix=table
f3 0f 38 fb /r | ENCODEKEY256 | nc mod=reg prefix=table
0f 38 fc /r | AADD | nc mod=mem
66 0f 3a 08 /r | ROUNDPS Ib | nc prefix=opcode
66 0f 3a 09 /r | ROUNDPD Ib | nc prefix=opcode
66 0f 3a 0a /r | ROUNDSS Ib | nc prefix=opcode
66 0f 3a 0b /r | ROUNDSD Ib | nc prefix=opcode
66 0f 3a 0c /r | BLENDPS Ib | nc prefix=opcode
66 0f 3a 0d /r | BLENDPD Ib | nc prefix=opcode
66 0f 3a 0e /r | PBLENDW Ib | nc prefix=opcode
0f 3a 0f /r | PALIGNR Ib | nc prefix=opcode
66 0f 3a 0f /r | PALIGNR Ib | nc prefix=opcode
66 0f 3a 14 /r | PEXTRB Ib | nc prefix=opcode
66 0f 3a 15 /r | PEXTRW Ib | nc prefix=opcode
66 0f 3a 16 /r | PEXTRD Ib | nc prefix=opcode
66 0f 3a 17 /r | EXTRACTPS Ib | nc prefix=opcode
66 0f 3a 20 /r | PINSRB Ib | nc prefix=opcode
66 0f 3a 21 /r | INSERTPS Ib | nc prefix=opcode
66 0f 3a 22 /r | PINSRD Ib | nc prefix=opcode
66 0f 3a 40 /r | DPPS Ib | nc prefix=opcode
66 0f 3a 41 /r | DPPD Ib | nc prefix=opcode
66 0f 3a 42 /r | MPSADBW Ib | nc prefix=opcode
66 0f 3a 44 /r | PCLMULQDQ Ib | nc prefix=opcode
66 0f 3a 60 /r | PCMPESTRM Ib | nc prefix=opcode
66 0f 3a 61 /r | PCMPESTRI Ib | nc prefix=opcode
66 0f 3a 62 /r | PCMPISTRM Ib | nc prefix=opcode
66 0f 3a 63 /r | PCMPISTRI Ib | nc prefix=opcode
0f 3a cc /r | SHA1RNDS4 Ib | nc prefix=opcode
66 0f 3a ce /r | GF2P8AFFINEQB Ib | nc prefix=opcode
66 0f 3a cf /r | GF2P8AFFINEINVQB Ib | nc prefix=opcode
66 0f 3a df /r | AESKEYGENASSIST Ib | nc prefix=opcode
0f 01 /1 | (undefined) | undef modrm=cd prefix=table
0f 01 /1 | (undefined) | undef modrm=ce prefix=table
0f 01 /2 | (undefined) | undef modrm=d2
0f 01 /2 | (undefined) | undef modrm=d3
0f 01 /5 | (undefined) | undef modrm=eb
0f 3a f0 /r | RORX | undef prefix=table
66 0f ae /6 | TPAUSE | nc modrm=f0 prefix=table
f2 0f ae /6 | UMWAIT | nc modrm=f0 prefix=table
f3 0f ae /6 | UMONITOR | nc modrm=f0 prefix=table
`;
