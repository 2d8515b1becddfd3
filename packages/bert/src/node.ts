/**
 * Node entry of @ultrafastbert/bert (chosen automatically by the `node` export condition):
 * everything in the main entry, plus loading from a checkpoint DIRECTORY with lazy per-tensor
 * reads (a 755 MB checkpoint is never held twice) and writing random checkpoints to disk.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsFileReader, writeSafetensorsFile } from '@ultrafastbert/tensor/node';
import { ConfigError } from './errors.js';
import type { CheckpointReader, LoadOptions, ModelFiles } from './load.js';
import { WEIGHTS_FILE } from './load.js';
import { UltraFastBert } from './pipeline.js';
import type { PresetName, PresetShape } from './presets.js';
import { randomCheckpoint } from './random.js';

export * from './index.js';

/** A reader over a checkpoint directory. */
export function directoryReader(dir: string): CheckpointReader {
  return {
    name: dir,
    async readText(file) {
      try {
        return await readFile(join(dir, file), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async openSafetensors(file) {
      let reader: SafetensorsFileReader;
      try {
        reader = await SafetensorsFileReader.open(join(dir, file));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      return {
        names: reader.names,
        entry: (n) => reader.entry(n),
        readFloat32: (n, scratch) => reader.readFloat32(n, scratch),
        readBytes: (n, start, length, scratch) => reader.readBytes(n, start, length, scratch),
        close: () => reader.close(),
      };
    },
  };
}

/**
 * Load a checkpoint from a directory path (Node) or a map of files (see the main entry).
 * `loadModel(dir, { backend: await cpuBackend() })`.
 */
export async function loadModel(source: string | ModelFiles, options: LoadOptions): Promise<UltraFastBert> {
  if (typeof source !== 'string') return UltraFastBert.loadFiles(source, options);
  const isDir = await stat(source).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir)
    throw new ConfigError(
      `checkpoint directory '${source}' does not exist or is not a directory ` +
        '(hub ids are not downloaded: fetch the files and pass their directory)',
    );
  return UltraFastBert.load(directoryReader(source), options);
}

/**
 * Write a checkpoint with random weights and the released file layout (config.json,
 * model.safetensors with the original key names, tokenizer.json) for a preset or shape.
 */
export async function createRandomCheckpoint(
  preset: PresetName | PresetShape,
  dir: string,
  options: { seed?: number } = {},
): Promise<void> {
  const ckpt = randomCheckpoint(preset, options.seed ?? 0);
  await mkdir(dir, { recursive: true });
  await writeSafetensorsFile(join(dir, WEIGHTS_FILE), ckpt.tensors, { format: 'pt' });
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(ckpt.config, null, 2)}\n`);
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(ckpt.tokenizer));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    `${JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', mask_token: '<mask>', pad_token: '<pad>', unk_token: '<unk>', sep_token: '<sep>', cls_token: '<cls>', model_max_length: (ckpt.config.arch as { embedding: { max_seq_length: number } }).embedding.max_seq_length }, null, 2)}\n`,
  );
}
