;; Imports from "env" (an emscripten-style module): walos-run must refuse it in one line.
(module
  (import "env" "emscripten_thing" (func))
  (memory (export "memory") 1)
  (func (export "_start")))
