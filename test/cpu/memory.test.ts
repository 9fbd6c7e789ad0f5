// The guest memory: little-endian access in and across pages, faults as values with no
// partial writes, permissions, the code marks' byte-exact store notification and the watchpoint filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EV_CODE_WRITE, EV_FAULT, EV_WATCH, Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/memory';

const RW = PROT_READ | PROT_WRITE;

test('stores and loads are little-endian, aligned or not, within a page and across a page boundary', () => {
  const m = new Memory();
  m.map(0x10000, 0x2000, RW);
  for (const base of [0x10100, 0x10101, 0x10ffb, 0x10ffe, 0x10fff, 0x10ffd, 0x10102]) {
    m.wr32(base, 0x11223344);
    assert.deepEqual([...(m.read(base, 4) as Uint8Array)], [0x44, 0x33, 0x22, 0x11]);
    assert.equal(m.rd32(base), 0x11223344);
    assert.equal(m.rd16(base + 1), 0x2233);
    assert.equal(m.rd8(base + 3), 0x11);
    m.wr16(base, 0xbeef);
    assert.equal(m.rd16(base), 0xbeef);
    assert.equal(m.rd32(base) >>> 0, 0x1122beef);
    m.wr32(base, -2);
    assert.equal(m.rd32(base), -2, 'a 32-bit load is a signed int32');
    assert.equal(m.rd16(base + 2), 0xffff);
  }
  m.wr64(0x10ffc, 0x01020304, 0x05060708);
  assert.deepEqual([...(m.read(0x10ffc, 8) as Uint8Array)], [4, 3, 2, 1, 8, 7, 6, 5]);
  assert.equal(m.rd64(0x10ffc), 0x01020304);
  assert.equal(m.hi64, 0x05060708);
  assert.equal(m.ev, 0);
});

test('a store that faults on its second page writes nothing, and reports the first byte it could not write', () => {
  const m = new Memory();
  m.map(0x20000, 0x1000, RW);
  m.wr32(0x20ffc, 0x55555555);
  m.wr32(0x20ffe, 0x12345678);
  assert.equal(m.ev & EV_FAULT, EV_FAULT);
  assert.deepEqual(m.fault, { kind: 'page-fault', address: 0x21000, access: 'write', protection: false });
  assert.equal(m.rd32(0x20ffc) >>> 0, 0x55555555, 'no partial write');
});

test('faults are values: unmapped reads, read-only writes, no exceptions', () => {
  const m = new Memory();
  m.map(0x30000, 0x1000, PROT_READ);
  assert.equal(m.rd32(0x40000), 0);
  assert.deepEqual(m.fault, { kind: 'page-fault', address: 0x40000, access: 'read', protection: false });
  m.ev = 0;
  m.wr8(0x30010, 1);
  assert.deepEqual(m.fault, { kind: 'page-fault', address: 0x30010, access: 'write', protection: true });
  assert.equal(m.rd8(0x30010), 0);
  const f = m.fetch(0x30000, 4);
  assert.ok(!(f instanceof Uint8Array) && f.access === 'execute');
  m.protect(0x30000, 0x1000, PROT_READ | PROT_EXEC);
  assert.ok(m.fetch(0x30ffe, 15) instanceof Uint8Array && (m.fetch(0x30ffe, 15) as Uint8Array).length === 2, 'fetch stops where execute permission ends');
});

test('a store to bytes marked as code notifies the CPU with the written range and raises the code-write event; other bytes of the page do not', () => {
  const m = new Memory();
  m.map(0x50000, 0x2000, RW);
  const writes: Array<[number, number]> = [];
  m.onCodeWrite((a, n) => writes.push([a, n]));
  m.wr32(0x51000, 1);
  m.wr32(0x51004, 1);
  m.markCode(0x51008, 0x51010, 1);
  m.wr32(0x51000, 2);
  assert.equal(m.ev, 0, 'a store beside the marked bytes (same page) invalidates nothing');
  m.wr32(0x51006, 2);
  assert.deepEqual(writes, [[0x51006, 4]], 'a store overlapping the first marked byte');
  assert.equal(m.ev & EV_CODE_WRITE, EV_CODE_WRITE);
  m.ev = 0;
  m.wr8(0x51010, 3);
  assert.equal(m.ev, 0, 'the byte after the range is not code');
  m.wr32(0x50000, 3);
  assert.equal(m.ev, 0, 'other pages stay on the fast path');
  m.markCode(0x50ffe, 0x51001, 1);
  m.wr16(0x50ffc, 5);
  assert.equal(m.ev, 0);
  m.wr32(0x50ffc, 5);
  assert.deepEqual(writes.at(-1), [0x50ffc, 4], 'a store reaching the marked bytes across the page boundary');
  m.ev = 0;
  m.poke(0x51002, Uint8Array.of(1, 2));
  assert.deepEqual(writes.at(-1), [0x50ffc, 4], 'a poke beside the code is not reported');
  m.poke(0x51000, Uint8Array.of(1, 2));
  assert.deepEqual(writes.at(-1), [0x51000, 2], 'a poke onto code is');
  m.markCode(0x51008, 0x51010, -1);
  m.markCode(0x50ffe, 0x51001, -1);
  const before = writes.length;
  m.wr32(0x51008, 4);
  m.wr32(0x50ffe, 4);
  assert.equal(writes.length, before, 'unmarked bytes are plain data again');
  assert.equal(m.ev, 0);
});

