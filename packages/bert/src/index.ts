export {
  DECODER,
  expectedTensors,
  type TensorSource,
  validateCheckpoint,
  WORD_EMBEDDING,
} from './checkpoint.js';
export { type BertConfig, type FFNConfig, type HeadKind, parseConfig } from './config.js';
export { CheckpointError, ConfigError, PipelineError, SequenceTooLongError } from './errors.js';
export {
  type CheckpointReader,
  CONFIG_FILES,
  type FileContent,
  filesReader,
  type LoadOptions,
  type ModelFiles,
  memorySource,
  readConfig,
  TOKENIZER_FILES,
  WEIGHTS_FILE,
} from './load.js';
export { BertModel, type ForwardInput, type ForwardOutput } from './model.js';
export * from './pipeline.js';
export { sinusoidTable } from './positions.js';
export { configJson, PRESETS, type PresetName, type PresetShape } from './presets.js';
export { type RandomCheckpoint, randomCheckpoint, syntheticTokenizerJson } from './random.js';
export { type ModelTokenizer, tokenizerFromFiles } from './tokenizer.js';
