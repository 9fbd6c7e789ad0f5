// Owns THE opcode table of the i386 integer instruction set (Pentium Pro class, 32-bit user
// code): one declarative row per encoding form. Decoder, AT&T formatter, executor and the
// assembler's encoder all read these rows (through table-index.ts). x87 is here; the MMX/SSE
// and system forms the emulator does not execute are rows of table-uncovered.ts (`nc`).
//
// Row syntax: `OPCODE | INTEL FORM | key=value ...`
//   OPCODE: hex bytes (a leading 66, f2, f3 or 9b is a mandatory prefix; 0f selects the 0f map,
//           0f 38 and 0f 3a the three-byte maps), then
//           `/r` or `/0`..`/7` for modrm use, `+r` for a register in the opcode, `+cc` for the
//           16 conditions (the row expands to 16 entries, `cc` in names becomes the condition).
//   INTEL FORM: the manual's mnemonic and operand kinds (OperandKind names, `1` for One).
//   keys: op=Op name (default: the Intel mnemonic, capitalised), att=AT&T mnemonic (default:
//         lower-case Intel), att16=AT&T mnemonic when the operand size is 16 (or the address
//         size with `a16`), sfx=none|mem|always|w16|w16mem|movx (default: mem when the row has
//         an E operand and no register operand, else none), r/w/u=flags read/written/undefined
//         (letters o s z a p c d i t), lock, rep, repcc, mod=mem|reg, modrm=XX (exact byte),
//         gate=i486,pentium,cmov,sep,syscall,sse,sse2,cpl0,iopl, width=N,
//         os=16|32 (row only for that operand size), noreverse (AT&T keeps Intel order),
//         a16 (att16 follows the address size), alias=NAME[:16|:32],... (other spellings GNU
//         as accepts, with the operand size they imply; in +cc rows `cc` is each condition),
//         sfxok=LETTERS (the b/w/l suffixes GNU as accepts; default: b for byte rows, w/l for
//         rows following the operand size, w or l for fixed word/dword rows, none for rows
//         whose operands are all immediates or branch targets and rows without operands),
//         noasm (GNU as has no mnemonic for the row: the encoder never picks it),
//         only=8087|287 (an x87 control form of that coprocessor alone, which later ones
//         execute as fnop or refuse: objdump appends `(8087 only)`), undoc (an undocumented
//         alias encoding: executed as its op, printed `(bad)` as objdump does, never assembled),
//         nc (defined by the architecture, not executed: #UD, or #GP with gate=cpl0;
//         `(not covered: ...)`), undef (no
//         form: only says how prefixes are read before it), prefix=table|opcode|modfirst (how
//         objdump picks the mandatory prefix among 66/f2/f3: PrefixStyle in entry.ts).
//   x87 rows (X87_ROWS) spell the AT&T mnemonic in full (`flds`, `fildll`): objdump and GNU
//   as name the memory format in the mnemonic, so no b/w/l suffix applies (`sfxok=` is
//   implied). `op` is the Intel operation the bytes perform; `att` is objdump's spelling,
//   which for the reversed forms dc/de e0-ff is the other one (the AT&T fsub/fsubr swap).
//   A leading 9b is the fwait of the waiting forms (fstsw, fstcw, fstenv, fsave, fclex, finit).

const ALU = ['Add', 'Or', 'Adc', 'Sbb', 'And', 'Sub', 'Xor', 'Cmp'];
const SHIFT = ['Rol', 'Ror', 'Rcl', 'Rcr', 'Shl', 'Shr', 'Shl', 'Sar'];

