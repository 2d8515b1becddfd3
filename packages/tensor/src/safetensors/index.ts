// Filled in by the safetensors work (read/write/validation). Kept so the barrel compiles meanwhile.
export {};
