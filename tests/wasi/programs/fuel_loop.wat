;; Loops forever: with --fuel N walos-run must stop it with the trap "all fuel consumed".
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop (br 0))))