test('the last CPU\'s code marks go at once only while no other listens and no marked page is shared; the rest stay marked', () => {
  const m = new Memory();
  m.map(0x70000, 0x2000, RW);
  const writes: Array<[number, number]> = [];
  const cpu = (a: number, n: number): void => void writes.push([a, n]);
  m.onCodeWrite(cpu);
  m.markCode(0x70010, 0x70020, 1);
  m.markCode(0x71000, 0x71008, 1);
  const dropOther = m.onCodeWrite(() => undefined);
  assert.equal(m.forgetCodeMarks(cpu), false, 'another CPU listens: its marks may be on the same bytes');
  dropOther();
  const child = m.fork();
  assert.equal(m.forgetCodeMarks(cpu), false, 'the marked pages are shared with a forked address space');
  m.wr32(0x70010, 1);
  assert.deepEqual(writes, [[0x70010, 4]], 'the store copied the page with its marks');
  assert.equal(m.forgetCodeMarks(cpu), false, 'the other marked page is still shared');
  m.wr32(0x71000, 1);
  m.ev = 0;
  assert.equal(m.forgetCodeMarks(cpu), true);
  m.wr32(0x70014, 2);
  m.wr32(0x71004, 2);
  assert.equal(writes.length, 2, 'no mark is left in this address space');
  assert.equal(m.ev, 0);
  m.markCode(0x70030, 0x70034, 1);
  m.wr32(0x70014, 5);
  assert.equal(writes.length, 2, 'a new mark on the page brings none of the old ones back');
  const childWrites: number[] = [];
  child.onCodeWrite((a) => void childWrites.push(a));
  child.wr32(0x70018, 3);
  assert.deepEqual(childWrites, [0x70018], 'the forked address space keeps the marks of its pages');
});

test('a later address space\'s code pages start with no marks, whatever the exited ones marked', () => {
  // Many pages, so that the later address space takes every mark array the exited ones gave back (memory.ts spareMarks).
  const pages = 64;
  for (const round of [0, 1]) {
    const m = new Memory();
    m.map(0x80000, pages * 0x1000, RW);
    const writes: number[] = [];
    const cpu = (a: number): void => void writes.push(a);
    m.onCodeWrite(cpu);
    for (let p = 0; p < pages; p++) m.markCode(0x80000 + p * 0x1000 + round * 0x100, 0x80000 + p * 0x1000 + round * 0x100 + 0x10, 1);
    for (let p = 0; p < pages; p++) m.wr32(0x80000 + p * 0x1000 + (1 - round) * 0x100, 1);
    assert.deepEqual(writes, [], `round ${round}: a store to bytes this address space never marked is no code write`);
    for (let p = 0; p < pages; p++) m.wr32(0x80000 + p * 0x1000 + round * 0x100 + 4, 1);
    assert.equal(writes.length, pages, `round ${round}: a store to its own marks is one`);
    m.ev = 0;
    assert.equal(m.forgetCodeMarks(cpu), true);
  }
});

test('the watchpoint matches overlapping accesses only, whatever the TLB holds', () => {
  const m = new Memory();
  m.map(0x60000, 0x1000, RW);
  m.wr32(0x60100, 0);
  m.wr32(0x60200, 0);
  m.setWatchpoint({ address: 0x60202, length: 2, access: 'write' });
  m.wr32(0x60100, 1);
  assert.equal(m.ev, 0);
  m.wr8(0x60201, 1);
  assert.equal(m.ev, 0);
  m.wr32(0x60200, 1);
  assert.equal(m.ev & EV_WATCH, EV_WATCH);
  assert.equal(m.watchHit, 0x60202);
  m.ev = 0;
  m.rd32(0x60200);
  assert.equal(m.ev, 0, 'a write watchpoint ignores reads');
  m.setWatchpoint({ address: 0x60202, length: 2, access: 'readWrite' });
  m.rd8(0x60203);
  assert.equal(m.ev & EV_WATCH, EV_WATCH);
});

test('fork keeps a shared mapping one page in both address spaces (private pages copy on write); unmapping one side keeps the other; a checkpoint restores the shared bytes for both; a permission change is one side\'s own', () => {
  const parent = new Memory();
  parent.map(0x10000, 0x1000, RW, true);
  parent.map(0x20000, 0x1000, RW);
  parent.wr32(0x10010, 1);
  parent.wr32(0x20010, 1);
  const child = parent.fork();
  const marks = [parent.checkpointPages(), child.checkpointPages()];
  child.wr32(0x10010, 2);
  child.wr32(0x20010, 2);
  assert.equal(parent.rd32(0x10010), 2);
  assert.equal(parent.rd32(0x20010), 1);
  parent.wr32(0x10014, 3);
  assert.equal(child.rd32(0x10014), 3);
  assert.notEqual(parent.sharedPage(0x10010), undefined);
  assert.equal(parent.sharedPage(0x10010), child.sharedPage(0x10ffc));
  assert.equal(parent.sharedPage(0x20010), undefined);
  assert.deepEqual(parent.restorePages(marks[0]!), [0x10]);
  assert.deepEqual(child.restorePages(marks[1]!), [0x10, 0x20]);
  assert.deepEqual([parent.rd32(0x10010), parent.rd32(0x10014), child.rd32(0x10010), child.rd32(0x20010)], [1, 0, 1, 1]);
  parent.protect(0x10000, 0x1000, PROT_READ);
  child.wr32(0x10010, 4);
  assert.equal(parent.rd32(0x10010), 4);
  assert.equal(parent.sharedPage(0x10010), child.sharedPage(0x10010));
  parent.wr32(0x10010, 6);
  assert.equal(parent.ev & EV_FAULT, EV_FAULT);
  parent.ev = 0;
  parent.protect(0x10000, 0x1000, RW);
  child.unmap(0x10000, 0x1000);
  parent.wr32(0x10010, 5);
  assert.equal(parent.rd32(0x10010), 5);
  assert.equal(child.protection(0x10010), -1);
});
