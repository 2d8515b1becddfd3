import { UltraFastBertError } from '@ultrafastbert/tensor';

/** config.json is missing, malformed, or asks for an architecture variant we do not implement. */
export class ConfigError extends UltraFastBertError {
  constructor(message: string) {
    super('E_CONFIG', message);
  }
}

/** The checkpoint's tensors do not match its config. Lists every problem at once. */
export class CheckpointError extends UltraFastBertError {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(
      'E_CHECKPOINT',
      `${source}: ${problems.length} problem(s) in the checkpoint:\n  - ${problems.join('\n  - ')}`,
    );
    this.problems = problems;
  }
}

/** An input sequence is longer than the model's max_seq_length (and truncation was not asked for). */
export class SequenceTooLongError extends UltraFastBertError {
  constructor(message: string) {
    super('E_SEQ_TOO_LONG', message);
  }
}

/** A pipeline was used with a model or tokenizer that cannot serve it (no MLM head, no mask token...). */
export class PipelineError extends UltraFastBertError {
  constructor(message: string) {
    super('E_PIPELINE', message);
  }
}