function aluRows(): string {
  const rows: string[] = [];
  ALU.forEach((name, n) => {
    const up = name.toUpperCase();
    const base = n * 8;
    const h = (x: number) => x.toString(16).padStart(2, '0');
    const flags = `${name === 'Adc' || name === 'Sbb' ? 'r=c ' : ''}${name === 'And' || name === 'Or' || name === 'Xor' ? 'w=oszapc u=a' : 'w=oszapc'}`;
    const lock = name === 'Cmp' ? '' : ' lock';
    rows.push(
      `${h(base)} /r | ${up} Eb,Gb | ${flags}${lock}`,
      `${h(base + 1)} /r | ${up} Ev,Gv | ${flags}${lock}`,
      `${h(base + 2)} /r | ${up} Gb,Eb | ${flags}`,
      `${h(base + 3)} /r | ${up} Gv,Ev | ${flags}`,
      `${h(base + 4)} | ${up} AL,Ib | ${flags}`,
      `${h(base + 5)} | ${up} eAX,Iz | ${flags}`,
      `80 /${n} | ${up} Eb,Ib | ${flags}${lock}`,
      `81 /${n} | ${up} Ev,Iz | ${flags}${lock}`,
      `82 /${n} | ${up} Eb,Ib | ${flags}${lock}`,
      `83 /${n} | ${up} Ev,Ibs | ${flags}${lock}`,
    );
  });
  SHIFT.forEach((name, n) => {
    const up = name.toUpperCase();
    const rot = n < 4;
    const fl = rot ? (n >= 2 ? 'r=c w=oc u=o' : 'w=oc u=o') : 'w=oszapc u=oa';
    const al = n === 4 ? ' alias=sal' : '';
    rows.push(
      `c0 /${n} | ${up} Eb,Ib | ${fl}${al}`,
      `c1 /${n} | ${up} Ev,Ib | ${fl}${al}`,
      `d0 /${n} | ${up} Eb,1 | ${fl}${al}`,
      `d1 /${n} | ${up} Ev,1 | ${fl}${al}`,
      `d2 /${n} | ${up} Eb,CL | ${fl}${al}`,
      `d3 /${n} | ${up} Ev,CL | ${fl}${al}`,
    );
  });
  return rows.join('\n');
}

const X87_ARITH = ['ADD', 'MUL', 'COM', 'COMP', 'SUB', 'SUBR', 'DIV', 'DIVR'];

/** The x87 rows: every form of d8-df (register and memory), 9b and 0f ae /0 /1. */
function x87Rows(): string {
  const rows: string[] = [];
  const cap = (n: string) => n[0] + n.slice(1).toLowerCase();
  X87_ARITH.forEach((name, n) => {
    const f = `F${name}`;
    rows.push(`d8 /${n} | ${f} Md | att=${f.toLowerCase()}s`, `dc /${n} | ${f} Mq | att=${f.toLowerCase()}l`,
      `da /${n} | FI${name} Md | att=fi${name.toLowerCase()}l`, `de /${n} | FI${name} Mw | att=fi${name.toLowerCase()}s`);
    // GNU as also takes fcoml/fcompl with a register.
    if (n === 2 || n === 3) rows.push(`d8 /${n} | ${f} STi | mod=reg alias=${f.toLowerCase()}l`);
    else rows.push(`d8 /${n} | ${f} ST,STi | mod=reg`);
  });
  // dc and de register forms: the destination is ST(i); AT&T swaps sub/subr and div/divr here.
  const swapped: Record<number, [string, string]> = { 0: ['FADD', 'fadd'], 1: ['FMUL', 'fmul'], 4: ['FSUBR', 'fsub'], 5: ['FSUB', 'fsubr'], 6: ['FDIVR', 'fdiv'], 7: ['FDIV', 'fdivr'] };
  for (const [n, [intel, att]] of Object.entries(swapped)) {
    rows.push(`dc /${n} | ${intel} STi,ST | mod=reg att=${att}`, `de /${n} | ${intel}P STi,ST | mod=reg op=${cap(intel)}p att=${att}p`);
  }
  return rows.join('\n');
}

