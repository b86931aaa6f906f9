#!/usr/bin/env python3
"""tests/fuzz/gen_modules.py OUTDIR COUNT SEED [ERROR_RATE]

Writes COUNT random modules OUTDIR/gNNNNN.wasm for the validator's differential test (run-fuzz
compares the engine's verdict, valid or not, with wabt's wasm-validate on each). Function bodies are
generated type-directed: a model of the operand and control stacks picks instructions whose operands
fit (blocks with type-index params, if/else, br/br_if/br_table, return, unreachable and the
polymorphic stack, select, calls, locals, globals, memory, references, bulk ops), so most modules are
valid; ERROR_RATE (default 0.01) is the chance per step of a deliberate wrong instruction. Random
type sections, tables, globals, data segments and data count make the module-level rules vary too.
Deterministic for a given SEED."""
import os
import random
import sys

I32, I64, F32, F64, FR, ER = 0x7F, 0x7E, 0x7D, 0x7C, 0x70, 0x6F
NUM = [I32, I64, F32, F64]
VT = NUM + [FR, ER]

# numeric opcodes: unary ops by operand type, with their result type
UNARY = {
    I32: {0x45: I32, 0x67: I32, 0x68: I32, 0x69: I32, 0xC0: I32, 0xC1: I32, 0xAC: I64, 0xB2: F32,
          0xB7: F64, 0xBE: F32},
    I64: {0x50: I32, 0x79: I64, 0x7A: I64, 0x7B: I64, 0xA7: I32, 0xC2: I64, 0xC4: I64, 0xB4: F32,
          0xB9: F64, 0xBF: F64},
    F32: {0x8B: F32, 0x91: F32, 0xA8: I32, 0xAE: I64, 0xBB: F64, 0xBC: I32},
    F64: {0x99: F64, 0x9F: F64, 0xAA: I32, 0xB0: I64, 0xB6: F32, 0xBD: I64},
}
# binary ops: (first, last) opcode ranges by operand type, with their result type
BINARY = {
    I32: [((0x46, 0x4F), I32), ((0x6A, 0x78), I32)],
    I64: [((0x51, 0x5A), I32), ((0x7C, 0x8A), I64)],
    F32: [((0x5B, 0x60), I32), ((0x92, 0x98), F32)],
    F64: [((0x61, 0x66), I32), ((0xA0, 0xA6), F64)],
}
LOADS = {0x28: (2, I32), 0x29: (3, I64), 0x2A: (2, F32), 0x2B: (3, F64), 0x2C: (0, I32),
         0x31: (0, I64), 0x33: (1, I64)}


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if (v == 0 and not b & 0x40) or (v == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def section(sid, content):
    return bytes([sid]) + uleb(len(content)) + content


def functype(params, results):
    return b"\x60" + vec([bytes([t]) for t in params]) + vec([bytes([t]) for t in results])


def const(t, rnd):
    return {I32: b"\x41" + sleb(rnd.randint(-3, 3)), I64: b"\x42" + sleb(rnd.randint(-3, 3)),
            F32: b"\x43\x00\x00\x80\x3f", F64: b"\x44" + b"\x00" * 8,
            FR: b"\xd0\x70", ER: b"\xd0\x6f"}[t]


class Frame:
    def __init__(self, kind, params, results, height):
        self.kind, self.params, self.results, self.height = kind, params, results, height
        self.unreachable = False

    def labels(self):
        return self.params if self.kind == "loop" else self.results


class Body:
    """Generates one function body against a model of the validator's stacks."""

    def __init__(self, rnd, mod, params, results, locals_):
        self.rnd, self.mod = rnd, mod
        self.locals = params + locals_
        self.results = results
        self.code = bytearray()
        self.stack = []
        self.ctrls = [Frame("func", [], list(results), 0)]

    def avail(self):
        return len(self.stack) - self.ctrls[-1].height

    def top(self):
        return self.stack[-1] if self.avail() > 0 else None

    def fits(self, types):
        """The top of the stack can be popped as `types` (unknown values below an unreachable
        frame's height match anything)."""
        n, a = len(types), self.avail()
        if a >= n:
            return self.stack[len(self.stack) - n:] == types
        if not self.ctrls[-1].unreachable:
            return False
        return a == 0 or self.stack[len(self.stack) - a:] == types[n - a:]

    def pop(self, n):
        del self.stack[len(self.stack) - min(n, self.avail()):]

    def set_unreachable(self):
        del self.stack[self.ctrls[-1].height:]
        self.ctrls[-1].unreachable = True

    def emit(self, *parts):
        for p in parts:
            self.code += bytes([p]) if isinstance(p, int) else p

    def step(self):
        rnd, mod, t = self.rnd, self.mod, self.top()
        kind = rnd.choice(["const", "const", "local", "local", "unary", "binary", "drop", "select",
                           "block", "block", "end", "end", "br", "br_if", "br_table", "return",
                           "unreachable", "call", "call_indirect", "memory", "global", "ref",
                           "bulk"])
        if kind == "const":
            vt = rnd.choice(VT)
            self.emit(const(vt, rnd))
            self.stack.append(vt)
        elif kind == "local" and self.locals:
            i = rnd.randrange(len(self.locals))
            lt = self.locals[i]
            if t == lt and rnd.random() < 0.5:
                tee = rnd.random() < 0.5
                self.emit(0x22 if tee else 0x21, uleb(i))
                if not tee:
                    self.stack.pop()
            else:
                self.emit(0x20, uleb(i))
                self.stack.append(lt)
        elif kind == "unary" and t in UNARY:
            op = rnd.choice(sorted(UNARY[t]))
            self.emit(op)
            self.stack[-1] = UNARY[t][op]
        elif kind == "binary" and t in BINARY and self.fits([t, t]):
            (lo, hi), res = rnd.choice(BINARY[t])
            self.emit(rnd.randint(lo, hi))
            self.pop(2)
            self.stack.append(res)
        elif kind == "drop" and t is not None:
            self.emit(0x1A)
            self.stack.pop()
        elif kind == "select" and t == I32 and self.avail() >= 3 and self.stack[-2] == self.stack[-3]:
            vt = self.stack[-2]
            if vt in NUM and rnd.random() < 0.5:
                self.emit(0x1B)
            else:
                self.emit(0x1C, b"\x01", vt)
            self.pop(2)
        elif kind == "block":
            op = rnd.choice([0x02, 0x03, 0x04])
            cond = [I32] if op == 0x04 else []
            choice = rnd.randrange(len(mod.types) + 2)
            if choice == 0:
                bt, params, results = b"\x40", [], []
            elif choice == 1:
                vt = rnd.choice(VT)
                bt, params, results = bytes([vt]), [], [vt]
            else:
                params, results = mod.types[choice - 2]
                bt = sleb(choice - 2)
            if self.fits(params + cond):
                self.emit(op, bt)
                self.pop(len(params) + len(cond))
                name = {0x02: "block", 0x03: "loop", 0x04: "if"}[op]
                self.ctrls.append(Frame(name, params, results, len(self.stack)))
                self.stack.extend(params)
        elif kind == "end" and len(self.ctrls) > 1:
            f = self.ctrls[-1]
            exact = self.avail() == len(f.results) or (f.unreachable and self.avail() <= len(f.results))
            if f.kind == "if" and rnd.random() < 0.5 and exact and self.fits(f.results):
                self.emit(0x05)
                del self.stack[f.height:]
                f.kind, f.unreachable = "else", False
                self.stack.extend(f.params)
            elif exact and self.fits(f.results) and (f.kind != "if" or f.params == f.results):
                self.emit(0x0B)
                del self.stack[f.height:]
                self.ctrls.pop()
                self.stack.extend(f.results)
        elif kind in ("br", "br_if", "br_table"):
            depth = rnd.randrange(len(self.ctrls))
            labels = self.ctrls[-1 - depth].labels()
            if kind == "br" and self.fits(labels):
                self.emit(0x0C, uleb(depth))
                self.set_unreachable()
            elif kind == "br_if" and t == I32:
                self.stack.pop()
                if self.fits(labels):
                    self.emit(0x0D, uleb(depth))
                else:
                    self.stack.append(I32)
            elif kind == "br_table" and t == I32:
                self.stack.pop()
                same = [d for d in range(len(self.ctrls))
                        if len(self.ctrls[-1 - d].labels()) == len(labels)
                        and self.fits(self.ctrls[-1 - d].labels())]
                if self.fits(labels) and same:
                    targets = [uleb(rnd.choice(same)) for _ in range(rnd.randint(0, 3))]
                    self.emit(0x0E, vec(targets), uleb(depth))
                    self.set_unreachable()
                else:
                    self.stack.append(I32)
        elif kind == "return" and self.fits(self.results):
            self.emit(0x0F)
            self.set_unreachable()
        elif kind == "unreachable":
            self.emit(0x00)
            self.set_unreachable()
        elif kind == "call":
            g = rnd.randrange(len(mod.funcs))
            params, results = mod.types[mod.funcs[g]]
            if self.fits(params):
                self.emit(0x10, uleb(g))
                self.pop(len(params))
                self.stack.extend(results)
        elif kind == "call_indirect" and FR in mod.tables:
            ti = rnd.randrange(len(mod.types))
            params, results = mod.types[ti]
            if self.fits(params + [I32]):
                self.emit(0x11, uleb(ti), uleb(mod.tables.index(FR)))
                self.pop(len(params) + 1)
                self.stack.extend(results)
        elif kind == "memory":
            if t == I32:
                op = rnd.choice(sorted(LOADS) + [0x40])
                if op == 0x40:
                    self.emit(0x40, 0x00)
                else:
                    natural, res = LOADS[op]
                    self.emit(op, uleb(rnd.randint(0, natural)), uleb(rnd.randint(0, 100)))
                    self.stack[-1] = res
            else:
                self.emit(0x3F, 0x00)
                self.stack.append(I32)
        elif kind == "global" and mod.globals:
            gi = rnd.randrange(len(mod.globals))
            gt, mutable = mod.globals[gi]
            if mutable and t == gt:
                self.emit(0x24, uleb(gi))
                self.stack.pop()
            else:
                self.emit(0x23, uleb(gi))
                self.stack.append(gt)
        elif kind == "ref":
            if t in (FR, ER):
                self.emit(0xD1)
                self.stack[-1] = I32
            else:
                self.emit(0xD2, uleb(0))        # function 0 is exported: declared
                self.stack.append(FR)
        elif kind == "bulk" and self.fits([I32, I32, I32]):
            sub = rnd.choice([10, 11] + ([8] if mod.data_count else []))
            self.emit(0xFC, uleb(sub))
            if sub == 8:
                self.emit(uleb(rnd.randrange(mod.data_count)), 0x00)
            else:
                self.emit(b"\x00\x00" if sub == 10 else b"\x00")
            self.pop(3)

    def mistake(self):
        """Emits one instruction that is invalid here, chosen to hit one rule."""
        rnd, mod, t = self.rnd, self.mod, self.top()
        kind = rnd.choice(["align", "select", "local", "global", "call", "label", "br_table", "plain"])
        if kind == "align":                     # alignment larger than natural
            op = rnd.choice(sorted(LOADS))
            self.emit(const(I32, rnd), op, uleb(LOADS[op][0] + rnd.randint(1, 3)), uleb(0))
        elif kind == "select":                  # operands of different types
            a, b = rnd.sample(NUM, 2)
            self.emit(const(a, rnd), const(b, rnd), const(I32, rnd), 0x1B)
        elif kind == "local" and self.locals:   # local.set of a value of another type
            i = rnd.randrange(len(self.locals))
            other = rnd.choice([vt for vt in VT if vt != self.locals[i]])
            self.emit(const(other, rnd), 0x21, uleb(i))
        elif kind == "global" and mod.globals:  # global.set of an immutable one, or wrong type
            gi = rnd.randrange(len(mod.globals))
            gt, mutable = mod.globals[gi]
            vt = gt if not mutable else rnd.choice([x for x in NUM if x != gt])
            self.emit(const(vt, rnd), 0x24, uleb(gi))
        elif kind == "call":                    # arguments of the wrong types
            g = rnd.randrange(len(mod.funcs))
            params, _ = mod.types[mod.funcs[g]]
            if params:
                self.emit(b"".join(const(rnd.choice([x for x in VT if x != p]), rnd) for p in params))
            else:
                self.emit(0x00, 0x0B, 0x0B)     # an extra end closes the function early
            self.emit(0x10, uleb(g))
        elif kind == "label":                   # br to a label that does not exist
            self.emit(0x0C, uleb(len(self.ctrls) + rnd.randint(0, 2)))
        elif kind == "br_table":                # labels of different arities
            self.emit(0x02, 0x7F, 0x02, 0x40, const(I32, rnd), const(I32, rnd), 0x0E, b"\x01\x00",
                      0x01, 0x0B, 0x0B, 0x1A)
        else:
            self.emit(rnd.choice([b"\x6a", b"\x1a", b"\x45", b"\x21\x00", b"\x0c\x00"]))

    def close(self):
        """Ends every open frame validly: drop or unreachable, push the results, end."""
        rnd = self.rnd
        while self.ctrls:
            f = self.ctrls[-1]
            if f.unreachable or rnd.random() < 0.5:
                self.emit(0x00)
            else:
                self.emit(b"\x1a" * self.avail())
            for vt in f.results:
                self.emit(const(vt, rnd))
            if f.kind == "if" and f.params != f.results:
                self.emit(0x05)
                if f.params:
                    self.emit(0x00)
                for vt in f.results:
                    self.emit(const(vt, rnd))
            self.emit(0x0B)
            self.ctrls.pop()
            del self.stack[f.height:]
            self.stack.extend(f.results)


class Module:
    def __init__(self, rnd):
        self.types = [([], []), ([], [I32]), ([I32], [I32]), ([I32], []), ([I32, I32], [I32]),
                      ([], [I32, I64]), ([I64], [F32, F64])]
        for _ in range(rnd.randint(0, 3)):
            self.types.append(([rnd.choice(VT) for _ in range(rnd.randint(0, 3))],
                               [rnd.choice(VT) for _ in range(rnd.randint(0, 2))]))
        self.funcs = [rnd.randrange(len(self.types)) for _ in range(rnd.randint(1, 3))]
        self.globals = [(rnd.choice(NUM), rnd.random() < 0.5) for _ in range(rnd.randint(0, 3))]
        self.tables = [rnd.choice([FR, ER]) for _ in range(rnd.randint(0, 2))]
        self.data_count = rnd.randint(0, 2)


def generate(rnd, error_rate):
    mod = Module(rnd)
    m = b"\x00asm\x01\x00\x00\x00"
    m += section(1, vec([functype(p, r) for p, r in mod.types]))
    m += section(3, vec([uleb(t) for t in mod.funcs]))
    if mod.tables:
        m += section(4, vec([bytes([t, 0x00, 0x01]) for t in mod.tables]))
    m += section(5, vec([b"\x00\x01"]))
    if mod.globals:
        m += section(6, vec([bytes([t, int(mu)]) + const(t, rnd) + b"\x0b" for t, mu in mod.globals]))
    m += section(7, vec([b"\x01f\x00\x00"]))
    m += section(12, uleb(mod.data_count))
    bodies = []
    for ti in mod.funcs:
        params, results = mod.types[ti]
        locals_ = [rnd.choice(VT) for _ in range(rnd.randint(0, 3))]
        body = Body(rnd, mod, list(params), list(results), locals_)
        for _ in range(rnd.randint(0, 60)):
            if rnd.random() < error_rate:
                body.mistake()
                break
            body.step()
        body.close()
        code = vec([uleb(1) + bytes([t]) for t in locals_]) + bytes(body.code)
        bodies.append(uleb(len(code)) + code)
    m += section(10, vec(bodies))
    if mod.data_count:
        m += section(11, vec([b"\x01" + vec([b"a"]) for _ in range(mod.data_count)]))
    return m


def main():
    out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    error_rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        with open(os.path.join(out, "g%05d.wasm" % i), "wb") as f:
            f.write(generate(rnd, error_rate))


if __name__ == "__main__":
    main()
