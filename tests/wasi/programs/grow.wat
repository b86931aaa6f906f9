;; Grows memory by 10 pages; proc_exit(3) when that fails (--max-memory below 11 pages), else 0.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (if (i32.eq (memory.grow (i32.const 10)) (i32.const -1))
      (then (call $exit (i32.const 3))))))