const X87_FIXED = `
d9 /0 | FLD Md | att=flds
dd /0 | FLD Mq | att=fldl
db /5 | FLD Mt | att=fldt
d9 /0 | FLD STi | mod=reg alias=fldl
d9 /2 | FST Md | att=fsts
dd /2 | FST Mq | att=fstl
dd /2 | FST STi | mod=reg alias=fstl
d9 /3 | FSTP Md | att=fstps
dd /3 | FSTP Mq | att=fstpl
db /7 | FSTP Mt | att=fstpt
dd /3 | FSTP STi | mod=reg alias=fstpl
df /0 | FILD Mw | att=filds
db /0 | FILD Md | att=fildl
df /5 | FILD Mq | att=fildll alias=fildq
df /2 | FIST Mw | att=fists
db /2 | FIST Md | att=fistl
df /3 | FISTP Mw | att=fistps
db /3 | FISTP Md | att=fistpl
df /7 | FISTP Mq | att=fistpll alias=fistpq
df /1 | FISTTP Mw | att=fisttps
db /1 | FISTTP Md | att=fisttpl
dd /1 | FISTTP Mq | att=fisttpll alias=fisttpq
df /4 | FBLD Mt
df /6 | FBSTP Mt
d9 /1 | FXCH STi | mod=reg
d9 /5 | FLD1 | modrm=e8
d9 /5 | FLDL2T | modrm=e9
d9 /5 | FLDL2E | modrm=ea
d9 /5 | FLDPI | modrm=eb
d9 /5 | FLDLG2 | modrm=ec
d9 /5 | FLDLN2 | modrm=ed
d9 /5 | FLDZ | modrm=ee
d9 /4 | FCHS | modrm=e0
d9 /4 | FABS | modrm=e1
d9 /4 | FTST | modrm=e4
d9 /4 | FXAM | modrm=e5
d9 /7 | FSQRT | modrm=fa
d9 /7 | FSCALE | modrm=fd
d9 /7 | FPREM | modrm=f8
d9 /6 | FPREM1 | modrm=f5
d9 /7 | FRNDINT | modrm=fc
d9 /6 | FXTRACT | modrm=f4
d9 /7 | FSIN | modrm=fe
d9 /7 | FCOS | modrm=ff
d9 /7 | FSINCOS | modrm=fb
d9 /6 | FPTAN | modrm=f2
d9 /6 | FPATAN | modrm=f3
d9 /6 | F2XM1 | modrm=f0
d9 /6 | FYL2X | modrm=f1
d9 /7 | FYL2XP1 | modrm=f9
d9 /6 | FDECSTP | modrm=f6
d9 /6 | FINCSTP | modrm=f7
d9 /2 | FNOP | modrm=d0
dd /0 | FFREE STi | mod=reg
df /0 | FFREEP STi | mod=reg
de /3 | FCOMPP | modrm=d9
dd /4 | FUCOM STi | mod=reg
dd /5 | FUCOMP STi | mod=reg
da /5 | FUCOMPP | modrm=e9
db /6 | FCOMI ST,STi | mod=reg w=oszapc
df /6 | FCOMIP ST,STi | mod=reg w=oszapc
db /5 | FUCOMI ST,STi | mod=reg w=oszapc
df /5 | FUCOMIP ST,STi | mod=reg w=oszapc
da /0 | FCMOVB ST,STi | mod=reg r=c
da /1 | FCMOVE ST,STi | mod=reg r=z
da /2 | FCMOVBE ST,STi | mod=reg r=zc
da /3 | FCMOVU ST,STi | mod=reg r=p
db /0 | FCMOVNB ST,STi | mod=reg r=c
db /1 | FCMOVNE ST,STi | mod=reg r=z
db /2 | FCMOVNBE ST,STi | mod=reg r=zc
db /3 | FCMOVNU ST,STi | mod=reg r=p
d9 /5 | FLDCW Mw | sfxok=w
d9 /7 | FNSTCW Mw | sfxok=w
dd /7 | FNSTSW Mw | sfxok=w
df /4 | FNSTSW AX | modrm=e0
db /4 | FNCLEX | modrm=e2
db /4 | FNINIT | modrm=e3
db /4 | FNENI | modrm=e0 only=8087
db /4 | FNDISI | modrm=e1 only=8087
db /4 | FNSETPM | modrm=e4 only=287
db /4 | FRSTPM | modrm=e5 only=287
d9 /3 | FSTP STi | mod=reg undoc
dd /1 | FXCH STi | mod=reg undoc
df /1 | FXCH STi | mod=reg undoc
df /2 | FSTP STi | mod=reg undoc
df /3 | FSTP STi | mod=reg undoc
dc /2 | FCOM STi | mod=reg undoc
dc /3 | FCOMP STi | mod=reg undoc
de /2 | FCOMP STi | mod=reg undoc
d9 /4 | FLDENV Me | att16=fldenvs sfxok=wl
d9 /6 | FNSTENV Me | att16=fnstenvs sfxok=wl
dd /4 | FRSTOR Ms | att16=frstors sfxok=wl
dd /6 | FNSAVE Ms | att16=fnsaves sfxok=wl
0f ae /0 | FXSAVE Mx
0f ae /1 | FXRSTOR Mx
9b | FWAIT | alias=wait
9b d9 /7 | FSTCW Mw | op=Fnstcw sfxok=w
9b dd /7 | FSTSW Mw | op=Fnstsw sfxok=w
9b df /4 | FSTSW AX | modrm=e0 op=Fnstsw
9b db /4 | FCLEX | modrm=e2 op=Fnclex
9b db /4 | FINIT | modrm=e3 op=Fninit
9b db /4 | FENI | modrm=e0 op=Fneni only=8087
9b db /4 | FDISI | modrm=e1 op=Fndisi only=8087
9b db /4 | FSETPM | modrm=e4 op=Fnsetpm only=287
9b d9 /6 | FSTENV Me | op=Fnstenv att16=fstenvs sfxok=wl
9b dd /6 | FSAVE Ms | op=Fnsave att16=fsaves sfxok=wl
`;

