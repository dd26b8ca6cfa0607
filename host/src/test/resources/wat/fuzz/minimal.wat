;; The least a proxy-wasm module needs here: memory, the ABI marker and an allocator. A fuzzing seed
;; (ModuleLoadFuzzTest): its binary is committed under ModuleLoadFuzzTestInputs/load/minimal.wasm.
(module
  (memory (export "memory") 1)
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024)))