export const TABLE_ROWS = `
${aluRows()}
f6 /0 | TEST Eb,Ib | w=oszapc u=a
f6 /1 | TEST Eb,Ib | w=oszapc u=a
f7 /0 | TEST Ev,Iz | w=oszapc u=a
f7 /1 | TEST Ev,Iz | w=oszapc u=a
84 /r | TEST Eb,Gb | w=oszapc u=a
85 /r | TEST Ev,Gv | w=oszapc u=a
a8 | TEST AL,Ib | w=oszapc u=a
a9 | TEST eAX,Iz | w=oszapc u=a
f6 /2 | NOT Eb | lock
f7 /2 | NOT Ev | lock
f6 /3 | NEG Eb | w=oszapc lock
f7 /3 | NEG Ev | w=oszapc lock
f6 /4 | MUL Eb | w=oszapc u=szap
f7 /4 | MUL Ev | w=oszapc u=szap
f6 /5 | IMUL Eb | op=Imul1 w=oszapc u=szap
f7 /5 | IMUL Ev | op=Imul1 w=oszapc u=szap
f6 /6 | DIV Eb | w=oszapc u=oszapc
f7 /6 | DIV Ev | w=oszapc u=oszapc
f6 /7 | IDIV Eb | w=oszapc u=oszapc
f7 /7 | IDIV Ev | w=oszapc u=oszapc
0f af /r | IMUL Gv,Ev | w=oszapc u=szap
69 /r | IMUL Gv,Ev,Iz | w=oszapc u=szap
6b /r | IMUL Gv,Ev,Ibs | w=oszapc u=szap
fe /0 | INC Eb | w=oszap lock
ff /0 | INC Ev | w=oszap lock
fe /1 | DEC Eb | w=oszap lock
ff /1 | DEC Ev | w=oszap lock
40 +r | INC Zv | w=oszap
48 +r | DEC Zv | w=oszap
0f a4 /r | SHLD Ev,Gv,Ib | w=oszapc u=oa
0f a5 /r | SHLD Ev,Gv,CL | w=oszapc u=oa
0f ac /r | SHRD Ev,Gv,Ib | w=oszapc u=oa
0f ad /r | SHRD Ev,Gv,CL | w=oszapc u=oa
0f a3 /r | BT Ev,Gv | w=oszapc u=osapz
0f ab /r | BTS Ev,Gv | w=oszapc u=osapz lock
0f b3 /r | BTR Ev,Gv | w=oszapc u=osapz lock
0f bb /r | BTC Ev,Gv | w=oszapc u=osapz lock
0f ba /4 | BT Ev,Ib | w=oszapc u=osapz
0f ba /5 | BTS Ev,Ib | w=oszapc u=osapz lock
0f ba /6 | BTR Ev,Ib | w=oszapc u=osapz lock
0f ba /7 | BTC Ev,Ib | w=oszapc u=osapz lock
0f bc /r | BSF Gv,Ev | w=oszapc u=osapc prefix=table
0f bd /r | BSR Gv,Ev | w=oszapc u=osapc prefix=table
f3 0f bc /r | TZCNT Gv,Ev | op=Bsf w=oszapc u=osapc prefix=table
f3 0f bd /r | LZCNT Gv,Ev | op=Bsr w=oszapc u=osapc prefix=table
0f c8 +r | BSWAP Zv | gate=i486 sfxok=l
0f c0 /r | XADD Eb,Gb | w=oszapc lock gate=i486
0f c1 /r | XADD Ev,Gv | w=oszapc lock gate=i486
0f b0 /r | CMPXCHG Eb,Gb | w=oszapc lock gate=i486
0f b1 /r | CMPXCHG Ev,Gv | w=oszapc lock gate=i486
0f c7 /1 | CMPXCHG8B Mq | w=z lock gate=pentium sfxok=
86 /r | XCHG Eb,Gb | lock
87 /r | XCHG Ev,Gv | lock
90 +r | XCHG Zv,eAX
90 | NOP | os=32
f3 90 | PAUSE | gate=sse2
0f 1f /r | NOP Ev
0f 1e /r | NOP Ev | op=Nop
f3 0f 1e /r | ENDBR32 | op=Nop modrm=fb
f3 0f 1e /r | ENDBR64 | op=Nop modrm=fa
f3 0f 1e /1 | RDSSPD Ed | op=Nop mod=reg sfxok=
f3 0f ae /5 | INCSSPD Ed | op=Nop mod=reg sfxok=
88 /r | MOV Eb,Gb
89 /r | MOV Ev,Gv
8a /r | MOV Gb,Eb
8b /r | MOV Gv,Ev
8c /r | MOV Esw,Sw | op=MovFromSeg
8e /r | MOV Sw,Esw | op=MovToSeg
a0 | MOV AL,Ob
a1 | MOV eAX,Ov
a2 | MOV Ob,AL
a3 | MOV Ov,eAX
b0 +r | MOV Zb,Ib
b8 +r | MOV Zv,Iz
c6 /0 | MOV Eb,Ib
c7 /0 | MOV Ev,Iz
0f b6 /r | MOVZX Gv,Eb | att=movz sfx=movx
0f b7 /r | MOVZX Gv,Ew | att=movz sfx=movx
0f be /r | MOVSX Gv,Eb | att=movs sfx=movx
0f bf /r | MOVSX Gv,Ew | att=movs sfx=movx
8d /r | LEA Gv,M
c5 /r | LDS Gv,Mp
c4 /r | LES Gv,Mp
0f b4 /r | LFS Gv,Mp
0f b5 /r | LGS Gv,Mp
0f b2 /r | LSS Gv,Mp
98 | CWDE | op=Cbw att=cwtl att16=cbtw alias=cbw:16,cwde:32
99 | CDQ | op=Cwd att=cltd att16=cwtd alias=cwd:16,cdq:32
9f | LAHF | r=oszapc
9e | SAHF | w=szapc
d7 | XLAT Bb | alias=xlatb
d6 | SALC | r=c noasm
a4 | MOVS Yb,Xb | sfx=always rep r=d
a5 | MOVS Yv,Xv | sfx=always rep r=d
a6 | CMPS Xb,Yb | sfx=always repcc r=d w=oszapc
a7 | CMPS Xv,Yv | sfx=always repcc r=d w=oszapc
aa | STOS Yb,AL | rep r=d
ab | STOS Yv,eAX | rep r=d
ac | LODS AL,Xb | rep r=d
ad | LODS eAX,Xv | rep r=d
ae | SCAS AL,Yb | repcc r=d w=oszapc
af | SCAS eAX,Yv | repcc r=d w=oszapc
6c | INS Yb,DX | sfx=always rep r=d gate=iopl
6d | INS Yv,DX | sfx=always rep r=d gate=iopl
6e | OUTS DX,Xb | sfx=always rep r=d gate=iopl
6f | OUTS DX,Xv | sfx=always rep r=d gate=iopl
70 +cc | Jcc Jb | att=jcc
0f 80 +cc | Jcc Jz | att=jcc
0f 90 +cc /r | SETcc Eb | att=setcc sfx=none
0f 40 +cc /r | CMOVcc Gv,Ev | att=cmovcc gate=cmov
50 +r | PUSH Zv
58 +r | POP Zv
ff /6 | PUSH Ev | sfx=w16mem
8f /0 | POP Ev | sfx=w16mem
68 | PUSH Iz | sfx=w16
6a | PUSH Ibs | sfx=w16
06 | PUSH ES | sfx=w16
0e | PUSH CS | sfx=w16
16 | PUSH SS | sfx=w16
1e | PUSH DS | sfx=w16
0f a0 | PUSH FS | sfx=w16
0f a8 | PUSH GS | sfx=w16
07 | POP ES | sfx=w16
17 | POP SS | sfx=w16
1f | POP DS | sfx=w16
0f a1 | POP FS | sfx=w16
0f a9 | POP GS | sfx=w16
60 | PUSHAD | op=Pusha att=pusha sfx=w16
61 | POPAD | op=Popa att=popa sfx=w16
9c | PUSHFD | op=Pushf att=pushf sfx=w16 r=oszapcdit
9d | POPFD | op=Popf att=popf sfx=w16 w=oszapcdit
c8 | ENTER Iw,Ib | sfx=w16 noreverse
c9 | LEAVE | sfx=w16
e8 | CALL Jz | sfx=w16
ff /2 | CALL Ev | op=CallIndirect sfx=w16mem
9a | CALL Ap | op=CallFar att=lcall sfx=w16 alias=call
ff /3 | CALL Mp | op=CallFarIndirect att=lcall sfx=w16
e9 | JMP Jz | sfx=w16 sfxok=
eb | JMP Jb
ff /4 | JMP Ev | op=JmpIndirect sfx=w16mem
ea | JMP Ap | op=JmpFar att=ljmp sfx=w16 alias=jmp
ff /5 | JMP Mp | op=JmpFarIndirect att=ljmp sfx=w16
c3 | RET | sfx=w16
c2 | RET Iw | sfx=w16
cb | RETF | op=RetFar att=lret sfx=w16 alias=retf
ca | RETF Iw | op=RetFar att=lret sfx=w16 alias=retf
cf | IRETD | op=Iret att=iret sfx=w16 w=oszapcdit
e2 | LOOP Jb | att16=loopw a16 sfxok=wl
e1 | LOOPE Jb | att16=loopew a16 r=z alias=loopz sfxok=wl
e0 | LOOPNE Jb | att16=loopnew a16 r=z alias=loopnz sfxok=wl
e3 | JECXZ Jb | op=Jcxz att16=jcxz a16
f8 | CLC | w=c
f9 | STC | w=c
f5 | CMC | r=c w=c
fc | CLD | w=d
fd | STD | w=d
fa | CLI | w=i gate=iopl
fb | STI | w=i gate=iopl
37 | AAA | r=ac w=oszapc u=oszp
3f | AAS | r=ac w=oszapc u=oszp
27 | DAA | r=ac w=oszapc u=o
2f | DAS | r=ac w=oszapc u=o
d4 | AAM Ib | w=oszapc u=oac
d5 | AAD Ib | w=oszapc u=oac
cc | INT3 | w=it
f1 | INT1 | w=it
cd | INT Ib | w=it
ce | INTO | r=o w=it
0f 0b | UD2 | alias=ud2a
f4 | HLT | gate=cpl0
62 /r | BOUND Gv,Ma | noreverse
63 /r | ARPL Ew,Gw | w=z
e4 | IN AL,Ib | gate=iopl
e5 | IN eAX,Ib | gate=iopl
ec | IN AL,DX | gate=iopl
ed | IN eAX,DX | gate=iopl
e6 | OUT Ib,AL | gate=iopl
e7 | OUT Ib,eAX | gate=iopl
ee | OUT DX,AL | gate=iopl
ef | OUT DX,eAX | gate=iopl
0f 34 | SYSENTER | gate=sep w=i
0f 35 | SYSEXIT | gate=sep,cpl0
0f 05 | SYSCALL | gate=syscall w=oszapcdit
0f 07 | SYSRET | gate=syscall,cpl0 w=oszapcdit sfxok=l
0f a2 | CPUID | gate=pentium
0f 31 | RDTSC | gate=pentium
0f 01 /7 | RDTSCP | modrm=f9
f3 0f c7 /7 | RDPID Ed | mod=reg sfxok= prefix=table
0f 02 /r | LAR Gv,Esw | w=z
0f 03 /r | LSL Gv,Esw | w=z
0f 00 /4 | VERR Ew | w=z sfx=none
0f 00 /5 | VERW Ew | w=z sfx=none
0f 00 /0 | SLDT Esw | sfx=none
0f 00 /1 | STR Esw | sfx=none
0f 01 /0 | SGDT M | mod=mem sfx=always sfxok=wl
0f 01 /1 | SIDT M | mod=mem sfx=always sfxok=wl
0f 01 /4 | SMSW Esw | sfx=none
0f ae /5 | LFENCE | modrm=e8 gate=sse2 prefix=table
0f ae /5 | LFENCE | modrm=e9 gate=sse2 prefix=table noasm
0f ae /5 | LFENCE | modrm=ea gate=sse2 prefix=table noasm
0f ae /5 | LFENCE | modrm=eb gate=sse2 prefix=table noasm
0f ae /5 | LFENCE | modrm=ec gate=sse2 prefix=table noasm
0f ae /5 | LFENCE | modrm=ed gate=sse2 prefix=table noasm
0f ae /5 | LFENCE | modrm=ee gate=sse2 prefix=table noasm
0f ae /5 | LFENCE | modrm=ef gate=sse2 prefix=table noasm
0f ae /6 | MFENCE | modrm=f0 gate=sse2 prefix=table
0f ae /7 | SFENCE | modrm=f8 gate=sse
${x87Rows().split('\n').map((r) => `${r} sfxok=`).join('\n')}
${X87_FIXED.trim().split('\n').map((r) => (r.includes('sfxok=') ? r : `${r}${r.includes('|', r.indexOf('|') + 1) ? '' : ' |'} sfxok=`)).join('\n')}
`;
